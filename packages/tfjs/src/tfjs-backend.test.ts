import {
  computeLoss,
  ContrastiveInputError,
  ContrastiveResourceError,
  createReferenceBackend,
  ntXent,
  type TensorBackend,
} from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTfjsBackend } from './tfjs-backend.js';
import { randomMatrix, useBackend } from './test-support.js';

/** Runs the same primitive program on the tfjs adapter and on the float64 reference backend. */
function both(program: <T>(b: TensorBackend<T>) => T) {
  const tfjs = createTfjsBackend(tf);
  const reference = createReferenceBackend();
  const result = tfjs.scope(() => program(tfjs));
  const actual = tfjs.readSync!(result);
  const shape = tfjs.shape(result);
  tfjs.dispose(result);
  const expectedTensor = program(reference);
  return { actual, shape, expected: reference.readSync!(expectedTensor), expectedShape: reference.shape(expectedTensor) };
}

describe('createTfjsBackend on tfjs cpu', () => {
  beforeAll(() => useBackend('cpu'));
  const x = randomMatrix(3, 4, 1).flat();
  const y = randomMatrix(4, 2, 2).flat();

  const cases: Record<string, <T>(b: TensorBackend<T>) => T> = {
    'matmul with transposeA': (b) => b.matmul(b.fromArray(y, [4, 2]), b.fromArray(x, [3, 4]), { transposeA: true, transposeB: true }),
    'broadcast sub and exp': (b) => b.exp(b.sub(b.fromArray(x, [3, 4]), b.max(b.fromArray(x, [3, 4]), 1, true))),
    'sum over axis 0': (b) => b.sum(b.fromArray(x, [3, 4]), 0, false),
    'masked where': (b) => b.where(b.greater(b.fromArray(x, [3, 4]), b.fill([], 0)), b.fromArray(x, [3, 4]), b.fill([1, 4], -Infinity)),
    'equal against a row': (b) => b.where(b.equal(b.fromArray([0, 1, 2], [3, 1]), b.fromArray([2, 1, 0, 1], [1, 4])), b.fill([], 1), b.fill([], 0)),
    'takeAlongAxis axis 1': (b) => b.takeAlongAxis(b.fromArray(x, [3, 4]), { values: Int32Array.from([3, 0, 1, 1, 2, 2]), shape: [3, 2] }, 1),
    'takeAlongAxis axis 0': (b) => b.takeAlongAxis(b.fromArray(x, [3, 4]), { values: Int32Array.from([2, 0, 1, 0]), shape: [1, 4] }, 0),
    'slice concat transpose': (b) => b.transpose(b.concat([b.slice(b.fromArray(x, [3, 4]), [1, 1], [2, 3]), b.fill([1, 3], 5)], 0)),
    'log1p sqrt abs neg': (b) => b.neg(b.log1p(b.sqrt(b.abs(b.fromArray(x, [3, 4]))))),
    'minimum maximum div log': (b) => b.log(b.div(b.maximum(b.fromArray(x, [3, 4]), b.fill([], 0.1)), b.minimum(b.fill([], 2), b.fill([4], 3)))),
  };
  for (const [name, program] of Object.entries(cases)) {
    it(`${name} matches the reference backend`, () => {
      const { actual, expected, shape, expectedShape } = both(program);
      expect(shape).toEqual(expectedShape);
      expect(actual.length).toBe(expected.length);
      expected.forEach((value, i) => {
        if (Number.isFinite(value)) expect(actual[i]).toBeCloseTo(value, 5);
        else expect(actual[i]).toBe(value);
      });
    });
  }

  it('reports float32 precision, host-readable values, its memory budget and the tfjs backend name', () => {
    const backend = createTfjsBackend(tf);
    expect(backend.capabilities).toEqual({ execution: 'eager', precision: 'float32', hostReadable: true, memoryBudgetBytes: 4 * 1024 ** 3 });
    expect(backend.name).toBe('tfjs-cpu');
    expect(backend.specificationVersion).toBe('v1');
  });

  it('takes memoryBudgetBytes as an option, which the resource guard enforces', () => {
    const backend = createTfjsBackend(tf, { memoryBudgetBytes: 1000 });
    expect(backend.capabilities.memoryBudgetBytes).toBe(1000);
    const [a, p] = [tf.tensor2d(randomMatrix(8, 4, 1)), tf.tensor2d(randomMatrix(8, 4, 2))];
    // 16 matrices of [16, 16] float32 = 16 KiB.
    expect(() => computeLoss(backend, ntXent, { anchors: a, positives: p }, { temperature: 0.01 })).toThrow(ContrastiveResourceError);
    tf.dispose([a, p]);
    for (const bad of [0, -1, Number.NaN, '1GB']) {
      expect(() => createTfjsBackend(tf, { memoryBudgetBytes: bad as number })).toThrow(ContrastiveInputError);
    }
  });

  it('exposes dtype, isDisposed and host values (the contract hooks)', () => {
    const backend = createTfjsBackend(tf);
    const [x, labels, mask] = [tf.tensor1d([1, 2]), tf.tensor1d([3, 4], 'int32'), tf.tensor1d([1, 0], 'bool')];
    expect([backend.dtype!(x), backend.dtype!(labels), backend.dtype!(mask)]).toEqual(['float32', 'int32', 'bool']);
    expect(Array.from(backend.knownValues!(labels)!)).toEqual([3, 4]);
    expect(backend.knownValues!(mask)).toBeUndefined();
    expect(backend.isDisposed!(x)).toBe(false);
    tf.dispose([x, labels, mask]);
    expect(backend.isDisposed!(x)).toBe(true);
    expect(backend.knownValues!(x)).toBeUndefined();
  });

  it('creates float32 values and bool masks', () => {
    const backend = createTfjsBackend(tf);
    backend.scope(() => {
      expect(backend.fromArray([1, 2], [2]).dtype).toBe('float32');
      expect(backend.fill([2], 3).dtype).toBe('float32');
      expect(backend.greater(backend.fill([2], 3), backend.fill([], 1)).dtype).toBe('bool');
    });
  });

  it('counts live tensors it created, with tf.tidy semantics for scope', () => {
    const backend = createTfjsBackend(tf);
    const outside = tf.ones([2]);
    const before = backend.liveCount();
    const kept = backend.scope(() => {
      const a = backend.fill([2, 2], 1);
      const b = backend.add(a, a);
      return { result: backend.mul(b, b), count: 3 };
    });
    expect(backend.liveCount()).toBe(before + 1);
    expect(backend.isTensor(kept.result)).toBe(true);
    expect(backend.isTensor([1, 2])).toBe(false);
    backend.dispose(kept.result);
    expect(backend.liveCount()).toBe(before);
    expect(() => backend.scope(() => {
      backend.fill([3], 0);
      throw new Error('inside');
    })).toThrow('inside');
    expect(backend.liveCount()).toBe(before);
    outside.dispose();
  });

  it('reads asynchronously as Float32Array, masks as 0/1', async () => {
    const backend = createTfjsBackend(tf);
    const mask = backend.greater(backend.fromArray([1, -1], [2]), backend.fill([], 0));
    expect(Array.from(await backend.read(mask))).toEqual([1, 0]);
    backend.dispose(mask);
  });
});
