// The Node snippets of "Getting started", run as a reader runs them: copied into a scratch project that depends on
// the packages, run by tsx in a child `node` (plain Node ESM resolution, not vitest's), exit code 0.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installed, nodeArgs, readText, runNode, scratchProject, type ScratchProject } from '../../readme-snippets.shared.ts';

const docsRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const snippets = ['getting-started-node.ts', 'getting-started-tfjs.ts'];
let project: ScratchProject;

beforeAll(() => {
  const names = ['@contrastive/core', '@contrastive/tfjs', '@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm'];
  project = scratchProject('contrastive-docs-snippets', Object.fromEntries(names.map((name) => [name, installed(name, docsRoot)])));
  for (const name of snippets) project.write(name, readText(join(docsRoot, 'snippets', name)));
});
afterAll(() => project.remove());

describe('Getting started snippets in a child node process', () => {
  it('the page includes them', () => {
    const page = readText(join(docsRoot, 'guides', 'getting-started.md'));
    for (const name of snippets) expect(page).toContain(`<<< @/snippets/${name}`);
    expect(page).not.toContain('register_all_gradients\n');
  });

  it.each(snippets)('%s exits with 0 and prints numbers', { timeout: 60_000 }, async (name) => {
    const result = await runNode(nodeArgs(name, docsRoot), project.directory, 50_000);
    expect({ code: result.code, signal: result.signal }, result.output).toEqual({ code: 0, signal: null });
    expect(result.output).toMatch(/\d\.\d/);
    expect(result.output).not.toMatch(/Error/);
  });
});
