import { describe, expect, it } from 'vitest';
import { ContrastiveInputError, ContrastiveResourceError } from '../errors.js';
import { computeLoss, computeLossAndGradients, disposeAll } from '../loss-definition.js';
import { clip } from '../losses/clip.js';
import { ntXent } from '../losses/nt-xent.js';
import { supCon } from '../losses/sup-con.js';
import { createReferenceBackend } from '../reference/reference-backend.js';
import { withChunking } from '../math/chunked-similarity-cross-entropy.js';
import type { TensorBackend } from '../tensor-backend.js';
import { checkDeviceRead } from './device-check.js';
import { checkKnownValues } from './input-facts.js';
import { checkHostCall } from './check-host-call.js';

/** The reference backend seen as a device backend: values not host-readable, reads through `checkDeviceRead`. */
function deviceLike(): TensorBackend<unknown> {
  const inner = createReferenceBackend() as TensorBackend<unknown>;
  const view: TensorBackend<unknown> = new Proxy(inner, {
    get(target, key) {
      if (key === 'capabilities') return { ...target.capabilities, precision: 'float32', hostReadable: false };
      if (key === 'readSync' || key === 'knownValues') return undefined;
      if (key === 'read') return async (x: unknown) => checkDeviceRead(view, x, await target.read(x));
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return view;
}

const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('checkKnownValues (values in the precision the backend computes in)', () => {
  it('rejects a float64 value that overflows float32, naming the argument and the precision', () => {
    const error = thrown(() => checkKnownValues([1, 1e39], [2], 'embeddings', 'anchors', 'float32'));
    expect(error).toBeInstanceOf(ContrastiveInputError);
    expect((error as ContrastiveInputError).message).toBe('anchors: expected finite values in float32, got 1e+39 at flat index 1 (overflows float32, largest 3.40e+38)');
    expect(checkKnownValues([1, 1e39], [2], 'embeddings', 'anchors', 'float64').maxAbs).toBe(1e39);
  });
  it('accepts labels below 2^24 in float32 and rejects 2^24 (2^24 + 1 rounds onto it)', () => {
    expect(() => checkKnownValues([2 ** 24 - 1], [1], 'labels', 'labels', 'float32')).not.toThrow();
    expect(() => checkKnownValues([2 ** 24], [1], 'labels', 'labels', 'float32')).toThrow('labels: expected integer labels of magnitude below 2^24');
    expect(() => checkKnownValues([0.5], [1], 'labels', 'labels', 'float64')).toThrow('labels: expected integer class labels, got 0.5');
  });
  it('computes row norms without overflow: rows of 1e200 in float64', () => {
    expect(checkKnownValues([3e200, 4e200], [1, 2], 'embeddings', 'anchors', 'float64').maxRowNorm).toBeCloseTo(5e200, -190);
  });
});

describe('the call contract on the reference backend', () => {
  const b = createReferenceBackend();
  const anchors = b.fromArray([1, 0, 0.5, 0.2, 1, 0], [2, 3]);
  const positives = b.fromArray([0.9, 0.1, 0.4, 0.1, 1.1, 0.1], [2, 3]);
  it('rejects temperatures whose reciprocal overflows the precision, naming the option', () => {
    expect(() => computeLoss(b, ntXent, { anchors, positives }, { temperature: 5e-324 })).toThrow('options.temperature: expected 1 / temperature at most');
  });
  it('rejects options that are not plain objects, and symbol keys', () => {
    expect(() => computeLoss(b, ntXent, { anchors, positives }, new Map() as never)).toThrow('options: expected a plain object');
    expect(() => computeLoss(b, ntXent, { anchors, positives }, { [Symbol('x')]: 1 } as never)).toThrow('options: expected string keys only');
    expect(() => computeLoss(b, ntXent, { anchors, positives }, Object.create({ temperature: 0.1 }) as never)).toThrow('options: expected a plain object');
  });
  it('validates upstream: shape and values', () => {
    const wrong = b.fill([8], 1);
    expect(() => computeLossAndGradients(b, ntXent, { anchors, positives }, {}, wrong)).toThrow("upstream: expected shape [] (the shape of the loss (reduction 'mean')), got shape [8]");
    b.dispose(wrong);
  });
  it('throws ContrastiveResourceError above the memory budget, before allocating', () => {
    const small = createReferenceBackend({ memoryBudgetBytes: 1024 });
    const x = small.fromArray(new Float64Array(64 * 3).fill(1), [64, 3]);
    const live = small.liveCount();
    expect(() => computeLoss(small, ntXent, { anchors: x, positives: x })).toThrow(ContrastiveResourceError);
    expect(small.liveCount()).toBe(live);
  });
  it('reads each option once, non-enumerable ones included', () => {
    let reads = 0;
    const flipping = { get temperature() { return reads++ === 0 ? 0.5 : -1; } };
    expect(() => computeLoss(b, ntXent, { anchors, positives }, flipping)).not.toThrow();
    expect(reads).toBe(1);
    const hidden = Object.defineProperty({}, 'temperature', { value: -1, enumerable: false });
    expect(() => computeLoss(b, ntXent, { anchors, positives }, hidden)).toThrow('options.temperature: expected a finite number > 0, got -1');
  });
  it('rejects tensors of another backend instance, and bad factory options, by name', () => {
    const other = createReferenceBackend();
    const foreign = other.fromArray([1, 0, 0, 1], [2, 2]);
    expect(() => computeLoss(b, ntXent, { anchors: foreign, positives: foreign })).toThrow('anchors: expected a tensor of the reference backend');
    for (const bad of [Number.NaN, -1, 0, '100']) {
      expect(() => createReferenceBackend({ memoryBudgetBytes: bad as number })).toThrow('options.memoryBudgetBytes: expected a number of bytes > 0');
    }
    expect(() => withChunking(b, null as never)).toThrow('options: expected an object { blockRows }');
    expect(() => withChunking(null as never, { blockRows: 2 })).toThrow('backend: expected a TensorBackend');
  });
  it("checkValues: 'off' skips value checks but not shapes", () => {
    const unchecked = createReferenceBackend({ checkValues: 'off' });
    const bad = unchecked.fromArray([Infinity, 0, 0, 1], [2, 2]);
    expect(() => computeLoss(unchecked, ntXent, { anchors: bad, positives: bad })).not.toThrow();
  });
});

describe('device-side value flags (a backend whose values are not host-readable)', () => {
  it('a non-finite input computed on the device becomes ContrastiveInputError at read, naming it, leaking nothing', async () => {
    const b = deviceLike();
    const anchors = b.div(b.fill([2, 3], 1), b.fromArray([1, 1, 0, 1, 1, 1], [2, 3]));
    const positives = b.fill([2, 3], 1);
    const before = b.liveCount();
    const result = computeLossAndGradients(b, ntXent, { anchors, positives });
    await expect(b.read(result.loss)).rejects.toThrow('anchors: expected finite values in float32, got a non-finite value (found on the device');
    await expect(b.read(result.gradients.positives!)).rejects.toThrow(ContrastiveInputError);
    disposeAll(b, result);
    expect(b.liveCount()).toBe(before);
  });
  it('a device-computed CLIP logitScale <= 0 and SupCon labels beyond 2^24 are named at read', async () => {
    const b = deviceLike();
    const rows = b.fromArray([1, 0, 0.5, 0.2, 1, 0], [2, 3]);
    const scale = b.mul(b.fill([], -1), b.fill([], 1));
    const result = computeLossAndGradients(b, clip, { anchors: rows, positives: rows, logitScale: scale });
    await expect(b.read(result.loss)).rejects.toThrow('logitScale: expected a finite value > 0 in float32, got a value outside that range');
    const labels = b.mul(b.fromArray([2 ** 24, 0], [2]), b.fill([], 1));
    const supervised = computeLoss(b, supCon, { embeddings: rows, labels });
    await expect(b.read(supervised)).rejects.toThrow('labels: expected finite labels of magnitude below 16777216');
  });
  it('finite device inputs read back unchanged', async () => {
    const b = deviceLike();
    const reference = createReferenceBackend() as TensorBackend<unknown>;
    const values = [1, 0, 0.5, 0.2, 1, 0];
    const on = (x: TensorBackend<unknown>) => computeLoss(x, ntXent, { anchors: x.mul(x.fromArray(values, [2, 3]), x.fill([], 1)), positives: x.fromArray(values.map((v) => v + 0.1), [2, 3]) });
    expect((await b.read(on(b)))[0]).toBeCloseTo((await reference.read(on(reference)))[0]!, 12);
  });
});

describe('checkHostCall (the ONNX Runtime runner checks host arrays in float32)', () => {
  const target = { name: 'runner', precision: 'float32' as const };
  const pair = { anchors: { values: [1, 2, 3, 4], shape: [2, 2] }, positives: { values: [1, 2, 3, 4], shape: [2, 2] } };
  it('rejects CLIP logitScale <= 0 and SupCon labels that collide in float32', () => {
    expect(() => checkHostCall(clip, { ...pair, logitScale: { values: [0], shape: [] } }, {}, target)).toThrow('logitScale: expected a value > 0 in float32, got 0');
    const labels = { values: [2 ** 24, 2 ** 24 + 1], shape: [2] };
    expect(() => checkHostCall(supCon, { embeddings: pair.anchors, labels }, {}, target)).toThrow('labels: expected integer labels of magnitude below 2^24');
  });
  it('rejects 1e39, which would become Infinity in float32', () => {
    expect(() => checkHostCall(ntXent, { ...pair, anchors: { values: [1e39, 0, 0, 1], shape: [2, 2] } }, {}, target)).toThrow('anchors: expected finite values in float32');
  });
});
