import { ntXent } from '@contrastive/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import { createWebglBackend, webglPrecision } from './webgl-backend.js';

describe('ntXent on WebGL with half-float textures (WEBGL_FORCE_F16_TEXTURES)', () => {
  it('reports float16 and keeps the loss and its gradients finite at temperature 0.07', async () => {
    const backend = await createWebglBackend({ forceFloat16: true });
    expect(backend.capabilities.precision).toBe('float16');
    expect(webglPrecision()).toBe('float16');
    // Near-identical views: logits reach 1 / 0.07 = 14.3, and exp(14.3) = 1.6e6 overflows float16 (max 65504).
    const anchors = tf.tensor2d([[1, 0.2, -0.3, 0.5], [0.1, 1, 0.4, -0.2], [-0.5, 0.3, 1, 0.1], [0, 0, 0, 0]]);
    const positives = tf.tensor2d([[1, 0.21, -0.3, 0.5], [0.1, 1, 0.41, -0.2], [-0.5, 0.3, 1.01, 0.1], [0.2, -0.1, 0.3, 1]]);
    const [loss, grads] = tf.tidy(() => {
      const value = ntXent(anchors, positives, { temperature: 0.07 });
      const gradients = tf.grads((a: tf.Tensor, p: tf.Tensor) => ntXent(a, p, { temperature: 0.07 }))([anchors, positives]);
      return [value, gradients] as const;
    });
    const values = [...(await loss.data()), ...(await grads[0]!.data()), ...(await grads[1]!.data())];
    expect(values.every(Number.isFinite)).toBe(true);
    expect((await loss.data())[0]).toBeGreaterThan(0);
    tf.dispose([anchors, positives, loss, ...grads]);
  });
});
