/**
 * A failing call through `tf.customGrad` leaves no tensor behind (issue item 5): in the forward (a rejected input
 * inside `tf.grads`) and in the backward (an upstream gradient `dy` of the wrong shape, which tfjs hands to the
 * op's gradient unchecked; tfjs keeps the op's saved tensors when a gradient function throws, 14 per NT-Xent call
 * before the fix).
 */
import { computeLossAndGradients, ContrastiveInputError, ntXent as coreNtXent } from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import { ntXent } from './losses.js';
import { createTfjsBackend } from './tfjs-backend.js';
import { randomMatrix, useBackend } from './test-support.js';

/** The error `call` throws and the change in live tfjs tensors across it. */
function failure(call: () => unknown): { error: unknown; leaked: number } {
  const before = tf.memory().numTensors;
  let error: unknown;
  try {
    call();
  } catch (caught) {
    error = caught;
  }
  return { error, leaked: tf.memory().numTensors - before };
}

describe.each(['cpu', 'wasm'] as const)('failed calls on tfjs %s', (name) => {
  const perRow = (a: tf.Tensor, p: tf.Tensor) => ntXent(a, p, { reduction: 'none', temperature: 0.3 });

  it('a backward given dy of the wrong shape throws ContrastiveInputError naming upstream and leaks nothing', async () => {
    await useBackend(name);
    const [a, p] = [tf.tensor2d(randomMatrix(4, 6, 1)), tf.tensor2d(randomMatrix(4, 6, 2))];
    const wrong = tf.ones([3]);
    for (let call = 0; call < 3; call++) {
      const { error, leaked } = failure(() => tf.grads(perRow)([a, p], wrong));
      expect(error).toBeInstanceOf(ContrastiveInputError);
      expect((error as ContrastiveInputError).argument).toBe('upstream');
      expect((error as ContrastiveInputError).expected).toContain('[8]');
      expect(leaked).toBe(0);
    }
    // The tape is usable again: a valid dy gives the gradients of computeLossAndGradients.
    const right = tf.linspace(0.5, 2, 8);
    const before = tf.memory().numTensors;
    const grads = tf.grads(perRow)([a, p], right);
    const backend = createTfjsBackend(tf);
    const expected = computeLossAndGradients(backend, coreNtXent, { anchors: a, positives: p }, { reduction: 'none', temperature: 0.3 }, right);
    const [ours, theirs] = [grads[0]!.dataSync(), expected.gradients.anchors!.dataSync()];
    ours.forEach((value, i) => expect(value).toBeCloseTo(theirs[i]!, 5));
    tf.dispose([...grads, expected.loss, ...Object.values(expected.gradients)] as tf.Tensor[]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, p, wrong, right]);
  });

  it('a backward given a NaN dy throws ContrastiveInputError naming upstream (it used to return NaN gradients)', async () => {
    await useBackend(name);
    const [a, p, nan] = [tf.tensor2d(randomMatrix(4, 6, 5)), tf.tensor2d(randomMatrix(4, 6, 6)), tf.scalar(Number.NaN)];
    const { error, leaked } = failure(() => tf.grads((x: tf.Tensor, y: tf.Tensor) => ntXent(x, y))([a, p], nan));
    expect(error).toBeInstanceOf(ContrastiveInputError);
    expect((error as ContrastiveInputError).message).toContain('upstream: expected finite values in float32');
    expect(leaked).toBe(0);
    tf.dispose([a, p, nan]);
  });

  it('computeLossAndGradients rejects such an upstream the same way, leaking nothing', async () => {
    await useBackend(name);
    const [a, p, wrong] = [tf.tensor2d(randomMatrix(4, 6, 3)), tf.tensor2d(randomMatrix(4, 6, 4)), tf.ones([3])];
    const backend = createTfjsBackend(tf);
    const { error, leaked } = failure(() => computeLossAndGradients(backend, coreNtXent, { anchors: a, positives: p }, { reduction: 'none' }, wrong));
    expect((error as ContrastiveInputError).argument).toBe('upstream');
    expect(leaked).toBe(0);
    tf.dispose([a, p, wrong]);
  });

  it('a forward that rejects its input inside tf.grads leaks nothing', async () => {
    await useBackend(name);
    const [a, p] = [tf.tensor2d(randomMatrix(4, 6, 5)), tf.tensor2d(randomMatrix(3, 6, 6))];
    const { error, leaked } = failure(() => tf.grads(perRow)([a, p]));
    expect((error as ContrastiveInputError).argument).toBe('positives');
    expect(leaked).toBe(0);
    tf.dispose([a, p]);
  });
});
