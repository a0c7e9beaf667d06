// The README's code blocks, run as a reader runs them: written into a scratch project that depends on
// @contrastive/onnxruntime, @contrastive/core and the runtimes, each run in a child `node` (.ts through tsx, .mjs
// with plain node; Node ESM resolution, not vitest's). The Node examples run; the esbuild and Vite recipes run as
// build scripts (esbuild bundling a page entry; Vite's config module copying into public/) and the files they copy
// are checked; the browser example (webgpu EP, needs a page) is type-checked only; the webpack recipe is not run
// (copy-webpack-plugin is not installed here).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fencedBlocks, installed, nodeArgs, readText, runNode, scratchProject, type ScratchProject, typeCheckArgs, writeReaderTsconfig } from '../../../readme-snippets.shared.ts';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const blocks = fencedBlocks(readText(join(packageRoot, 'README.md')));
const ts = blocks.filter((block) => block.language === 'ts' && block.code.includes('import '));
const js = blocks.filter((block) => block.language === 'js');
const byHeading = (heading: string) => ts.find((block) => block.heading.startsWith(heading))!;
let project: ScratchProject;

beforeAll(() => {
  const links: Record<string, string> = { '@contrastive/onnxruntime': packageRoot };
  for (const name of ['@contrastive/core', 'onnxruntime-node', 'onnxruntime-web', '@types/node', 'vitest']) links[name] = installed(name, packageRoot);
  links['esbuild'] = installed('esbuild', installed('tsx', packageRoot)); // tsx's own esbuild
  links['vite'] = installed('vite', installed('vitest', packageRoot));
  project = scratchProject('contrastive-onnxruntime-readme', links);
  writeReaderTsconfig(project, { lib: ['ES2023', 'DOM'] });
  ts.forEach((block, index) => project.write(`snippet-${index}.ts`, block.code));
});
afterAll(() => project.remove());

describe('README snippets', () => {
  it('has the Node, browser, export and eager examples and the esbuild, Vite and webpack recipes', () => {
    expect(ts.map((block) => block.heading)).toEqual([
      'Node: loss and gradients on onnxruntime-node',
      'Browser: onnxruntime-web with the WebGPU (or wasm) execution provider',
      'Exporting a model file',
      'Eager-style backend (conformance suite, experiments)',
    ]);
    expect(js.map((block) => block.code.split('\n')[0])).toEqual(['// build.mjs', '// vite.config.mjs', '// webpack.config.mjs']);
  });

  it.each(['Node:', 'Exporting', 'Eager-style'])('"%s" runs in node and exits with 0', { timeout: 60_000 }, async (heading) => {
    const file = `snippet-${ts.indexOf(byHeading(heading))}.ts`;
    const result = await runNode(nodeArgs(file, packageRoot), project.directory, 50_000);
    expect({ code: result.code, signal: result.signal }, result.output).toEqual({ code: 0, signal: null });
  });

  it('the esbuild recipe bundles a page and copies the .wasm beside it', { timeout: 60_000 }, async () => {
    project.write('src/main.ts', "import * as ort from 'onnxruntime-web';\nconsole.log(ort.env.versions);\n");
    const result = await runNode(nodeArgs(project.write('build.mjs', js[0]!.code), packageRoot), project.directory, 50_000);
    expect(result.code, result.output).toBe(0);
    expect(readdirSync(join(project.directory, 'dist')).sort()).toEqual(['main.js', 'ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm']);
    // the bundle requests the file it got: its name, relative to the bundle's own URL
    expect(readText(join(project.directory, 'dist', 'main.js'))).toContain('ort-wasm-simd-threaded.jsep.wasm');
  });

  it('the Vite recipe copies the files into public/ort', { timeout: 60_000 }, async () => {
    const result = await runNode(nodeArgs(project.write('vite.config.mjs', js[1]!.code), packageRoot), project.directory, 50_000);
    expect(result.code, result.output).toBe(0);
    for (const name of ['ort-wasm-simd-threaded.jsep.wasm', 'ort-wasm-simd-threaded.jsep.mjs']) expect(existsSync(join(project.directory, 'public', 'ort', name))).toBe(true);
  });

  it('every ts example type-checks as a reader project (strict, NodeNext, DOM for the browser one)', { timeout: 120_000 }, async () => {
    const result = await runNode(typeCheckArgs(packageRoot), project.directory, 110_000);
    expect(result.code, result.output).toBe(0);
  });
});
