#!/usr/bin/env node
// `pnpm create-backend <name>`: scaffolds packages/<name>, a backend package whose every TensorBackend member throws
// "not implemented: <member>", with its conformance test, and links it into the workspace (`pnpm install --offline`)
// so that `pnpm --filter @contrastive/<name> test` and `pnpm conformance ...` run at once.
//
//   pnpm create-backend float32
//   node scripts/create-backend.mjs float32 --directory /tmp/somewhere --no-install   (the CI test's form)
//
// Exit codes: 0 created, 1 the install failed (the files are written), 2 a bad name or an existing directory.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const templateDirectory = join(repositoryRoot, 'scripts', 'backend-template');
const usage = 'usage: pnpm create-backend <name> [--directory <packages-directory>] [--no-install]';

/** A bad command line or a name that cannot be a package: reported as `create-backend: <message>`, exit code 2. */
export class CreateBackendError extends Error {
  name = 'CreateBackendError';
}

/** Throws `CreateBackendError` naming `name` unless it is a kebab-case package folder name that is free. */
export function checkBackendName(name, packagesDirectory) {
  if (typeof name !== 'string' || name === '') throw new CreateBackendError(`name: missing\n${usage}`);
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name) || name.length > 40) {
    throw new CreateBackendError(`name: "${name}" is not a kebab-case name (lower-case letters and digits, words joined by "-", up to 40 characters, e.g. "float32" or "my-gpu")`);
  }
  if (name === 'backend' || name.endsWith('-backend')) {
    throw new CreateBackendError(`name: "${name}": leave out "-backend" (the files are named <name>-backend.ts, the factory create<Name>Backend)`);
  }
  const target = join(packagesDirectory, name);
  if (existsSync(target)) throw new CreateBackendError(`name: "${name}": ${target} already exists`);
}

/** `float32` -> `Float32`, `my-gpu` -> `MyGpu`. */
const pascalCase = (name) => name.split('-').map((word) => word[0].toUpperCase() + word.slice(1)).join('');

/** The template's placeholders for `name`. */
export function placeholders(name) {
  const pascal = pascalCase(name);
  return { name, Pascal: pascal, factory: `create${pascal}Backend`, packageName: `@contrastive/${name}`, title: `The ${name} backend` };
}

/** Where each template file goes: `.tmpl` dropped, `src/backend.ts` and `src/conformance.test.ts` named after the backend. */
function targetPath(templatePath, name) {
  const path = templatePath.replace(/\.tmpl$/, '');
  if (path === join('src', 'backend.ts')) return join('src', `${name}-backend.ts`);
  if (path === join('src', 'conformance.test.ts')) return join('src', `${name}.conformance.test.ts`);
  return path;
}

function templateFiles(directory, prefix = '') {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(prefix, entry);
    return statSync(join(directory, entry)).isDirectory() ? templateFiles(join(directory, entry), path) : [path];
  });
}

/** Writes packages/<name> (or `<packagesDirectory>/<name>`); returns the paths written, relative to it. */
export function scaffoldBackend(name, packagesDirectory) {
  checkBackendName(name, packagesDirectory);
  const values = placeholders(name);
  const target = join(packagesDirectory, name);
  const written = [];
  for (const templatePath of templateFiles(templateDirectory)) {
    const text = readFileSync(join(templateDirectory, templatePath), 'utf8').replace(/\{\{(\w+)\}\}/g, (whole, key) => {
      if (!(key in values)) throw new Error(`${templatePath}: unknown placeholder ${whole}`);
      return values[key];
    });
    const path = targetPath(templatePath, name);
    mkdirSync(dirname(join(target, path)), { recursive: true });
    writeFileSync(join(target, path), text);
    written.push(path);
  }
  copyFileSync(join(repositoryRoot, 'LICENSE'), join(target, 'LICENSE'));
  return [...written, 'LICENSE'].sort();
}

function parse(argv) {
  const options = { name: undefined, directory: join(repositoryRoot, 'packages'), install: true };
  const args = argv.filter((argument) => argument !== '--');
  for (let i = 0; i < args.length; i++) {
    const argument = args[i];
    if (argument === '--no-install') options.install = false;
    else if (argument === '--directory') {
      const value = args[++i];
      if (value === undefined || value.startsWith('--')) throw new CreateBackendError(`--directory needs a value\n${usage}`);
      options.directory = resolve(process.env.INIT_CWD ?? process.cwd(), value);
    } else if (argument.startsWith('-')) throw new CreateBackendError(`unknown argument ${argument}\n${usage}`);
    else if (options.name !== undefined) throw new CreateBackendError(`name: give one name, not "${options.name}" and "${argument}"\n${usage}`);
    else options.name = argument;
  }
  return options;
}

function main(argv) {
  let options;
  let written;
  try {
    options = parse(argv);
    written = scaffoldBackend(options.name, options.directory);
  } catch (error) {
    if (!(error instanceof CreateBackendError)) throw error;
    console.error(`create-backend: ${error.message}`);
    return 2;
  }
  const { factory, packageName, name } = placeholders(options.name);
  const target = join(options.directory, name);
  console.log(`created ${relative(process.cwd(), target) || '.'}: ${written.join(', ')}`);
  if (options.install) {
    console.log('linking it into the workspace: pnpm install --offline');
    try {
      execFileSync('pnpm', ['install', '--offline'], { cwd: repositoryRoot, stdio: 'inherit' });
    } catch {
      console.error('create-backend: `pnpm install --offline` failed; run `pnpm install` (it needs the registry) to link the package');
      return 1;
    }
  }
  const source = relative(repositoryRoot, join(target, 'src', `${name}-backend.ts`));
  console.log(
    [
      '',
      'next:',
      `  1. implement ${source} (every member throws "not implemented" until then)`,
      `  2. pnpm conformance --backend-module ${source} --backend-export ${factory}`,
      `  3. pnpm --filter ${packageName} test   (the same suite through vitest, as CI runs it)`,
      '  4. add a changeset: .changeset/<name>.md (see docs/contributing/adding-a-backend.md)',
    ].join('\n'),
  );
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
