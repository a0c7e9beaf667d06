/**
 * On WebGL, input values live in textures: core folds a non-finite flag of each input into the outputs and the
 * adapter's `read` turns a flagged NaN into `ContrastiveInputError` naming the input (issue item 1 on GPU backends).
 */
import { computeLoss, computeLossAndGradients, ContrastiveInputError, ntXent as coreNtXent } from '@contrastive/core';
import { ntXent, tfjsLossBackend } from '@contrastive/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createWebglBackend } from './webgl-backend.js';

async function readFailure(read: () => Promise<unknown>): Promise<unknown> {
  return read().then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('non-finite inputs computed on WebGL', () => {
  it('make backend.read of the loss and gradients throw ContrastiveInputError naming the input, leaking nothing', async () => {
    const backend = await createWebglBackend();
    expect(backend.capabilities.hostReadable).toBe(false);
    const before = tf.memory().numTensors;
    const [ones, zeros] = [tf.ones([4, 8]), tf.zeros([4, 8])];
    const anchors = tf.div(ones, zeros); // Infinity, computed on the GPU: never seen on the host
    const positives = tf.tidy(() => tf.add(ones, tf.linspace(0, 1, 8)));

    const loss = computeLoss(backend, coreNtXent, { anchors, positives });
    const error = await readFailure(() => backend.read(loss));
    expect(error).toBeInstanceOf(ContrastiveInputError);
    expect((error as ContrastiveInputError).argument).toBe('anchors');

    const { loss: value, gradients } = computeLossAndGradients(backend, coreNtXent, { anchors: positives, positives: anchors });
    expect(((await readFailure(() => backend.read(gradients.anchors!))) as ContrastiveInputError).argument).toBe('positives');

    // The tfjs op flags its loss the same way; the shared adapter's read names the input.
    const opLoss = ntXent(positives, anchors);
    expect(((await readFailure(() => tfjsLossBackend().read(opLoss))) as ContrastiveInputError).argument).toBe('positives');

    // Finite inputs read normally.
    const doubled = tf.mul(positives, 2);
    const finite = computeLoss(backend, coreNtXent, { anchors: positives, positives: doubled });
    expect(Number.isFinite((await backend.read(finite))[0])).toBe(true);

    tf.dispose([ones, zeros, anchors, positives, loss, value, ...Object.values(gradients), opLoss, doubled, finite] as tf.Tensor[]);
    expect(tf.memory().numTensors).toBe(before);
    expect(backend.liveCount()).toBe(0);
  });
});
