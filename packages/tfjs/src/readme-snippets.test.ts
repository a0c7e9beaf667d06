// The ```ts blocks of README.md, run as a reader runs them: each written as a .ts file into a scratch project that
// depends on @contrastive/tfjs, @tensorflow/tfjs and @tensorflow/tfjs-backend-wasm, run by tsx in a child `node`
// (plain Node ESM resolution, not vitest's), and type-checked as a strict NodeNext project.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fencedBlocks, installed, nodeArgs, readText, runNode, scratchProject, type ScratchProject, typeCheckArgs, writeReaderTsconfig } from '../../../readme-snippets.shared.ts';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const snippets = fencedBlocks(readText(join(packageRoot, 'README.md'))).filter((block) => block.language === 'ts');
let project: ScratchProject;

beforeAll(() => {
  const links: Record<string, string> = { '@contrastive/tfjs': packageRoot };
  for (const name of ['@contrastive/core', '@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', '@types/node']) links[name] = installed(name, packageRoot);
  project = scratchProject('contrastive-tfjs-readme', links);
  writeReaderTsconfig(project);
  snippets.forEach((snippet, index) => project.write(`snippet-${index}.ts`, snippet.code));
});
afterAll(() => project.remove());

describe('README snippets', () => {
  it('are the training and Layers examples', () => {
    expect(snippets.map((snippet) => snippet.heading)).toEqual(['Train with NT-Xent', 'Layers API']);
  });

  it('import nothing that plain Node cannot load', () => {
    for (const snippet of snippets) expect(snippet.code).not.toContain('register_all_gradients');
  });

  it.each(snippets.map((snippet, index) => [snippet.heading, index] as const))('"%s" runs in node and exits with 0', { timeout: 60_000 }, async (_, index) => {
    const result = await runNode(nodeArgs(`snippet-${index}.ts`, packageRoot), project.directory, 50_000);
    expect({ code: result.code, signal: result.signal }, result.output).toEqual({ code: 0, signal: null });
    expect(result.output).not.toMatch(/Error|Cannot|undefined/);
    expect(result.output).toMatch(/\d\.\d/); // a loss value
  });

  it('type-check as a reader project (strict, NodeNext)', { timeout: 120_000 }, async () => {
    const result = await runNode(typeCheckArgs(packageRoot), project.directory, 110_000);
    expect(result.code, result.output).toBe(0);
  });

  it('control: the old tfjs-core gradients import fails in plain node', { timeout: 30_000 }, async () => {
    const file = project.write('old-import.mjs', "import '@tensorflow/tfjs-core/dist/register_all_gradients';\n");
    const result = await runNode(nodeArgs(file, packageRoot, { plain: true }), project.directory, 25_000);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('ERR_MODULE_NOT_FOUND');
  });
});
