/**
 * A tiny hand-made fixture directory for the package's own tests, written to a temporary directory (never under
 * fixtures/, which holds only generated files). Expected values come from NT-Xent written out from its definition
 * in plain JavaScript; gradients from a five-point central difference of that function (error ~1e-11).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FixtureFile, HostTensor } from '../src/fixture-types.js';

/** Mean over the 2N rows of `-s_{i,p(i)} + log sum_{k != i} exp(s_ik)`, `s = z z^T / temperature`, z normalised. */
export function directNtXent(anchors: number[][], positives: number[][], temperature: number): number {
  const z = [...anchors, ...positives].map((row) => row.map((v) => v / Math.hypot(...row)));
  const n = anchors.length;
  let total = 0;
  for (let i = 0; i < 2 * n; i++) {
    const s = z.map((row) => row.reduce((sum, v, k) => sum + v * z[i]![k]!, 0) / temperature);
    total += -s[(i + n) % (2 * n)]! + Math.log(s.reduce((sum, v, k) => (k === i ? sum : sum + Math.exp(v)), 0));
  }
  return total / (2 * n);
}

function fivePointGradient(f: (x: number[]) => number, x: number[]): number[] {
  const h = 1e-3;
  return x.map((_, k) => {
    const at = (delta: number) => f(x.map((v, i) => (i === k ? v + delta : v)));
    return (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
  });
}

const rows = (values: number[], width: number) => Array.from({ length: values.length / width }, (_, r) => values.slice(r * width, (r + 1) * width));
const tensor = (values: number[], shape: number[]): HostTensor => ({ shape, values });

/** One correct NT-Xent case, and (when `withWrongCase`) one whose expected loss is deliberately off by 1e-3. */
export function handMadeNtXent(withWrongCase = false): FixtureFile {
  const anchors = [1, 2, 0.5, 0.25, -1, 2, 2, 0, 1];
  const positives = [1.125, 1.75, 0.25, 0.125, -1.25, 2.25, -1, 0.5, 1];
  const temperature = 0.5;
  const loss = directNtXent(rows(anchors, 3), rows(positives, 3), temperature);
  const gradientAnchors = fivePointGradient((a) => directNtXent(rows(a, 3), rows(positives, 3), temperature), anchors);
  const gradientPositives = fivePointGradient((p) => directNtXent(rows(anchors, 3), rows(p, 3), temperature), positives);
  const base = {
    inputs: { anchors: tensor(anchors, [3, 3]), positives: tensor(positives, [3, 3]) },
    expected: {
      loss: tensor([loss], []),
      gradients: { anchors: tensor(gradientAnchors, [3, 3]), positives: tensor(gradientPositives, [3, 3]) },
    },
  };
  const cases = [{ id: 'nt-xent/hand-made-n3-d3', ...base }];
  if (withWrongCase) cases.push({ id: 'nt-xent/deliberately-wrong', ...base, expected: { ...base.expected, loss: tensor([loss + 1e-3], []) } });
  return { format: 'contrastive-fixtures/v1', loss: 'nt-xent', cases };
}

/** Writes `files` (name -> JSON value) into a fresh temporary directory and returns its path. */
export function writeFixtureDirectory(files: Readonly<Record<string, unknown>>): string {
  const directory = mkdtempSync(join(tmpdir(), 'contrastive-conformance-'));
  for (const [name, value] of Object.entries(files)) writeFileSync(join(directory, name), JSON.stringify(value));
  return directory;
}
