import { computeLossAndGradients, createReferenceBackend, infoNce as coreInfoNce, supCon as coreSupCon } from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { infoNce, supCon } from './losses.js';
import { randomMatrix, useBackend } from './test-support.js';

/** The float64 reference backend's loss and gradients for the same call. */
function reference(definition: typeof coreInfoNce | typeof coreSupCon, host: Record<string, [number[], number[]]>, options: object) {
  const b = createReferenceBackend();
  const inputs = Object.fromEntries(Object.entries(host).map(([name, [values, shape]]) => [name, b.fromArray(values, shape)]));
  const { loss, gradients } = computeLossAndGradients(b, definition as never, inputs as never, options as never);
  const read = (x: unknown) => Array.from(b.readSync!(x as never));
  return { loss: read(loss)[0]!, gradients: Object.fromEntries(Object.entries(gradients).map(([k, v]) => [k, read(v)])) as Record<string, number[]> };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, digits: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, digits);
}

describe('the tfjs ops take infoNce beta and supCon memory (cpu)', () => {
  beforeAll(() => useBackend('cpu'));
  const [anchors, positives, queue] = [randomMatrix(4, 6, 21), randomMatrix(4, 6, 22), randomMatrix(5, 6, 23)];

  it('infoNce with beta: loss and gradients of all three inputs as the reference backend', () => {
    const expected = reference(coreInfoNce, { anchors: [anchors.flat(), [4, 6]], positives: [positives.flat(), [4, 6]], negatives: [queue.flat(), [5, 6]] }, { temperature: 0.2, beta: 1 });
    const inputs = [tf.tensor2d(anchors), tf.tensor2d(positives), tf.tensor2d(queue)];
    const { value, grads } = tf.valueAndGrads((a: tf.Tensor, p: tf.Tensor, n: tf.Tensor) => infoNce(a, p, n, { temperature: 0.2, beta: 1 }))(inputs);
    expect(value.dataSync()[0]).toBeCloseTo(expected.loss, 5);
    ['anchors', 'positives', 'negatives'].forEach((name, i) => expectClose(grads[i]!.dataSync(), expected.gradients[name]!, 5));
  });

  it('supCon with a labelled memory: the embeddings get the reference gradient; the memory is a constant', () => {
    const labels = [0, 1, 0, 2];
    const memoryLabels = [2, 1, 7, 0, 1];
    const host = { embeddings: [[...anchors, ...positives].flat(), [8, 6]], labels: [labels, [4]], memory: [queue.flat(), [5, 6]], memoryLabels: [memoryLabels, [5]] } as Record<string, [number[], number[]]>;
    const expected = reference(coreSupCon, host, { views: 2, temperature: 0.2 });
    expect(Object.keys(expected.gradients)).toEqual(['embeddings']);
    const [memory, memoryLabelTensor, labelTensor] = [tf.tensor2d(queue), tf.tensor1d(memoryLabels, 'int32'), tf.tensor1d(labels, 'int32')];
    const { value, grads } = tf.valueAndGrads((e: tf.Tensor) => supCon(e, labelTensor, memory, memoryLabelTensor, { views: 2, temperature: 0.2 }))([tf.tensor2d([...anchors, ...positives])]);
    expect(value.dataSync()[0]).toBeCloseTo(expected.loss, 5);
    expectClose(grads[0]!.dataSync(), expected.gradients.embeddings!, 5);
  });
});
