/**
 * The demo's report: one self-contained HTML file with inline SVG (loss curve, 2-D PCA projections of the held-out
 * embeddings coloured by digit) and the k-NN accuracies. A JSON copy of the figures sits in a
 * `<script type="application/json" id="demo-summary">` block for tools and tests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FewLabelRow } from './few-label.js';
import { fewLabelChartSvg } from './few-label-chart.js';
import { formatScore } from './few-label-table.js';
import { escapeXml, lossCurveSvg, scatterSvg } from './svg-charts.js';

export interface Accuracies {
  /** k-NN accuracy of the trained encoder's embedding. */
  readonly learned: number;
  /** The same encoder at its random initialisation (before training). */
  readonly random: number;
  /** The raw 64 pixels. */
  readonly pixels: number;
  /** The trained model's projection-head output `z` (what the loss sees; for comparison, not the embedding kept). */
  readonly learnedProjection?: number;
}

export interface ReportData {
  readonly title: string;
  /** Settings shown in the report, e.g. `{ loss: 'nt-xent', epochs: 30 }`. */
  readonly settings: Readonly<Record<string, string | number>>;
  readonly accuracies: Accuracies;
  /** Accuracy against labels per class (`few-label.ts`). */
  readonly fewLabel: readonly FewLabelRow[];
  readonly k: number;
  readonly trainCount: number;
  readonly testCount: number;
  readonly stepLosses: readonly number[];
  readonly epochMeans: readonly number[];
  readonly epochEnds: readonly number[];
  readonly trainingSeconds: number;
  readonly samplesPerSecond: number;
  /** [testCount, 2] PCA coordinates of the learned and the random embeddings of the held-out images. */
  readonly learnedProjection: ArrayLike<number>;
  readonly randomProjection: ArrayLike<number>;
  readonly testLabels: ArrayLike<number>;
}

const percent = (value: number) => `${(100 * value).toFixed(1)}%`;

/** Renders the report as a complete HTML document. */
export function renderReport(data: ReportData): string {
  const summary = {
    settings: data.settings,
    accuracies: data.accuracies,
    fewLabel: data.fewLabel,
    k: data.k,
    trainCount: data.trainCount,
    testCount: data.testCount,
    trainingSeconds: data.trainingSeconds,
    samplesPerSecond: data.samplesPerSecond,
    epochMeans: data.epochMeans,
  };
  const settingRows = Object.entries(data.settings)
    .map(([name, value]) => `<tr><th>${escapeXml(name)}</th><td>${escapeXml(String(value))}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeXml(data.title)}</title>
<style>
body { font-family: sans-serif; margin: 2rem; color: #222; max-width: 1100px; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.75rem; text-align: left; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
</style>
</head>
<body>
<h1>${escapeXml(data.title)}</h1>
<h2>Accuracy on ${data.testCount} held-out digits with few labels</h2>
<p>The encoder trained without labels; then only a few training images per class are labelled. A k-NN classifier
(cosine, k = min(5, labels per class)) and a linear probe (multinomial logistic regression on standardised
features) use those labels alone. Each cell: mean ± sample standard deviation over the random draws of the
labelled images (the same draws for every column), in percent.</p>
${fewLabelTableHtml(data.fewLabel)}
<div class="charts">
${fewLabelChartSvg(data.fewLabel, 'Test accuracy against labels per class')}
</div>
<h2>k-NN accuracy on ${data.testCount} held-out digits (k = ${data.k}, cosine, ${data.trainCount} training digits as neighbours)</h2>
<table>
<tr><th>learned embedding (encoder output h)</th><td id="accuracy-learned">${percent(data.accuracies.learned)}</td></tr>
<tr><th>random encoder (same shape, untrained)</th><td id="accuracy-random">${percent(data.accuracies.random)}</td></tr>
<tr><th>raw pixels</th><td id="accuracy-pixels">${percent(data.accuracies.pixels)}</td></tr>
${data.accuracies.learnedProjection === undefined ? '' : `<tr><th>projection-head output z (training only; for comparison)</th><td id="accuracy-projection">${percent(data.accuracies.learnedProjection)}</td></tr>`}
</table>
<p>Training: ${data.stepLosses.length} steps in ${data.trainingSeconds.toFixed(1)} s (${Math.round(data.samplesPerSecond)} samples/s); mean loss over the steps of the last epoch ${data.epochMeans.at(-1)?.toFixed(4) ?? 'n/a'}. The line is each step's loss (one batch), the dots each epoch's mean.</p>
<div class="charts">
${lossCurveSvg(data.stepLosses, data.epochMeans, data.epochEnds, 'Training loss (line: each step; dots: epoch means)')}
</div>
<div class="charts">
${scatterSvg(data.learnedProjection, data.testLabels, 'Learned embedding (PCA, held-out digits)')}
${scatterSvg(data.randomProjection, data.testLabels, 'Random encoder (PCA, held-out digits)')}
</div>
<h2>Settings</h2>
<table>
${settingRows}
</table>
<p>Data: UCI optical-digits (E. Alpaydin and C. Kaynak, 1998), CC BY 4.0.</p>
<script type="application/json" id="demo-summary">${JSON.stringify(summary).replace(/</g, '\\u003c')}</script>
</body>
</html>
`;
}

/** The few-label figures as an HTML table, one row per labels-per-class budget. */
function fewLabelTableHtml(rows: readonly FewLabelRow[]): string {
  const cells = (row: FewLabelRow) =>
    (['learned', 'random', 'raw'] as const).map((name) => `<td>${formatScore(row[name].knn, row.draws)}</td><td>${formatScore(row[name].linearProbe, row.draws)}</td>`).join('');
  const body = rows
    .map((row) => `<tr><th>${row.labelsPerClass === 'all' ? `all (${row.labelledCount})` : `${row.labelsPerClass} (${row.draws} draws)`}</th>${cells(row)}</tr>`)
    .join('\n');
  return `<table id="few-label">
<tr><th rowspan="2">labels per class</th><th colspan="2">learned embedding h</th><th colspan="2">random encoder h</th><th colspan="2">raw pixels</th></tr>
<tr><th>k-NN</th><th>linear probe</th><th>k-NN</th><th>linear probe</th><th>k-NN</th><th>linear probe</th></tr>
${body}
</table>`;
}

/** Writes the report, creating its folder. */
export function writeReport(path: string, data: ReportData): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderReport(data));
}
