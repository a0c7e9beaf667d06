/**
 * Tuning on the VALIDATION split (never the test split): runs the demo's training for each seed with the settings
 * given as JSON overrides and prints validation k-NN accuracies, and the few-label margins over raw pixels (1, 5
 * and 10 labels per class, 5 draws each, k-NN and linear probe). Usage, from apps/demo:
 *   npx tsx --conditions=@contrastive/source scripts/tune.ts '{"epochs":60,"temperature":0.2}' 1,2,3
 * Keys: any DemoOptions field (epochs, batchSize, temperature, learningRate, loss) plus `sizes` and `augment`
 * (partial AugmentOptions) as in src/run-demo.ts.
 */
import { defaultAugmentOptions } from '../src/augment.js';
import { defaultDemoOptions } from '../src/cli.js';
import { defaultModelSizes, runDemo } from '../src/run-demo.js';

const overrides = JSON.parse(process.argv[2] ?? '{}');
const seeds = (process.argv[3] ?? '1,2,3,4,5').split(',').map(Number);
const { sizes = defaultModelSizes, augment = {}, ...options } = overrides;
const rows: number[][] = [];
const fewRows: number[][] = [];
for (const seed of seeds) {
  const start = performance.now();
  const result = await runDemo({ ...defaultDemoOptions, ...options, seed }, undefined, {
    evaluation: 'validation',
    sizes,
    augment: { ...defaultAugmentOptions, ...augment },
    writeReport: false,
    fewLabel: { budgets: [1, 5, 10] },
  });
  const a = result.accuracies;
  rows.push([a.learned, a.random, a.pixels, a.learnedProjection ?? NaN]);
  const percent = (v: number) => (100 * v).toFixed(1).padStart(5);
  const few = result.fewLabel.map((row) => `${row.labelsPerClass}/class knn ${percent(row.learned.knn.mean)} vs raw ${percent(row.raw.knn.mean)}, probe ${percent(row.learned.linearProbe.mean)} vs raw ${percent(row.raw.linearProbe.mean)}`);
  fewRows.push(result.fewLabel.flatMap((row) => [row.learned.knn.mean - row.raw.knn.mean, row.learned.linearProbe.mean - row.raw.linearProbe.mean]));
  console.log(`  few labels (validation): ${few.join('; ')}`);
  console.log(`seed ${seed}: learned h ${percent(a.learned)}  random h ${percent(a.random)}  pixels ${percent(a.pixels)}  learned z ${percent(a.learnedProjection ?? NaN)}  (${((performance.now() - start) / 1000).toFixed(1)} s)`);
}
const mean = (i: number) => ((100 * rows.reduce((s, r) => s + r[i]!, 0)) / rows.length).toFixed(2);
const margin = Math.min(...rows.map((r) => r[0]! - r[1]!)) * 100;
console.log(`mean: learned ${mean(0)} random ${mean(1)} pixels ${mean(2)} z ${mean(3)}; smallest margin ${margin.toFixed(1)}  ${JSON.stringify(overrides)}`);
const fewMargins = fewRows[0]!.map((_, i) => ((100 * fewRows.reduce((sum, row) => sum + row[i]!, 0)) / fewRows.length).toFixed(1));
console.log(`mean margin learned - raw (points), knn/probe at 1, 5, 10 per class: ${fewMargins.join(' ')}`);
