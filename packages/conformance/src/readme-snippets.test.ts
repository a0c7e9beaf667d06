// The README's ```ts examples as a reader uses them: each written into a scratch project that depends on
// @contrastive/core and @contrastive/conformance, type-checked (strict, NodeNext); the `runFixtures` one also runs
// in a child `node` through tsx (Node ESM resolution, not vitest's). The `describeConformance` one is a vitest test
// file: it is type-checked here and run the same way by every backend package's own conformance test.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fencedBlocks, installed, nodeArgs, readText, runNode, scratchProject, type ScratchProject, typeCheckArgs, writeReaderTsconfig } from '../../../readme-snippets.shared.ts';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const snippets = fencedBlocks(readText(join(packageRoot, 'README.md'))).filter((block) => block.language === 'ts');
let project: ScratchProject;

beforeAll(() => {
  project = scratchProject('contrastive-conformance-readme', {
    '@contrastive/core': join(packageRoot, '..', 'core'),
    '@contrastive/conformance': packageRoot,
    vitest: installed('vitest', packageRoot),
    '@types/node': installed('@types/node', packageRoot),
  });
  writeReaderTsconfig(project);
  snippets.forEach((snippet, index) => project.write(`snippet-${index}.ts`, snippet.code));
});
afterAll(() => project.remove());

describe('README snippets', () => {
  it('there are two: describeConformance and runFixtures', () => {
    expect(snippets).toHaveLength(2);
    expect(snippets[0]!.code).toContain('describeConformance(');
    expect(snippets[1]!.code).toContain('runFixtures(');
  });

  it('runFixtures runs in node on the bundled fixtures, every case passing on the reference backend', { timeout: 60_000 }, async () => {
    const result = await runNode(nodeArgs('snippet-1.ts', packageRoot), project.directory, 50_000);
    expect({ code: result.code, signal: result.signal }, result.output).toEqual({ code: 0, signal: null });
    const [, passed, total] = /(\d+) of (\d+) cases passed/.exec(result.output) ?? [];
    expect(Number(total)).toBeGreaterThan(200);
    expect(passed).toBe(total);
  });

  it('both type-check as a reader project (strict, NodeNext)', { timeout: 120_000 }, async () => {
    const result = await runNode(typeCheckArgs(packageRoot), project.directory, 110_000);
    expect(result.code, result.output).toBe(0);
  });
});
