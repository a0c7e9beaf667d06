// The README's ```ts example, run as a reader runs it: a .ts file in a scratch project that depends on
// @contrastive/core, run by tsx in a child `node` (Node ESM resolution, not vitest's), and type-checked.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fencedBlocks, installed, nodeArgs, readText, runNode, scratchProject, type ScratchProject, typeCheckArgs, writeReaderTsconfig } from '../../../readme-snippets.shared.ts';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const snippets = fencedBlocks(readText(join(packageRoot, 'README.md'))).filter((block) => block.language === 'ts');
let project: ScratchProject;

beforeAll(() => {
  project = scratchProject('contrastive-core-readme', { '@contrastive/core': packageRoot, '@types/node': installed('@types/node', packageRoot) });
  writeReaderTsconfig(project);
  snippets.forEach((snippet, index) => project.write(`snippet-${index}.ts`, snippet.code));
});
afterAll(() => project.remove());

describe('README snippets', () => {
  it('there is one', () => expect(snippets).toHaveLength(1));

  it('runs in node, exits with 0 and prints finite numbers', { timeout: 60_000 }, async () => {
    const result = await runNode(nodeArgs('snippet-0.ts', packageRoot), project.directory, 50_000);
    expect({ code: result.code, signal: result.signal }, result.output).toEqual({ code: 0, signal: null });
    expect(result.output).toMatch(/\d\.\d/);
    expect(result.output).not.toMatch(/NaN|Infinity|Error/);
  });

  it('type-checks as a reader project (strict, NodeNext)', { timeout: 120_000 }, async () => {
    const result = await runNode(typeCheckArgs(packageRoot), project.directory, 110_000);
    expect(result.code, result.output).toBe(0);
  });
});
