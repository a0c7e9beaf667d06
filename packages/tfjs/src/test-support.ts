/** Test helpers shared by this package's tests (not exported from the package). */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/** Activates a tfjs backend and checks that it is really active (tfjs falls back silently). */
export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  const started = await tf.setBackend(name);
  await tf.ready();
  if (!started || tf.getBackend() !== name) throw new Error(`tfjs backend ${name} did not start (active: ${tf.getBackend()})`);
}

/** Deterministic pseudo-random values in [-1, 1) (a linear congruential generator), `rows` x `columns`. */
export function randomMatrix(rows: number, columns: number, seed: number): number[][] {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  };
  return Array.from({ length: rows }, () => Array.from({ length: columns }, next));
}

/** NT-Xent written from its definition in plain JavaScript (float64), no tensors. */
export function directNtXent(anchors: number[][], positives: number[][], temperature: number): number {
  const z = [...anchors, ...positives].map((row) => {
    const norm = Math.hypot(...row);
    return row.map((v) => v / norm);
  });
  const n = anchors.length;
  let total = 0;
  for (let i = 0; i < 2 * n; i++) {
    const s = z.map((row) => row.reduce((acc, v, k) => acc + v * z[i]![k]!, 0) / temperature);
    const max = Math.max(...s.filter((_, k) => k !== i));
    const denominator = s.reduce((acc, v, k) => (k === i ? acc : acc + Math.exp(v - max)), 0);
    total += -s[(i + n) % (2 * n)]! + max + Math.log(denominator);
  }
  return total / (2 * n);
}

/**
 * NT-Xent composed from plain tfjs ops (what users write today); `tf.grads` of it is an independent gradient.
 */
export function naiveNtXent(anchors: tf.Tensor2D, positives: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const n = anchors.shape[0];
    const z = tf.concat([anchors, positives], 0);
    const normalized = tf.div(z, tf.norm(z, 'euclidean', 1, true));
    const logits = tf.div(tf.matMul(normalized, normalized, false, true), temperature);
    const masked = tf.where(tf.cast(tf.eye(2 * n), 'bool'), tf.fill([2 * n, 2 * n], -1e9), logits);
    const targets = tf.concat([tf.range(n, 2 * n, 1, 'int32'), tf.range(0, n, 1, 'int32')]);
    return tf.losses.softmaxCrossEntropy(tf.oneHot(targets, 2 * n), masked) as tf.Scalar;
  });
}
