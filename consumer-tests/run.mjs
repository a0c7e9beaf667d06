#!/usr/bin/env node
// Consumer tests: the published packages as a user gets them. Builds the workspace (turbo, cached), `pnpm pack`s
// every public package, installs the tarballs with npm into fresh projects under os.tmpdir() (no workspace links,
// no custom conditions), and runs each consumer case: Node ESM and CommonJS scripts on four backends, strict
// TypeScript projects, esbuild and Vite bundles in headless Chromium, a Jest test. One line per case; the report
// goes to test-results/consumer-tests.json in the format of vitest.shared.ts's SummaryJsonReporter, so that
// scripts/test-summary.mjs counts these cases. Exits 1 if any case failed.
//
//   node consumer-tests/run.mjs [--no-build] [--keep] [--only <substring>]
//
//   --no-build   pack the packages' dist/ as it is (scripts/test.sh has just built it)
//   --keep       keep the temporary projects (their path is printed)
//   --only TEXT  run only the cases whose name contains TEXT (setup still runs)
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const templateDirectory = join(here, 'template');
const resultsDirectory = join(root, 'test-results');
const reportFile = join(resultsDirectory, 'consumer-tests.json');

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;

/** Every public package, in dependency order (folder under packages/). */
const packageFolders = ['core', 'conformance', 'tfjs', 'tfjs-webgl', 'tfjs-node-gpu', 'webgpu', 'onnxruntime'];
/** The runtime dependencies users add, at the versions the workspace lock uses. */
const lockedDependencies = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-webgl',
  'onnxruntime-node',
  'onnxruntime-web',
  'webgpu',
  '@webgpu/types',
  '@types/node',
  'typescript',
  'vite',
  'vitest', // @contrastive/conformance's peer dependency: pinned, or npm would pick the newest 4.x
];
/**
 * Not from the lock: esbuild there is 0.25 (tsx's), which vite 8's optional peer range (^0.27 || ^0.28) rejects, so
 * npm refuses the install (ERESOLVE); a user of both gets 0.28.
 */
const esbuildVersion = '0.28.2';
/** Jest is not in the workspace: pinned here (30.x supports Node 20). */
const jestVersion = '30.5.2';
/** The largest |loss - reference| accepted (float32 backends against the float64 reference). */
const tolerance = 1e-4;
const NODE_TIMEOUT_MS = 120_000;
const TSC_TIMEOUT_MS = 180_000;
const PAGE_TIMEOUT_MS = 90_000;

// ---------------------------------------------------------------------------------------------------------------
// The report (TestReport of vitest.shared.ts)

const startedAt = new Date().toISOString();
const tests = [];
const setupErrors = [];
function writeReport(status) {
  const passed = tests.filter((test) => test.state === 'passed').length;
  const skipped = tests.filter((test) => test.state === 'skipped').length;
  const failed = tests.filter((test) => test.state === 'failed' || test.state === 'unfinished').length + setupErrors.length;
  const modules = new Map();
  for (const test of tests) {
    const module = modules.get(test.file) ?? { file: test.file, durationMs: 0, testsMs: 0 };
    module.durationMs += test.durationMs;
    module.testsMs += test.durationMs;
    modules.set(test.file, module);
  }
  const report = {
    project: 'consumer-tests',
    root: relative(root, here),
    status: status ?? (failed > 0 ? 'failed' : 'passed'),
    startedAt,
    ...(status === 'running' ? {} : { finishedAt: new Date().toISOString() }),
    passed,
    failed,
    skipped,
    tests,
    errors: setupErrors,
    modules: [...modules.values()],
  };
  mkdirSync(resultsDirectory, { recursive: true });
  writeFileSync(reportFile, `${JSON.stringify(report, null, 1)}\n`);
  return report;
}

/** The informative first line of a failure: the first error line, else the last non-empty line. */
function errorLines(text) {
  const lines = text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '' && !/^npm warn|A complete log of this run/.test(line));
  const first = lines.findIndex((line) => /\b(\w*Error|ERR_\w+|error TS\d+|FAILED)\b|^npm error/.test(line));
  const start = first >= 0 ? first : Math.max(0, lines.length - 1);
  return lines.slice(start, start + 8).join('\n') || 'no output';
}

function record(test) {
  tests.push(test);
  const mark = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP' }[test.state];
  const detail = test.state === 'failed' ? `\n        ${test.errors[0].split('\n').slice(0, 4).join('\n        ')}` : test.state === 'skipped' ? `  (${test.skipReason})` : test.note ? `  ${test.note}` : '';
  console.log(`  ${mark}  ${test.fullName}  ${(test.durationMs / 1000).toFixed(1)} s${detail}`);
  delete test.note;
  writeReport('running');
}

const wanted = (name) => only === undefined || name.includes(only);

// ---------------------------------------------------------------------------------------------------------------
// Processes

function run(command, commandArgs, options = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, commandArgs, { cwd: options.cwd ?? root, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.on('error', (error) => (stderr += String(error)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: signal ? `killed (${signal}; timeout ${options.timeoutMs ?? 600_000} ms?)` : code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

async function step(name, command, commandArgs, options) {
  process.stdout.write(`[consumer-tests] ${name} ... `);
  const result = await run(command, commandArgs, options);
  console.log(result.code === 0 ? `${(result.ms / 1000).toFixed(1)} s` : `FAILED (exit ${result.code})`);
  if (result.code !== 0) {
    const message = `${name} failed (exit ${result.code}):\n${errorLines(`${result.stderr}\n${result.stdout}`)}`;
    console.log(`        ${message.split('\n').join('\n        ')}`);
    setupErrors.push({ where: `setup: ${name}`, message });
  }
  return result;
}

/** The versions in pnpm-lock.yaml's `packages:` section; the highest when there are several. */
function lockedVersions() {
  const lock = readFileSync(join(root, 'pnpm-lock.yaml'), 'utf8');
  const section = lock.slice(lock.indexOf('\npackages:'), lock.indexOf('\nsnapshots:') > 0 ? lock.indexOf('\nsnapshots:') : undefined);
  const versions = new Map();
  const compare = (a, b) => {
    const [x, y] = [a, b].map((v) => v.split(/[.-]/).map((part) => (/^\d+$/.test(part) ? Number(part) : part)));
    for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] ?? -1) > (y[i] ?? -1) ? 1 : -1;
    return 0;
  };
  for (const match of section.matchAll(/^ {2}'?((?:@[^/@\s]+\/)?[^@\s']+)@([^('\s:]+)/gm)) {
    const [, name, version] = match;
    if (!versions.has(name) || compare(version, versions.get(name)) > 0) versions.set(name, version);
  }
  return versions;
}

function chromiumSettings() {
  const shared = readFileSync(join(root, 'vitest.shared.ts'), 'utf8');
  const list = /export const chromiumArgs = \[([\s\S]*?)\];/.exec(shared)?.[1] ?? '';
  const chromiumArgs = [...list.matchAll(/'([^']+)'/g)].map((match) => match[1]);
  return { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs };
}

/** playwright is the harness's, not the consumer's: resolved from a workspace package that has it. */
async function loadPlaywright() {
  for (const folder of ['tfjs-webgl', 'webgpu', 'onnxruntime', 'tfjs']) {
    try {
      const path = createRequire(join(root, 'packages', folder, 'package.json')).resolve('playwright');
      return await import(pathToFileURL(path).href);
    } catch {
      // next
    }
  }
  throw new Error('playwright is not installed in the workspace (pnpm install first)');
}

// ---------------------------------------------------------------------------------------------------------------
// Setup: build, pack, install

console.log(`[consumer-tests] node ${process.version}, temporary projects under ${tmpdir()}`);
rmSync(reportFile, { force: true });
writeReport('running');
const started = Date.now();

if (!flag('--no-build')) await step('pnpm run build', 'pnpm', ['run', 'build']);

const workDirectory = mkdtempSync(join(tmpdir(), 'contrastive-consumer-'));
const tarballDirectory = join(workDirectory, 'tarballs');
mkdirSync(tarballDirectory);
const tarballs = new Map();
for (const folder of packageFolders) {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', folder, 'package.json'), 'utf8'));
  const result = await step(`pnpm pack ${manifest.name}`, 'pnpm', ['pack', '--pack-destination', tarballDirectory], { cwd: join(root, 'packages', folder) });
  const file = join(tarballDirectory, `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`);
  if (result.code === 0 && existsSync(file)) tarballs.set(manifest.name, file);
  else if (result.code === 0) setupErrors.push({ where: `setup: pnpm pack ${manifest.name}`, message: `no tarball at ${file}` });
}

const versions = lockedVersions();
const projectDirectory = join(workDirectory, 'project');
cpSync(templateDirectory, projectDirectory, { recursive: true, filter: (source) => !source.startsWith(join(templateDirectory, 'jest')) });
for (const folder of ['node16', 'node16-cjs', 'bundler']) cpSync(join(projectDirectory, 'typescript', 'api.ts'), join(projectDirectory, 'typescript', folder, 'index.ts'));
const dependencies = {};
for (const [name, file] of tarballs) dependencies[name] = `file:${file}`;
for (const name of lockedDependencies) {
  if (!versions.has(name)) setupErrors.push({ where: 'setup: versions', message: `${name} is not in pnpm-lock.yaml` });
  else dependencies[name] = versions.get(name);
}
dependencies.esbuild = esbuildVersion;
writeFileSync(join(projectDirectory, 'package.json'), `${JSON.stringify({ name: 'contrastive-consumer', private: true, version: '1.0.0', dependencies }, null, 2)}\n`);
const npmEnv = { ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' };
const install = await step(
  `npm install (${Object.keys(dependencies).length} dependencies)`,
  'npm',
  ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
  { cwd: projectDirectory, env: npmEnv, timeoutMs: 600_000 },
);
const installed = install.code === 0;
const setupFailed = (what) => `not run: ${what} failed (counted as a failure under setup)`;

// ---------------------------------------------------------------------------------------------------------------
// Cases

let referenceLoss;
/** The case passes when the loss is within `tolerance` of the reference backend's (ESM) value. */
function compareToReference(loss) {
  if (referenceLoss === undefined) return 'no reference value (the reference-backend case failed)';
  if (typeof loss !== 'number' || !Number.isFinite(loss)) return `loss is ${loss}, not a finite number`;
  const diff = Math.abs(loss - referenceLoss);
  return diff < tolerance ? undefined : `loss ${loss} differs from the reference ${referenceLoss} by ${diff.toExponential(2)} (tolerance ${tolerance})`;
}

/** The conformance CLI's last line when nothing failed: `N passed, 0 failed` (and `, K skipped`), N > 0. */
const conformancePassedLine = /^[1-9]\d* passed, 0 failed(, \d+ skipped)?$/;

async function nodeCase(fullName, file, scriptArgs, { command = process.execPath, compare = true, setReference = false, expectResult = true, summaryLine, reportedFile = relative(root, join(templateDirectory, file)) } = {}) {
  if (!wanted(fullName)) return;
  const [cwd, requires, requirement] = [projectDirectory, installed, 'npm install'];
  if (!requires) return record({ file: reportedFile, fullName, state: 'skipped', durationMs: 0, skipReason: setupFailed(requirement) });
  const result = await run(command, command === process.execPath ? [file, ...scriptArgs] : scriptArgs, { cwd, timeoutMs: NODE_TIMEOUT_MS });
  const output = `${result.stdout}\n${result.stderr}`;
  const resultLine = /^RESULT (.*)$/m.exec(result.stdout)?.[1];
  const skipLine = /^SKIP (.*)$/m.exec(result.stdout)?.[1];
  let error;
  let note;
  if (result.code !== 0) error = `exit ${result.code}: ${errorLines(output)}`;
  else if (skipLine) return record({ file: reportedFile, fullName, state: 'skipped', durationMs: result.ms, skipReason: skipLine });
  else if (summaryLine) {
    note = result.stdout.trim().split('\n').pop();
    if (!summaryLine.test(note ?? '')) error = `the last line "${note}" does not match ${summaryLine}:\n${errorLines(output)}`;
  } else if (!expectResult) note = errorLines(result.stdout).split('\n').pop();
  else if (!resultLine) error = `no RESULT line in the output:\n${errorLines(output)}`;
  else {
    const { loss } = JSON.parse(resultLine);
    if (setReference) referenceLoss = loss;
    error = compare ? compareToReference(loss) : undefined;
    note = `loss ${loss}${compare && !error ? ` (|diff| ${Math.abs(loss - referenceLoss).toExponential(1)})` : ''}`;
  }
  record({ file: reportedFile, fullName, state: error ? 'failed' : 'passed', durationMs: result.ms, note, ...(error ? { errors: [error] } : {}) });
}

console.log('[consumer-tests] cases');
const nodeBackends = ['reference', 'tfjs-cpu', 'tfjs-wasm', 'onnxruntime-node'];
await nodeCase('node ESM > NT-Xent 2x2: reference backend against the closed form and plain JS', 'node/math-2x2.mjs', [], { compare: false });
await nodeCase('node ESM > NT-Xent on reference (the reference value)', 'node/loss.mjs', ['reference'], { compare: false, setReference: true });
for (const backend of nodeBackends.slice(1)) await nodeCase(`node ESM > NT-Xent on ${backend}`, 'node/loss.mjs', [backend]);
for (const backend of nodeBackends) await nodeCase(`node CommonJS > NT-Xent on ${backend}`, 'node/loss.cjs', [backend]);
await nodeCase('node ESM > @contrastive/tfjs-node-gpu: NT-Xent on the tensorflow backend', 'node/tfjs-node-gpu.mjs', []);
// The installed bin runs the whole conformance suite in vitest: on the built-in reference backend, and on a
// backend module in plain JavaScript, as a contributor outside this repository runs it after `npm install`.
const conformanceBin = join(projectDirectory, 'node_modules/.bin/contrastive-conformance');
await nodeCase('node CLI > contrastive-conformance --backend reference', 'packages/conformance/src/cli.ts', ['--backend', 'reference'], {
  command: conformanceBin,
  compare: false,
  summaryLine: conformancePassedLine,
  reportedFile: 'packages/conformance/src/cli.ts',
});
await nodeCase(
  'node CLI > contrastive-conformance --backend-module node/js-backend.mjs (a JavaScript backend module)',
  'node/js-backend.mjs',
  ['--backend-module', 'node/js-backend.mjs', '--backend-export', 'createMyJsBackend'],
  { command: conformanceBin, compare: false, summaryLine: conformancePassedLine },
);

// TypeScript: tsc --noEmit on the same api.ts under three module settings.
for (const [folder, label] of [
  ['node16', 'typescript > strict, module/moduleResolution node16, ESM'],
  ['node16-cjs', 'typescript > strict, module/moduleResolution node16, CommonJS'],
  ['bundler', 'typescript > strict, moduleResolution bundler'],
]) {
  if (!wanted(label)) continue;
  const file = relative(root, join(templateDirectory, 'typescript', folder, 'tsconfig.json'));
  if (!installed) {
    record({ file, fullName: label, state: 'skipped', durationMs: 0, skipReason: setupFailed('npm install') });
    continue;
  }
  const result = await run(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', `typescript/${folder}`], { cwd: projectDirectory, timeoutMs: TSC_TIMEOUT_MS });
  const output = `${result.stdout}\n${result.stderr}`.trim();
  // skipLibCheck is off, so our declarations are checked in full; diagnostics inside third-party declarations
  // (tfjs-core's `Long`, its nested older @webgpu/types) are not ours to fix: counted in the note, not failed.
  const diagnostics = output.split('\n').filter((line) => /error TS\d+/.test(line));
  const thirdParty = diagnostics.filter((line) => /^node_modules\//.test(line) && !/^node_modules\/@contrastive\//.test(line));
  const ours = diagnostics.filter((line) => !thirdParty.includes(line));
  const ok = result.code === 0 || (ours.length === 0 && diagnostics.length > 0);
  const note = thirdParty.length ? `${thirdParty.length} diagnostics in third-party declarations ignored (${[...new Set(thirdParty.map((line) => line.split('(')[0]))].join(', ')})` : undefined;
  record({
    file,
    fullName: label,
    state: ok ? 'passed' : 'failed',
    durationMs: result.ms,
    note,
    ...(ok ? {} : { errors: [`tsc exit ${result.code}, ${ours.length} errors in the consumer's code or @contrastive declarations:\n${(ours.length ? ours : [output]).slice(0, 12).join('\n')}`] }),
  });
}

// Browser: bundle with esbuild and with Vite, serve, open in headless Chromium.
const browserDirectory = join(projectDirectory, 'browser');
const ortAssets = () => readdirSync(join(projectDirectory, 'node_modules/onnxruntime-web/dist')).filter((name) => /^ort-wasm.*\.(wasm|mjs)$/.test(name));
const bundles = [];
const browserPages = [
  ['webgl.html', 'NT-Xent on tfjs WebGL (@contrastive/tfjs-webgl)'],
  ['webgpu.html', 'NT-Xent loss+gradients on WebGPU (@contrastive/webgpu, navigator.gpu)'],
  ['ort.html?ep=wasm', 'NT-Xent on onnxruntime-web, wasm EP (@contrastive/onnxruntime)'],
  ['ort.html?ep=webgpu', 'NT-Xent on onnxruntime-web, webgpu EP (@contrastive/onnxruntime)'],
];
const anyBrowserCase = ['esbuild', 'vite'].some((bundler) => browserPages.some(([, label]) => wanted(`browser ${bundler} > ${label}`)));
if (installed && anyBrowserCase) {
  const esbuildOut = join(workDirectory, 'out-esbuild');
  const esbuild = await step(
    'esbuild bundle (webgl.js, webgpu.js, ort.js)',
    join(projectDirectory, 'node_modules/.bin/esbuild'),
    ['browser/webgl.js', 'browser/webgpu.js', 'browser/ort.js', '--bundle', '--format=esm', '--platform=browser', '--log-level=warning', `--outdir=${esbuildOut}`],
    { cwd: projectDirectory },
  );
  if (esbuild.code === 0) for (const page of ['webgl', 'webgpu', 'ort']) cpSync(join(browserDirectory, `${page}.html`), join(esbuildOut, `${page}.html`));
  bundles.push({ bundler: 'esbuild', out: esbuildOut, built: esbuild.code === 0, error: esbuild.code === 0 ? undefined : errorLines(`${esbuild.stderr}\n${esbuild.stdout}`) });
  const viteOut = join(workDirectory, 'out-vite');
  const vite = await step('vite build (webgl.html, webgpu.html, ort.html)', process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'browser/vite.config.mjs'], {
    cwd: projectDirectory,
    env: { CONSUMER_VITE_OUT: viteOut },
  });
  bundles.push({ bundler: 'vite', out: viteOut, built: vite.code === 0, error: vite.code === 0 ? undefined : errorLines(`${vite.stderr}\n${vite.stdout}`) });
  // Bundlers do not copy onnxruntime-web's runtime files: the page points ort.env.wasm.wasmPaths at ./ort/.
  for (const bundle of bundles.filter((entry) => entry.built)) {
    mkdirSync(join(bundle.out, 'ort'), { recursive: true });
    for (const name of ortAssets()) cpSync(join(projectDirectory, 'node_modules/onnxruntime-web/dist', name), join(bundle.out, 'ort', name));
  }
}

const contentTypes = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css' };
function serve(directory, requests) {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    const file = join(directory, path);
    const ok = file.startsWith(directory) && existsSync(file) && statSync(file).isFile();
    requests.push(`${ok ? 200 : 404} ${path}`);
    if (!ok) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    response.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let browser;
const ortFilesUsed = new Set();
for (const bundler of ['esbuild', 'vite']) {
  const bundle = bundles.find((entry) => entry.bundler === bundler);
  for (const [page, label] of browserPages) {
    const fullName = `browser ${bundler} > ${label}`;
    if (!wanted(fullName)) continue;
    const file = relative(root, join(templateDirectory, 'browser', page.replace(/\.html.*$/, '.js')));
    if (!installed) {
      record({ file, fullName, state: 'skipped', durationMs: 0, skipReason: setupFailed('npm install') });
      continue;
    }
    if (!bundle?.built) {
      record({ file, fullName, state: 'failed', durationMs: 0, errors: [`the ${bundler} build failed: ${bundle?.error ?? 'not run'}`] });
      continue;
    }
    const caseStarted = Date.now();
    const requests = [];
    const server = await serve(bundle.out, requests);
    const console_ = [];
    let context;
    let error;
    let note;
    try {
      if (!browser) {
        const playwright = await loadPlaywright();
        const chromium = playwright.chromium ?? playwright.default.chromium;
        browser = await chromium.launch({ headless: true, ...chromiumSettings() });
      }
      context = await browser.newContext();
      const tab = await context.newPage();
      tab.on('console', (message) => console_.push(`${message.type()}: ${message.text()}`));
      tab.on('pageerror', (pageError) => console_.push(`pageerror: ${pageError.message}`));
      await tab.goto(`http://127.0.0.1:${server.address().port}/${page}`);
      await tab.waitForFunction(() => window.__consumerResult !== undefined, undefined, { timeout: PAGE_TIMEOUT_MS, polling: 100 });
      const result = await tab.evaluate(() => window.__consumerResult);
      if (!result.ok) error = `the page failed: ${result.error}`;
      else {
        error = compareToReference(result.loss);
        const extra = Object.entries(result).filter(([key]) => !['ok', 'loss'].includes(key)).map(([key, value]) => `${key} ${value}`).join(', ');
        note = `loss ${result.loss}${extra ? `, ${extra}` : ''}`;
      }
    } catch (caught) {
      error = `${String(caught.message ?? caught).split('\n')[0]}\nconsole:\n${console_.slice(-6).join('\n')}`;
    } finally {
      await context?.close().catch(() => undefined);
      server.close();
    }
    if (page.startsWith('ort')) {
      const fetched = requests.filter((line) => line.includes('/ort/')).map((line) => ({ status: line.split(' ')[0], name: line.replace(/^.*\/ort\//, '') }));
      for (const { status, name } of fetched) if (status === '200') ortFilesUsed.add(name);
      note = `${note ?? ''}; fetched from ort/: ${fetched.map(({ status, name }) => (status === '200' ? name : `${name} (${status})`)).join(', ') || 'nothing'}`;
    }
    if (error && requests.some((line) => line.startsWith('404'))) error += `\n404s: ${requests.filter((line) => line.startsWith('404')).join(', ')}`;
    record({ file, fullName, state: error ? 'failed' : 'passed', durationMs: Date.now() - caseStarted, note, ...(error ? { errors: [error] } : {}) });
  }
}
await browser?.close();

// Jest (CommonJS), in its own project: if Jest itself does not install, the case is skipped with the reason.
const jestName = 'jest > CommonJS test requiring @contrastive/core (NT-Xent 2x2 closed form)';
if (wanted(jestName)) {
  const jestDirectory = join(workDirectory, 'jest-project');
  cpSync(join(templateDirectory, 'jest'), jestDirectory, { recursive: true });
  writeFileSync(
    join(jestDirectory, 'package.json'),
    `${JSON.stringify({ name: 'contrastive-consumer-jest', private: true, version: '1.0.0', devDependencies: { jest: jestVersion }, dependencies: { '@contrastive/core': `file:${tarballs.get('@contrastive/core')}` } }, null, 2)}\n`,
  );
  const file = relative(root, join(templateDirectory, 'jest', 'contrastive.test.cjs'));
  const jestInstall = tarballs.has('@contrastive/core')
    ? await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: jestDirectory, env: npmEnv, timeoutMs: 300_000 })
    : { code: 'no @contrastive/core tarball', stdout: '', stderr: '', ms: 0 };
  if (jestInstall.code !== 0) {
    record({ file, fullName: jestName, state: 'skipped', durationMs: jestInstall.ms, skipReason: `jest@${jestVersion} did not install here (exit ${jestInstall.code}): ${errorLines(jestInstall.stderr).split('\n')[0]}` });
  } else {
    const result = await run(process.execPath, ['node_modules/jest/bin/jest.js', '--ci', '--colors=false'], { cwd: jestDirectory, timeoutMs: NODE_TIMEOUT_MS });
    const output = `${result.stdout}\n${result.stderr}`;
    record({
      file,
      fullName: jestName,
      state: result.code === 0 ? 'passed' : 'failed',
      durationMs: result.ms,
      note: `npm install of jest ${(jestInstall.ms / 1000).toFixed(1)} s`,
      ...(result.code === 0 ? {} : { errors: [`jest exit ${result.code}: ${errorLines(output.replace(/^.*●.*$/m, ''))}`] }),
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------

if (ortFilesUsed.size > 0) console.log(`[consumer-tests] onnxruntime-web files the pages fetched from ort/: ${[...ortFilesUsed].sort().join(', ')}`);
const report = writeReport();
console.log(`[consumer-tests] ${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped in ${((Date.now() - started) / 1000).toFixed(0)} s; report: ${relative(root, reportFile)}`);
if (flag('--keep')) console.log(`[consumer-tests] kept ${workDirectory}`);
else rmSync(workDirectory, { recursive: true, force: true });
process.exitCode = report.failed > 0 ? 1 : 0;
