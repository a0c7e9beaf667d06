import { createReferenceBackend, type Shape, type TensorBackend } from '@contrastive/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose, randomValues } from '../test/compare.js';
import { createNodeBackend } from '../test/node-gpu.js';
import type { WebGpuBackend } from './index.js';

/**
 * Every primitive against the float64 reference backend on the same float32-representable inputs. Each op runs
 * with the reference's own semantics as the oracle (it is independent code over Float64Arrays).
 */
const reference = createReferenceBackend();
let gpu: WebGpuBackend;
beforeAll(async () => {
  gpu = await createNodeBackend();
});
afterAll(() => gpu.destroy());

type Build = <T>(b: TensorBackend<T>, input: (values: number[], shape: Shape) => T) => T;

async function agree(build: Build, relative = 1e-5, absolute = 1e-6): Promise<void> {
  const before = gpu.liveCount();
  const expected = reference.readSync!(reference.scope(() => build(reference, (v, s) => reference.fromArray(v, s))));
  const result = gpu.scope(() => build(gpu, (v, s) => gpu.fromArray(v, s)));
  const actual = await gpu.read(result);
  gpu.dispose(result);
  expectClose(actual, expected, relative, absolute);
  expect(gpu.liveCount()).toBe(before);
}

const r = (shape: number[], seed: number, scale = 2) => [randomValues(shape.reduce((a, b) => a * b, 1), seed, scale), shape] as const;

describe('webgpu primitives vs the reference backend', () => {
  const binaries = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'equal', 'greater'] as const;
  const pairs: Array<[number[], number[]]> = [[[3, 5], [3, 5]], [[3, 5], [1, 5]], [[3, 1], [1, 5]], [[2, 3, 4], [4]], [[4], []], [[], [2, 3]]];
  for (const op of binaries) {
    it(`${op} broadcasts`, async () => {
      for (const [index, [aShape, bShape]] of pairs.entries()) {
        await agree((b, input) => b[op](input(...r(aShape, 11 + index)), input(...r(bShape, 29 + index))));
      }
    });
  }
  it('equal and greater on ties', async () => {
    await agree((b, input) => b.equal(input([1, 2, 3], [3]), input([1, 0, 3], [3])));
    await agree((b, input) => b.greater(input([1, 2, 3], [3]), input([2], [1])));
  });
  for (const op of ['neg', 'abs', 'exp', 'sqrt'] as const) {
    it(op, async () => {
      const values = op === 'sqrt' ? randomValues(24, 5, 4).map(Math.abs) : randomValues(24, 5, 4);
      await agree((b, input) => b[op](input(values, [4, 6])));
    });
  }
  it('log and log1p keep relative precision (tiny arguments, zero, -1)', async () => {
    const values = [1e-30, 1e-10, 1e-7, 3e-4, 0.25, 0.49, 0.51, 2, 1e30, 0];
    await agree((b, input) => b.log1p(input(values, [10])), 4e-7, 0);
    await agree((b, input) => b.log1p(input([-1, -0.5, -0.2], [3])), 4e-7, 0);
    await agree((b, input) => b.log(input([1e-30, 0.5, 1, 3, 1e30, 0], [6])), 4e-7, 0);
  });
  it('infinities and NaN pass through fill, exp, log, maximum and max', async () => {
    await agree((b) => b.exp(b.fill([2], -Infinity)));
    await agree((b) => b.maximum(b.fill([2], Number.NaN), b.fill([], 1)));
    await agree((b, input) => b.max(b.mul(input([1, 2, 3], [3]), b.fill([], Number.NaN)), 0, false));
    await agree((b, input) => b.log(input([0, 0], [2])));
  });
  it('where broadcasts condition and branches', async () => {
    await agree((b, input) => b.where(b.greater(input(...r([3, 4], 1)), b.fill([], 0)), input(...r([1, 4], 2)), b.fill([], -Infinity)));
  });
  it('sum and max over every axis, with and without keepDims', async () => {
    for (const axis of [0, 1, 2, -1]) {
      for (const keepDims of [true, false]) {
        await agree((b, input) => b.sum(input(...r([3, 4, 5], axis + 7)), axis, keepDims));
        await agree((b, input) => b.max(input(...r([3, 4, 5], axis + 8)), axis, keepDims));
      }
    }
    await agree((b, input) => b.sum(input(...r([1000], 3)), 0, false), 1e-5, 1e-5);
  });
  it('matmul with every transpose flag and ragged sizes', async () => {
    for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const aShape = transposeA ? [7, 5] : [5, 7];
      const bShape = transposeB ? [6, 7] : [7, 6];
      await agree((b, input) => b.matmul(input(...r(aShape, 3)), input(...r(bShape, 4)), { transposeA, transposeB }), 1e-5, 1e-5);
    }
    await agree((b, input) => b.matmul(input(...r([1, 1], 3)), input(...r([1, 9], 4))));
  });
  it('reshape, transpose, slice, concat and takeAlongAxis', async () => {
    await agree((b, input) => b.reshape(input(...r([2, 6], 1)), [3, 4]));
    await agree((b, input) => b.transpose(input(...r([3, 5], 1))));
    await agree((b, input) => b.slice(input(...r([4, 5, 3], 1)), [1, 2, 0], [2, 3, 2]));
    await agree((b, input) => b.concat([input(...r([2, 3], 1)), input(...r([2, 1], 2)), input(...r([2, 2], 3))], 1));
    await agree((b, input) => b.concat([input(...r([2, 3], 1)), input(...r([1, 3], 2))], 0));
    const indices = { values: Int32Array.from([2, 0, 0, 1, 1, 1]), shape: [3, 2] };
    await agree((b, input) => b.takeAlongAxis(input(...r([3, 4], 1)), indices, 1));
    await agree((b, input) => b.takeAlongAxis(input(...r([3, 2], 1)), { values: Int32Array.from([2, 0]), shape: [1, 2] }, 0));
  });
  it('scope keeps returned tensors and disposes the rest; buffers go back to the pool', async () => {
    const start = gpu.liveCount();
    const kept = gpu.scope(() => {
      const x = gpu.fromArray([1, 2], [2]);
      return { y: gpu.add(x, x) };
    });
    expect(gpu.liveCount()).toBe(start + 1);
    expect(Array.from(await gpu.read(kept.y))).toEqual([2, 4]);
    gpu.dispose(kept.y);
    expect(gpu.liveCount()).toBe(start);
    expect(gpu.poolStats().liveBuffers).toBe(start);
  });
});
