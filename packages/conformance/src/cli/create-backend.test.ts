// The contributor's path, end to end: `scripts/create-backend.mjs` scaffolds a throwaway backend package into a
// temporary directory, its stub is checked against the interface, the documented `pnpm conformance` command runs
// on the stub (it must say "fix the primitives first") and then on a complete float32 backend
// (float32-backend.example.ts) copied over the stub, where its summary line must read `N passed, 0 failed`.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createReferenceBackend } from '@contrastive/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const name = 'float32-scaffold-check';
const factory = 'createFloat32ScaffoldCheckBackend';
let directory: string;
const packageDirectory = () => join(directory, 'packages', name);
const backendFile = () => join(packageDirectory(), 'src', `${name}-backend.ts`);

async function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return promisify(execFile)(command, args, { cwd: repositoryRoot, env: { ...process.env, INIT_CWD: repositoryRoot } }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );
}
/** The command the docs give, with the module's path as a contributor would pass it. */
const conformance = () => run('pnpm', ['--silent', 'conformance', '--backend-module', backendFile(), '--backend-export', factory]);
const lastLine = (output: string) => output.trim().split('\n').at(-1);

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'create-backend-'));
  const result = await run('node', ['scripts/create-backend.mjs', name, '--directory', join(directory, 'packages'), '--no-install']);
  expect(result.code, result.output).toBe(0);
  // The repository files the package's configs extend (it sits in packages/<name> of a copy of the layout)...
  for (const file of ['tsconfig.base.json', 'tsconfig.source.json', 'vitest.shared.ts', 'tsdown.base.ts']) symlinkSync(join(repositoryRoot, file), join(directory, file));
  // ...and what `pnpm install` does for its workspace dependency.
  mkdirSync(join(packageDirectory(), 'node_modules', '@contrastive'), { recursive: true });
  symlinkSync(join(repositoryRoot, 'packages', 'core'), join(packageDirectory(), 'node_modules', '@contrastive', 'core'), 'dir');
}, 30_000);
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('pnpm create-backend', () => {
  it('writes the package: manifest with the source condition, tsconfig pair, vitest config, backend, conformance test, README', () => {
    for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'vitest.config.ts', 'tsdown.config.ts', 'README.md', 'LICENSE', 'src/index.ts', `src/${name}-backend.ts`, `src/${name}.conformance.test.ts`]) {
      expect(existsSync(join(packageDirectory(), file)), file).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(join(packageDirectory(), 'package.json'), 'utf8')) as { name: string; exports: Record<string, Record<string, unknown>> };
    expect(manifest.name).toBe(`@contrastive/${name}`);
    expect(manifest.exports['.']!['@contrastive/source']).toBe('./src/index.ts');
    expect(readFileSync(join(packageDirectory(), `src/${name}.conformance.test.ts`), 'utf8')).toContain(`describeConformance('${name}', () => ${factory}()`);
  });

  it('stubs every required member of the interface, each throwing "not implemented: <member>"', () => {
    const stubbed = [...readFileSync(backendFile(), 'utf8').matchAll(/^ {4}(\w+): [^\n]*=> notImplemented\('(\w+)'\),$/gm)];
    expect(stubbed.every(([, member, named]) => member === named)).toBe(true);
    const optional = ['readSync', 'dtype', 'isDisposed', 'knownValues', 'fused'];
    const required = Object.keys(createReferenceBackend()).filter((key) => !['specificationVersion', 'name', 'capabilities', ...optional].includes(key));
    expect(stubbed.map(([, member]) => member).sort()).toEqual(required.sort());
  });

  it('rejects a bad name and an existing directory with exit code 2, naming the argument', async () => {
    const bad = await run('node', ['scripts/create-backend.mjs', 'My_Backend', '--directory', join(directory, 'packages'), '--no-install']);
    expect(bad).toMatchObject({ code: 2, output: expect.stringMatching(/^create-backend: name: "My_Backend" is not a kebab-case name/) });
    const taken = await run('node', ['scripts/create-backend.mjs', name, '--directory', join(directory, 'packages'), '--no-install']);
    expect(taken).toMatchObject({ code: 2, output: expect.stringContaining(`name: "${name}": ${packageDirectory()} already exists`) });
  });

  it('on the stub, the documented command says to fix the primitives first and fails', { timeout: 120_000 }, async () => {
    const { code, output } = await conformance();
    expect(code, output).toBe(1);
    expect(output).toMatch(/\n\d+ primitive cases failed: fix the primitives first\./);
    expect(output).toMatch(/backend: not implemented: scope\n/); // every primitive case runs inside `scope`
    expect(lastLine(output)).toMatch(/^\d+ passed, [1-9]\d* failed/);
  });

  it('with a complete float32 backend in place of the stub, the documented command ends with "N passed, 0 failed"', { timeout: 120_000 }, async () => {
    const example = readFileSync(new URL('./float32-backend.example.ts', import.meta.url), 'utf8');
    writeFileSync(backendFile(), example.replaceAll('createFloat32Backend', factory).replaceAll('Float32Tensor', 'Float32ScaffoldCheckTensor'));
    const { code, output } = await conformance();
    expect(lastLine(output), output).toMatch(/^[1-9]\d* passed, 0 failed(, \d+ skipped)?$/);
    expect(Number(/^(\d+) passed/.exec(lastLine(output)!)![1])).toBeGreaterThan(700);
    expect(code).toBe(0);
  });
});
