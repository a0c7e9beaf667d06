/**
 * Core's call contract through the tfjs adapter on host backends (cpu, wasm): tensor dtypes checked by name before
 * any kernel runs, values checked in float32 (CLIP's scale, SupCon's labels, non-finite values), nothing leaked,
 * and the backend still computing correctly after a rejected call (issue items 1, 2 and 4).
 */
import * as core from '@contrastive/core';
import { computeLoss, ContrastiveInputError, createReferenceBackend } from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { clip, ntXent, supCon } from './losses.js';
import { createTfjsBackend } from './tfjs-backend.js';
import { randomMatrix, useBackend } from './test-support.js';

const anchors = randomMatrix(4, 8, 21);
const positives = randomMatrix(4, 8, 22);
const views = { views: 2 };

/** The error `call` throws, and how many tfjs tensors it left behind. */
function rejection(call: () => unknown): { error: unknown; leaked: number } {
  const before = tf.memory().numTensors;
  try {
    tf.dispose(call() as tf.Tensor);
  } catch (error) {
    return { error, leaked: tf.memory().numTensors - before };
  }
  return { error: undefined, leaked: tf.memory().numTensors - before };
}

function expectRejected(call: () => unknown, argument: string, actual?: RegExp): void {
  const { error, leaked } = rejection(call);
  expect(error).toBeInstanceOf(ContrastiveInputError);
  expect((error as ContrastiveInputError).argument).toBe(argument);
  if (actual) expect((error as ContrastiveInputError).actual).toMatch(actual);
  expect(leaked).toBe(0);
}

/** NT-Xent of `anchors`, `positives` at T = 0.2 on the float64 reference backend. */
function referenceNtXent(): number {
  const r = createReferenceBackend();
  const inputs = { anchors: r.fromArray(anchors.flat(), [4, 8]), positives: r.fromArray(positives.flat(), [4, 8]) };
  return r.readSync!(computeLoss(r, core.ntXent, inputs, { temperature: 0.2 }))[0]!;
}

describe.each(['cpu', 'wasm'] as const)('the call contract on tfjs %s', (name) => {
  const backend = createTfjsBackend(tf);
  const embeddings = () => tf.tensor2d([...anchors, ...positives]);

  it('rejects bool, int32 and string embeddings by name before any kernel runs; int32 labels pass', async () => {
    await useBackend(name);
    const [a, p, labels] = [tf.tensor2d(anchors), tf.tensor2d(positives), tf.tensor1d([0, 1, 0, 2], 'int32')];
    const z = embeddings();
    const bool = tf.cast(z, 'bool');
    const int32 = tf.cast(a, 'int32');
    const strings = tf.tensor(['a', 'b']);
    expectRejected(() => computeLoss(backend, core.supCon, { embeddings: bool, labels }, views), 'embeddings', /dtype bool/);
    expectRejected(() => computeLoss(backend, core.ntXent, { anchors: int32, positives: p }), 'anchors', /dtype int32/);
    expectRejected(() => computeLoss(backend, core.ntXent, { anchors: a, positives: strings }), 'positives', /dtype string/);
    expectRejected(() => supCon(bool, labels, views), 'embeddings', /dtype bool/);
    expectRejected(() => ntXent(a, strings), 'positives', /dtype string/);

    const withInt32 = computeLoss(backend, core.supCon, { embeddings: z, labels }, views);
    const withFloat = computeLoss(backend, core.supCon, { embeddings: z, labels: tf.cast(labels, 'float32') }, views);
    expect(withInt32.dataSync()[0]).toBeCloseTo(withFloat.dataSync()[0]!, 6);
    expect(supCon(z, labels, views).dataSync()[0]).toBeCloseTo(withFloat.dataSync()[0]!, 6);

    // The backend is intact: the next valid call matches the reference, and plain tfjs ops still work.
    const next = computeLoss(backend, core.ntXent, { anchors: a, positives: p }, { temperature: 0.2 });
    expect(next.dataSync()[0]).toBeCloseTo(referenceNtXent(), 5);
    expect(Array.from(tf.add(tf.ones([2]), tf.ones([2])).dataSync())).toEqual([2, 2]);
    tf.dispose([a, p, labels, z, bool, int32, strings, withInt32, withFloat, next]);
  });

  it('rejects a disposed tensor by name', async () => {
    await useBackend(name);
    const [a, p] = [tf.tensor2d(anchors), tf.tensor2d(positives)];
    p.dispose();
    expectRejected(() => computeLoss(backend, core.ntXent, { anchors: a, positives: p }), 'positives', /disposed/);
    a.dispose();
  });

  it('rejects CLIP logitScale <= 0, naming it', async () => {
    await useBackend(name);
    const [a, p] = [tf.tensor2d(anchors), tf.tensor2d(positives)];
    for (const scale of [0, -1]) {
      const logitScale = tf.scalar(scale);
      expectRejected(() => computeLoss(backend, core.clip, { anchors: a, positives: p, logitScale }), 'logitScale');
      expectRejected(() => clip(a, p, logitScale), 'logitScale');
      logitScale.dispose();
    }
    tf.dispose([a, p]);
  });

  it('rejects SupCon labels that are not integers or not exact in float32 (2^24 + 1 and above)', async () => {
    await useBackend(name);
    const z = embeddings();
    const cases: [tf.Tensor, RegExp][] = [
      [tf.tensor1d([0, 0.5, 1, 2]), /0\.5/],
      [tf.tensor1d([0, 16777217, 1, 2], 'int32'), /16777217/],
      [tf.tensor1d([0, 16777218, 1, 2]), /16777218/],
      // 2^24 + 1 is not a float32: the tensor holds 2^24, which already collides with 2^24 + 1.
      [tf.tensor1d([0, 16777217, 1, 2]), /16777216/],
    ];
    for (const [labels, actual] of cases) {
      expectRejected(() => computeLoss(backend, core.supCon, { embeddings: z, labels }, views), 'labels', actual);
      expectRejected(() => supCon(z, labels, views), 'labels', actual);
    }
    const largest = tf.tensor1d([0, 16777215, 1, 2], 'int32');
    expect(Number.isFinite(computeLoss(backend, core.supCon, { embeddings: z, labels: largest }, views).dataSync()[0])).toBe(true);
    tf.dispose([z, largest, ...cases.map(([labels]) => labels)]);
  });

  it('cannot hold 1e39 in a float32 tensor; the Infinity it holds instead is rejected by name', async () => {
    await useBackend(name);
    const huge = tf.tensor2d([[1e39, ...anchors[0]!.slice(1)], ...anchors.slice(1)]);
    expect(huge.dataSync()[0]).toBe(Infinity);
    const p = tf.tensor2d(positives);
    expectRejected(() => computeLoss(backend, core.ntXent, { anchors: huge, positives: p }), 'anchors', /Infinity at flat index 0/);
    expectRejected(() => ntXent(p, huge), 'positives', /Infinity/);
    expectRejected(() => ntXent([[NaN, 1]], [[1, 1]]), 'anchors', /NaN/);
    tf.dispose([huge, p]);
  });
});
