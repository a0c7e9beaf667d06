/**
 * Test support, on top of the root `readme-snippets.shared.ts` (scratch project, child `node`, tsx, type-check):
 * what the WebGPU README examples need beyond it. `--expose-gc` and forced collections after each top-level
 * statement prove that no step lets Dawn's `GPU` object be collected while in use (which aborts Node, exit 134);
 * browser examples get `navigator.gpu` from Dawn.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  fencedBlocks,
  installed,
  nodeArgs,
  readText,
  scratchProject as sharedScratchProject,
  writeReaderTsconfig,
  type ScratchProject,
} from '../../../readme-snippets.shared.ts';

export { runNode } from '../../../readme-snippets.shared.ts';

export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The fenced ```ts blocks of README.md, in order, with the heading they stand under. */
export function typeScriptBlocks(markdown: string): { heading: string; code: string }[] {
  return fencedBlocks(markdown)
    .filter((block) => block.language === 'ts')
    .map(({ heading, code }) => ({ heading, code }));
}

/** Collects garbage three times, with a turn of the event loop after each (Dawn's finalizers run asynchronously). */
const collectGarbage = 'async function collectGarbageNow(): Promise<void> {\n  for (let i = 0; i < 3; i++) {\n    globalThis.gc!();\n    await new Promise((resolve) => setTimeout(resolve, 5));\n  }\n}\n';

/** A browser example gets `navigator.gpu` from Dawn, as a page gets it from the browser. */
const browserGlobals =
  "import { create as createDawnGpu, globals as dawnGlobals } from 'webgpu';\nObject.assign(globalThis, dawnGlobals);\n" +
  "Object.defineProperty(globalThis, 'navigator', { value: { gpu: createDawnGpu([]) }, configurable: true });\n";

/**
 * The example with `await collectGarbageNow();` after every complete top-level statement (bracket depth 0, ends in
 * `;`) and a last line that prints `finishedMarker`. `collections` counts the inserted points.
 */
export function instrument(code: string): { source: string; collections: number } {
  const out: string[] = [];
  let depth = 0;
  let collections = 0;
  for (const line of code.split('\n')) {
    out.push(line);
    const statement = withoutStringsAndComments(line).trimEnd();
    for (const character of statement) {
      if ('([{'.includes(character)) depth++;
      if (')]}'.includes(character)) depth--;
    }
    if (depth === 0 && statement.endsWith(';') && !statement.startsWith('import ')) {
      out.push('await collectGarbageNow();');
      collections++;
    }
  }
  const usesDawn = /from 'webgpu'/.test(code);
  const source = `${usesDawn ? '' : browserGlobals}${out.join('\n')}\nawait collectGarbageNow();\nconsole.log(${JSON.stringify(finishedMarker)});\n${collectGarbage}`;
  return { source, collections };
}

/** One line of code with its string literals emptied and its `//` comment cut (examples keep strings on one line). */
function withoutStringsAndComments(line: string): string {
  let code = '';
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const character = line[i]!;
    if (quote) {
      if (character === '\\') i++;
      else if (character === quote) quote = undefined;
      continue;
    }
    if (character === '/' && line[i + 1] === '/') break;
    if (`'"\``.includes(character)) quote = character;
    code += quote ? '' : character;
  }
  return code;
}

export const finishedMarker = 'readme example finished';

/** A scratch project that depends on this package as a reader's project would; `remove()` deletes it. */
export function scratchProject(): ScratchProject {
  const links: Record<string, string> = { '@contrastive/webgpu': packageRoot };
  for (const name of ['@contrastive/core', 'webgpu', '@webgpu/types', '@types/node']) links[name] = installed(name, packageRoot);
  const project = sharedScratchProject('contrastive-webgpu-readme', links);
  writeReaderTsconfig(project, { lib: ['ES2023', 'DOM'], types: ['node', '@webgpu/types'] });
  return project;
}

/** `node` arguments that run a TypeScript file as an ESM program with collectable garbage. */
export function typeScriptNodeArgs(file: string): string[] {
  return ['--expose-gc', ...nodeArgs(file, packageRoot)];
}

/** `node` arguments that type-check the scratch project with TypeScript's `tsc`. */
export function typeCheckArgs(): string[] {
  return [join(installed('typescript', packageRoot), 'bin', 'tsc'), '-p', 'tsconfig.json'];
}

export const readme = (): string => readText(join(packageRoot, 'README.md'));
