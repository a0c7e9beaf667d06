import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tfl from '@tensorflow/tfjs-layers';
import { ContrastiveInputError } from '@contrastive/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { layersLoss } from './layers-loss.js';
import { ntXent } from './losses.js';
import { directNtXent, randomMatrix, useBackend } from './test-support.js';

describe('layersLoss (tfjs-layers, cpu)', () => {
  beforeAll(() => useBackend('cpu'));

  it('is NT-Xent of [anchors; positives] stacked along the batch axis', () => {
    const [a, p] = [randomMatrix(3, 4, 41), randomMatrix(3, 4, 42)];
    const value = layersLoss(ntXent, { temperature: 0.3 })(tf.zeros([6, 4]), tf.tensor2d([...a, ...p]));
    expect(value.dataSync()[0]).toBeCloseTo(directNtXent(a, p, 0.3), 5);
  });

  it('rejects a batch with an odd number of rows', () => {
    expect(() => layersLoss(ntXent)(tf.zeros([5, 4]), tf.ones([5, 4]))).toThrow(ContrastiveInputError);
  });

  it('trains a model compiled with it (trainOnBatch on [view 1; view 2] batches)', async () => {
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [6], units: 8, activation: 'tanh', kernelInitializer: 'glorotNormal' }), tfl.layers.dense({ units: 4 })],
    });
    model.compile({ optimizer: tf.train.adam(0.05), loss: layersLoss(ntXent, { temperature: 0.5 }) });
    const samples = randomMatrix(8, 6, 43);
    const noise = randomMatrix(16, 6, 44);
    const batch = tf.tensor2d([...samples, ...samples].map((row, i) => row.map((v, k) => v + 0.2 * noise[i]![k]!)));
    const targets = tf.zeros([16, 4]);
    const losses: number[] = [];
    for (let step = 0; step < 25; step++) losses.push((await model.trainOnBatch(batch, targets)) as number);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[24]!).toBeLessThan(losses[0]! - 0.05);
    tf.dispose([batch, targets]);
    model.dispose();
  });
});
