/**
 * Test support for README and docs snippets, run the way a reader runs them: the fenced blocks are written into a
 * scratch project in the OS temp folder (`package.json` with `"type": "module"`, `node_modules` links to the real
 * packages) and run in a child `node` process: `.mjs`/`.js` with plain node, `.ts` through tsx. The
 * `--conditions=@contrastive/source` flag makes the workspace packages resolve to their TypeScript sources, so no
 * build is needed. (packages/webgpu adds forced garbage collections on top: `packages/webgpu/test/readme-examples.ts`.)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Snippet {
  /** The heading it stands under. */
  readonly heading: string;
  /** The fence's language (`ts`, `js`, `sh`, ...). */
  readonly language: string;
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
}

/** Every fenced block of a markdown file, in order. */
export function fencedBlocks(markdown: string): Snippet[] {
  const blocks: Snippet[] = [];
  let heading = '';
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('#')) heading = line.replace(/^#+\s*/, '');
    const fence = /^```(\S*)\s*$/.exec(line.trim());
    if (!fence) continue;
    const end = lines.findIndex((candidate, index) => index > i && candidate.trim() === '```');
    if (end < 0) throw new Error(`the block at line ${i + 1} is not closed`);
    blocks.push({ heading, language: fence[1]!, code: lines.slice(i + 1, end).join('\n'), line: i + 1 });
    i = end;
  }
  return blocks;
}

/** The installed copy of `name` seen from `fromDirectory` (walking up `node_modules` folders, as Node does). */
export function installed(name: string, fromDirectory: string): string {
  for (let directory = fromDirectory; ; directory = dirname(directory)) {
    const candidate = join(directory, 'node_modules', name);
    if (existsSync(candidate)) return realpathSync(candidate);
    if (dirname(directory) === directory) throw new Error(`${name} is not installed (run pnpm install)`);
  }
}

export interface ScratchProject {
  readonly directory: string;
  write(name: string, source: string): string;
  remove(): void;
}

/** A scratch project whose `node_modules` holds `links` (package name to folder), as a reader's install would. */
export function scratchProject(prefix: string, links: Record<string, string>): ScratchProject {
  const directory = mkdtempSync(join(tmpdir(), `${prefix}-`));
  writeFileSync(join(directory, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
  for (const [name, target] of Object.entries(links)) {
    mkdirSync(dirname(join(directory, 'node_modules', name)), { recursive: true });
    symlinkSync(target, join(directory, 'node_modules', name), 'dir');
  }
  return {
    directory,
    write(name, source) {
      mkdirSync(dirname(join(directory, name)), { recursive: true });
      writeFileSync(join(directory, name), source);
      return name;
    },
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}

export interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

/** Runs `node ...args` in `cwd` (without the test runner's NODE_OPTIONS), killed after `timeoutMs`. */
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

/**
 * `node` arguments that run `file` as a reader does, with `--conditions=@contrastive/source` (workspace packages
 * from their sources). `.ts` files run through tsx's loader; `.mjs`/`.js` files too when they import a workspace
 * package (its source is TypeScript, where a reader's install has built `dist/` JavaScript); `plain: true` runs
 * them with plain node.
 */
export function nodeArgs(file: string, fromDirectory: string, options: { plain?: boolean } = {}): string[] {
  const conditions = '--conditions=@contrastive/source';
  if (options.plain && !file.endsWith('.ts')) return [conditions, file];
  const tsx = pathToFileURL(join(installed('tsx', fromDirectory), 'dist', 'loader.mjs')).href;
  return [conditions, '--import', tsx, file];
}

/** `node` arguments that type-check the scratch project (`tsconfig.json` written by `writeReaderTsconfig`). */
export function typeCheckArgs(fromDirectory: string): string[] {
  return [join(installed('typescript', fromDirectory), 'bin', 'tsc'), '-p', 'tsconfig.json'];
}

/** What a reader's TypeScript project would use (strict, NodeNext), plus the source condition. */
export function writeReaderTsconfig(project: ScratchProject, options: { lib?: string[]; types?: string[]; include?: string[] } = {}): void {
  const compilerOptions = {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    customConditions: ['@contrastive/source'],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    lib: options.lib ?? ['ES2023'],
    types: options.types ?? ['node'],
  };
  project.write('tsconfig.json', JSON.stringify({ compilerOptions, include: options.include ?? ['*.ts'] }, null, 2));
}

export const readText = (path: string): string => readFileSync(path, 'utf8');
