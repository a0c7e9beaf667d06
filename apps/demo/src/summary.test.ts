import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateDemoSummary, writeDemoSummary, type DemoSummary } from './summary.js';

const scores = (knn: number, probe: number) => ({ knn: { mean: knn, spread: 0.02 }, linearProbe: { mean: probe, spread: 0.03 } });
const valid: DemoSummary = {
  schemaVersion: 1,
  backend: 'reference',
  seed: 1,
  seconds: 30.5,
  trainingSeconds: 25,
  evaluationSeconds: 4,
  settings: { loss: 'nt-xent', epochs: 30 },
  trainCount: 1150,
  testCount: 359,
  finalEpochMeanLoss: 1.93,
  fewLabel: [
    { labelsPerClass: 1, labelledCount: 10, draws: 5, learned: scores(0.69, 0.67), random: scores(0.5, 0.5), raw: scores(0.65, 0.6) },
    { labelsPerClass: 'all', labelledCount: 1150, draws: 1, learned: scores(0.975, 0.95), random: scores(0.9, 0.85), raw: scores(0.98, 0.97) },
  ],
};

describe('summary.json', () => {
  it('accepts a summary of the documented shape and writes it as JSON that reads back equal', () => {
    expect(validateDemoSummary(valid)).toEqual([]);
    const folder = mkdtempSync(join(tmpdir(), 'contrastive-summary-'));
    try {
      writeDemoSummary(join(folder, 'out', 'summary.json'), valid);
      expect(JSON.parse(readFileSync(join(folder, 'out', 'summary.json'), 'utf8'))).toEqual(valid);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('names every departure from the shape by its path', () => {
    const row = valid.fewLabel[0]!;
    const broken = {
      ...valid,
      backend: '',
      seconds: -1,
      fewLabel: [{ ...row, labelsPerClass: 0, raw: undefined, learned: { knn: { mean: 1.2, spread: 0 }, linearProbe: { mean: 0.5 } } }],
    };
    expect(validateDemoSummary(broken)).toEqual([
      'backend: expected a backend name',
      'seconds: expected a number of seconds >= 0',
      'fewLabel[0].labelsPerClass: expected an integer > 0 or "all"',
      'fewLabel[0].learned.knn.mean: expected an accuracy in [0, 1]',
      'fewLabel[0].learned.linearProbe.spread: expected a standard deviation in [0, 1]',
      'fewLabel[0].raw: expected an object',
    ]);
    expect(validateDemoSummary({ ...valid, fewLabel: [] })).toEqual(['fewLabel: expected a non-empty array']);
    expect(validateDemoSummary([])).toEqual(['summary: expected an object']);
  });

  it('refuses to write a summary that does not conform', () => {
    expect(() => writeDemoSummary(join(tmpdir(), 'never-written.json'), { ...valid, seed: 1.5 })).toThrow('seed: expected an integer >= 0');
  });
});
