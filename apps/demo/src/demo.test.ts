/**
 * End to end: the `pnpm demo` entry point (src/main.ts through tsx, from the TypeScript sources) with a reduced
 * epoch count writes a non-empty report whose learned k-NN accuracy beats the random encoder's, and a
 * `summary.json` beside it that has the few-label figures in the documented shape.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateDemoSummary } from './summary.js';

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
  it('trains for 2 epochs, prints the few-label table and writes a report and summary.json where learned beats random', () => {
    const folder = mkdtempSync(join(tmpdir(), 'contrastive-demo-'));
    try {
      const out = join(folder, 'report.html');
      const run = runMain(['--epochs', '2', '--out', out]);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/mean loss over the last epoch \d+\.\d{4} \(the progress line shows the last step's\)/);
      const score = String.raw`\d+\.\d ± \d+\.\d`;
      for (const budget of [1, 5, 10]) expect(run.stdout).toMatch(new RegExp(String.raw`^\| ${budget} \(x5 draws\) +(\| +${score} ){6}\|$`, 'm'));
      expect(run.stdout).toMatch(new RegExp(String.raw`^\| all \(1150\) +(\| +\d+\.\d +){6}\|$`, 'm'));
      expect(run.stdout).toMatch(/k-NN \(k=5\) with all 1150 training labels: learned h +\d+\.\d%, random h +\d+\.\d%, raw pixels +\d+\.\d%/);
      expect(run.stderr).toMatch(/^epoch 2\/2 \[#+\] \d+\/\d+ steps {2}last-step loss \d+\.\d{4} {2}[\d,]+ samples\/s$/m);
      expect(statSync(out).size).toBeGreaterThan(10_000);
      const html = readFileSync(out, 'utf8');
      expect(html.match(/<svg /g)?.length).toBe(4);
      expect(html).toContain('<table id="few-label">');
      expect(html).toContain('digit 9');
      const summary = JSON.parse(html.match(/<script type="application\/json" id="demo-summary">(.*)<\/script>/)![1]!);
      expect(summary.settings.epochs).toBe(2);
      expect(summary.accuracies.learned).toBeGreaterThan(summary.accuracies.random);
      expect(summary.epochMeans.every(Number.isFinite)).toBe(true);
      const written = JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8'));
      expect(validateDemoSummary(written)).toEqual([]);
      expect([written.backend, written.seed, written.settings.epochs]).toEqual(['reference', 1, 2]);
      expect(written.fewLabel.map((row: { labelsPerClass: unknown; labelledCount: number; draws: number }) => [row.labelsPerClass, row.labelledCount, row.draws])).toEqual([
        [1, 10, 5],
        [5, 50, 5],
        [10, 100, 5],
        ['all', 1150, 1],
      ]);
      // With all labels, k-NN (k = 5) is the same classifier as the report's headline accuracies.
      expect(written.fewLabel[3].learned.knn).toEqual({ mean: summary.accuracies.learned, spread: 0 });
      expect(written.fewLabel[3].raw.knn).toEqual({ mean: summary.accuracies.pixels, spread: 0 });
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
