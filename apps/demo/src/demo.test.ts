/**
 * End to end: the `pnpm demo` entry point (src/main.ts through tsx, from the TypeScript sources) with a reduced
 * epoch count writes a non-empty report whose learned k-NN accuracy beats the random encoder's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

function runMain(argv: string[]) {
  return spawnSync(process.execPath, ['--conditions=@contrastive/source', '--import', 'tsx', 'src/main.ts', ...argv], {
    cwd: packageRoot,
    encoding: 'utf8',
    env: { ...process.env, INIT_CWD: packageRoot },
    timeout: 120_000,
  });
}

describe('pnpm demo', () => {
  it('trains for 2 epochs, prints the accuracies and writes a report where learned beats random', () => {
    const folder = mkdtempSync(join(tmpdir(), 'contrastive-demo-'));
    try {
      const out = join(folder, 'report.html');
      const run = runMain(['--epochs', '2', '--out', out]);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/learned embedding\s+\d+\.\d%/);
      expect(run.stdout).toMatch(/random encoder\s+\d+\.\d%/);
      expect(run.stderr).toMatch(/^epoch 2\/2 \[#+\] \d+\/\d+ steps {2}loss \d+\.\d{4} {2}[\d,]+ samples\/s$/m);
      expect(statSync(out).size).toBeGreaterThan(10_000);
      const html = readFileSync(out, 'utf8');
      expect(html.match(/<svg /g)?.length).toBe(3);
      expect(html).toContain('digit 9');
      const summary = JSON.parse(html.match(/<script type="application\/json" id="demo-summary">(.*)<\/script>/)![1]!);
      expect(summary.settings.epochs).toBe(2);
      expect(summary.accuracies.learned).toBeGreaterThan(summary.accuracies.random);
      expect(summary.epochMeans.every(Number.isFinite)).toBe(true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('exits with code 2 and names the option on bad input', () => {
    const run = runMain(['--backend', 'tfjs-webgpu']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('demo: --backend: expected one of reference, got "tfjs-webgpu"');
  });
});
