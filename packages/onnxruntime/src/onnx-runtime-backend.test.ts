import { ContrastiveInputError, createReferenceBackend, type TensorBackend } from '@contrastive/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createOnnxRuntimeBackend } from './onnx-runtime-backend.js';
import { nodeRuntimes } from './ort-runtimes.test-support.js';
import { createTracingBackend } from './tracing-backend.js';

/** Each primitive applied to the same inputs on a backend; values compared with the float64 reference. */
function primitiveCases<T>(b: TensorBackend<T>): Record<string, T> {
  const x = b.fromArray([1.5, -2, 0.25, 3, -0.5, 4], [2, 3]);
  const y = b.fromArray([0.5, 2, -1], [1, 3]);
  const tiny = b.fromArray([1e-10, -1e-9, 3e-8, 0.5, 1e30, -1], [2, 3]);
  const c = b.fromArray([1, 2, 3, 4, 5, 6], [3, 2]);
  return {
    fill: b.fill([2, 2], -0.75),
    fillLarge: b.fill([9, 9], 2.5),
    reshape: b.reshape(x, [3, 2]),
    transpose: b.transpose(x),
    slice: b.slice(x, [1, 1], [1, 2]),
    concat0: b.concat([x, y], 0),
    concat1: b.concat([x, b.transpose(c)], 1),
    takeAlongAxis: b.takeAlongAxis(x, { values: Int32Array.from([2, 0, 1, 1]), shape: [2, 2] }, 1),
    add: b.add(x, y), sub: b.sub(x, y), mul: b.mul(x, y), div: b.div(x, y),
    maximum: b.maximum(x, y), minimum: b.minimum(x, y),
    neg: b.neg(x), abs: b.abs(x), exp: b.exp(x), log: b.log(b.abs(x)), sqrt: b.sqrt(b.abs(x)),
    log1p: b.log1p(tiny),
    where: b.where(b.greater(x, y), x, b.fill([], -Infinity)),
    equalMask: b.where(b.equal(x, b.fill([], 3)), b.fill([], 1), b.fill([], 0)),
    maskRead: b.greater(x, y),
    sum0: b.sum(x, 0, false), sum1: b.sum(x, 1, true), sumNegativeAxis: b.sum(x, -1, false),
    max0: b.max(x, 0, true), max1: b.max(x, 1, false),
    matmul: b.matmul(x, c),
    matmulTransposeA: b.matmul(x, x, { transposeA: true }),
    matmulTransposeB: b.matmul(x, x, { transposeB: true }),
    matmulBoth: b.matmul(c, x, { transposeA: true, transposeB: true }),
  };
}

describe.each(nodeRuntimes)('createOnnxRuntimeBackend on %s', (_, runtime) => {
  const backend = createOnnxRuntimeBackend(runtime);
  afterAll(() => backend.release());

  it('computes every primitive like the float64 reference (float32 rounding) in one batched run', async () => {
    const reference = createReferenceBackend();
    const expected = primitiveCases(reference);
    const actual = primitiveCases(backend);
    const runsBefore = backend.statistics.runs;
    const values = await Promise.all(Object.values(actual).map((tensor) => backend.read(tensor)));
    expect(backend.statistics.runs - runsBefore).toBe(1);
    Object.keys(expected).forEach((name, i) => {
      const want = reference.readSync!(expected[name]!);
      expect(backend.shape(actual[name]!), name).toEqual(reference.shape(expected[name]!));
      want.forEach((e, k) => {
        const a = values[i]![k]!;
        if (!Number.isFinite(e)) expect(a, `${name}[${k}]`).toBe(e);
        else expect(Math.abs(a - e), `${name}[${k}]: ${a} vs ${e}`).toBeLessThanOrEqual(2e-6 * Math.abs(e) + 1e-30);
      });
    });
  });

  it('batches reads issued in the same tick into one run and runs again for later reads', async () => {
    const x = backend.fromArray([1, 2, 3, 4], [2, 2]);
    const runs = backend.statistics.runs;
    const [a, b, c] = await Promise.all([backend.read(backend.exp(x)), backend.read(backend.sum(x, 1, false)), backend.read(x)]);
    expect(backend.statistics.runs - runs).toBe(1);
    expect(Array.from(b!)).toEqual([3, 7]);
    expect(Array.from(c!)).toEqual([1, 2, 3, 4]);
    expect(a![3]).toBeCloseTo(Math.exp(4), 3);
    await backend.read(backend.neg(x));
    expect(backend.statistics.runs - runs).toBe(2);
  });

  it('reuses the cached session for a graph of the same structure with other values', async () => {
    const created = backend.statistics.created;
    const run = (values: number[]) => backend.read(backend.mul(backend.fromArray(values, [3]), backend.fill([], 2)));
    expect(Array.from(await run([1, 2, 3]))).toEqual([2, 4, 6]);
    expect(Array.from(await run([5, 6, 7]))).toEqual([10, 12, 14]);
    expect(backend.statistics.created - created).toBe(1);
  });

  it('releases intermediates in scope and counts live tensors', () => {
    const before = backend.liveCount();
    const kept = backend.scope(() => {
      const x = backend.fromArray([1, 2], [2]);
      return { y: backend.exp(backend.neg(x)) };
    });
    expect(backend.liveCount() - before).toBe(1);
    backend.dispose(kept.y);
    expect(backend.liveCount()).toBe(before);
  });
});

describe('createTracingBackend', () => {
  const b = createTracingBackend();

  it('declares a traced float32 backend that is not host-readable', () => {
    expect(b.capabilities).toEqual({ execution: 'traced', precision: 'float32', hostReadable: false, memoryBudgetBytes: 4 * 1024 ** 3 });
    expect(b.readSync).toBeUndefined();
  });

  it('knows static shapes at trace time', () => {
    const x = b.placeholder('x', [4, 3]);
    expect(b.shape(b.matmul(x, x, { transposeB: true }))).toEqual([4, 4]);
    expect(b.shape(b.sum(x, 0, true))).toEqual([1, 3]);
    expect(b.shape(b.add(x, b.fill([1, 3], 1)))).toEqual([4, 3]);
  });

  it('throws ContrastiveInputError naming the argument for shapes that do not fit', () => {
    const x = b.placeholder('x', [4, 3]);
    expect(() => b.fromArray([1, 2, 3], [2, 2])).toThrow(expect.objectContaining({ argument: 'values' }));
    expect(() => b.add(x, b.fill([2], 1))).toThrow(ContrastiveInputError);
    expect(() => b.matmul(x, x)).toThrow(expect.objectContaining({ argument: 'b' }));
    expect(() => b.reshape(x, [5, 2])).toThrow(expect.objectContaining({ argument: 'shape' }));
    expect(() => b.slice(x, [3, 0], [2, 3])).toThrow(expect.objectContaining({ argument: 'size' }));
    expect(() => b.sum(x, 2, false)).toThrow(expect.objectContaining({ argument: 'axis' }));
    expect(() => b.takeAlongAxis(x, { values: Int32Array.from([3, 0, 0, 0]), shape: [4, 1] }, 1)).toThrow(expect.objectContaining({ argument: 'indices' }));
    expect(() => b.exp(createTracingBackend().fill([], 1))).toThrow(expect.objectContaining({ argument: 'x' }));
  });

  it('rejects reads: a pure tracing backend holds no values', async () => {
    await expect(b.read(b.fill([], 1))).rejects.toThrow(/holds no values/);
  });
});
