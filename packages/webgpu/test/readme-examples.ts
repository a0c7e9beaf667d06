/**
 * Test support: runs the TypeScript examples of README.md the way a reader runs them, each in its own plain `node`
 * process inside a scratch project (`package.json` with `"type": "module"`, and `node_modules` links to this
 * package, `@contrastive/core` and `webgpu`). `tsx` strips the types; the `@contrastive/source` condition makes
 * the packages resolve to their TypeScript sources, so no build is needed (tests run before `build` in CI).
 * `--expose-gc` and forced collections after each top-level statement prove that no step lets Dawn's `GPU`
 * object be collected while in use (which aborts Node, exit 134).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The fenced ```ts blocks of a markdown file, in order, with the heading they stand under. */
export function typeScriptBlocks(markdown: string): { heading: string; code: string }[] {
  const blocks: { heading: string; code: string }[] = [];
  let heading = '';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.startsWith('#')) heading = lines[i]!.replace(/^#+\s*/, '');
    if (lines[i]!.trim() !== '```ts') continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`README.md: the block at line ${i + 1} is not closed`);
    blocks.push({ heading, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
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

/** The installed copy of `name` seen from this package (walking up `node_modules` folders, as Node does). */
function installed(name: string): string {
  for (let directory = packageRoot; ; directory = dirname(directory)) {
    const candidate = join(directory, 'node_modules', name);
    if (existsSync(candidate)) return realpathSync(candidate);
    if (dirname(directory) === directory) throw new Error(`${name} is not installed (run pnpm install)`);
  }
}

/** A scratch project that depends on this package as a reader's project would; `remove()` deletes it. */
export function scratchProject(): { directory: string; write(name: string, source: string): string; remove(): void } {
  const directory = mkdtempSync(join(tmpdir(), 'contrastive-webgpu-readme-'));
  writeFileSync(join(directory, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
  const links: Record<string, string> = {
    '@contrastive/webgpu': realpathSync(packageRoot),
    '@contrastive/core': installed('@contrastive/core'),
    webgpu: installed('webgpu'),
    '@webgpu/types': installed('@webgpu/types'),
    '@types/node': installed('@types/node'),
  };
  for (const [name, target] of Object.entries(links)) {
    mkdirSync(dirname(join(directory, 'node_modules', name)), { recursive: true });
    symlinkSync(target, join(directory, 'node_modules', name), 'dir');
  }
  writeFileSync(join(directory, 'tsconfig.json'), JSON.stringify(readerTsconfig, null, 2));
  return {
    directory,
    write(name, source) {
      writeFileSync(join(directory, name), source);
      return name;
    },
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}

/** What a reader's TypeScript project would use, plus the source condition (the packages are not built). */
const readerTsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    customConditions: ['@contrastive/source'],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node', '@webgpu/types'],
  },
  include: ['*.ts'],
};

export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

/** Runs `node ...args` in `cwd` (no NODE_OPTIONS of the test runner), killed after `timeoutMs`. */
export function runNode(args: readonly string[], cwd: string, timeoutMs: number): Promise<ChildResult> {
  const env = { ...process.env };
  delete env['NODE_OPTIONS'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, output }));
  });
}

/** `node` arguments that run a TypeScript file as an ESM program with collectable garbage. */
export function typeScriptNodeArgs(file: string): string[] {
  const tsx = pathToFileURL(join(installed('tsx'), 'dist', 'loader.mjs')).href;
  return ['--expose-gc', '--conditions=@contrastive/source', '--import', tsx, file];
}

/** `node` arguments that type-check the scratch project with TypeScript's `tsc`. */
export function typeCheckArgs(): string[] {
  return [join(installed('typescript'), 'bin', 'tsc'), '-p', 'tsconfig.json'];
}

export const readme = (): string => readFileSync(join(packageRoot, 'README.md'), 'utf8');
