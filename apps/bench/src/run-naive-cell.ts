/** A cell for a naive tfjs form (on tfjs wasm): forward + `tf.grads` backward. */
import type { Cell } from './bench-plan.js';
import { lossInputs } from './loss-specs.js';
import { openMemoryWindow, timeRuns } from './measure.js';
import { originContrastiveLoss, simclrInfoNceLoss } from './naive-tfjs-losses.js';
import { tf, tfjsPeakBytes, useTfjsBackend, wasmHeapBytes } from './tfjs-setup.js';

export async function runNaiveCell(cell: Extract<Cell, { kind: 'naive' }>, budgetMs: number): Promise<Record<string, unknown>> {
  await useTfjsBackend('wasm');
  const close = openMemoryWindow();
  const host = lossInputs('nt-xent', cell.pairs, cell.dimension, cell.temperature);
  const x = tf.tensor2d(host['anchors']!.values, [cell.pairs, cell.dimension]);
  const xAug = tf.tensor2d(host['positives']!.values, [cell.pairs, cell.dimension]);
  const loss = cell.variant === 'simclr-info-nce' ? simclrInfoNceLoss(cell.pairs, cell.temperature) : originContrastiveLoss(cell.pairs, cell.temperature);
  const valueAndGradients = tf.valueAndGrads((a: tf.Tensor, p: tf.Tensor) => loss(a, p));
  let lossValue = Number.NaN;
  const step = () => {
    tf.tidy(() => {
      const { value, grads } = valueAndGradients([x, xAug]);
      const [dx, dxAug] = grads;
      lossValue = value.dataSync()[0]!;
      dx!.dataSync();
      dxAug!.dataSync();
    });
  };
  const timing = await timeRuns(step, budgetMs);
  const peak = await tfjsPeakBytes(step);
  return { ...timing, ...close(), tfjsPeakBytes: peak, wasmHeapBytes: wasmHeapBytes(), lossValue };
}
