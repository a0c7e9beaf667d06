import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createWebglBackend } from './webgl-backend.js';

describe('max on WebGL (float32)', () => {
  it('is exact for rows at or below -1e20, where tfjs-webgl alone gives -1e20', async () => {
    const backend = await createWebglBackend();
    // Rows of 256 (small tensors run on tfjs's CPU fallback); each row's maximum is its first entry.
    const maxima = [-3e20, -Infinity, -2e38, 1];
    const values = maxima.flatMap((m) => Array.from({ length: 256 }, (_, k) => (k === 0 ? m : m === -Infinity ? m : m * 2 - 1 - k)));
    const x = tf.tensor2d(values, [4, 256]);
    const y = tf.mul(x, 1); // computed on the GPU
    expect((await tf.max(y, 1).data())[0]).toBe(Math.fround(-1e20)); // tfjs-webgl's start value, not -3e20
    const max = backend.scope(() => backend.max(y, 1, false));
    expect(Array.from(await backend.read(max))).toEqual(maxima.map(Math.fround));
    tf.dispose([x, y, max]);
  });
});
