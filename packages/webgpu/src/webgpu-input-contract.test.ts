// Core's call contract on Dawn: values given with fromArray are checked on the host before any kernel runs;
// values computed on the GPU are flagged on the device and `read` names the input. No buffer leaks either way.
import { clip, computeLoss, computeLossAndGradients, ContrastiveInputError, ntXent, supCon, type LossDefinition } from '@contrastive/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomValues } from '../test/compare.js';
import { createNodeBackend } from '../test/node-gpu.js';
import type { GpuTensor, WebGpuBackend } from './index.js';

let backend: WebGpuBackend;
beforeAll(async () => {
  backend = await createNodeBackend();
});
afterAll(() => backend.destroy());

const matrix = (rows: number, dimension: number, seed: number) => backend.fromArray(randomValues(rows * dimension, seed), [rows, dimension]);
const held = () => ({ tensors: backend.liveCount(), buffers: backend.poolStats().liveBuffers });

/** `run` throws ContrastiveInputError naming `argument` (forward and backward), and leaves no tensor or buffer behind. */
function expectRejected(argument: string, run: (gradients: boolean) => unknown): ContrastiveInputError[] {
  return [false, true].map((gradients) => {
    const before = held();
    let thrown: unknown;
    try {
      run(gradients);
    } catch (error) {
      thrown = error;
    }
    expect(thrown, `gradients: ${gradients}`).toBeInstanceOf(ContrastiveInputError);
    expect((thrown as ContrastiveInputError).argument).toBe(argument);
    expect(held()).toEqual(before);
    return thrown as ContrastiveInputError;
  });
}

function call(loss: LossDefinition<string, object>, inputs: Record<string, GpuTensor>, gradients: boolean): void {
  if (gradients) computeLossAndGradients(backend, loss, inputs);
  else computeLoss(backend, loss, inputs);
}

describe('host-known values (fromArray) are checked before any kernel runs', () => {
  it('rejects a CLIP logitScale <= 0 (0 used to give 0.693 with a NaN gradient, -1 gave 1.195)', () => {
    const [anchors, positives] = [matrix(4, 8, 1), matrix(4, 8, 2)];
    for (const scale of [0, -1, -0]) {
      const logitScale = backend.fromArray([scale], []);
      const [error] = expectRejected('logitScale', (gradients) => call(clip as never, { anchors, positives, logitScale }, gradients));
      expect(error!.message).toMatch(/> 0/);
      backend.dispose(logitScale);
    }
    const filled = backend.fill([], -1); // a small fill reports its constant too
    expectRejected('logitScale', (gradients) => call(clip as never, { anchors, positives, logitScale: filled }, gradients));
    for (const t of [anchors, positives, filled]) backend.dispose(t);
  });

  it('rejects SupCon labels that are not integers, or not exact in float32 (2^24 + 1 rounds onto 2^24)', () => {
    const embeddings = matrix(4, 8, 3);
    const cases = [
      { values: [0, 0.5, 1, 1], actual: '0.5 at index 1' },
      { values: [0, 2 ** 24, 2 ** 24 + 1, 1], actual: `${2 ** 24} at index 1` },
      // As given, not as stored: the float32 copy on the GPU holds 2^24 there.
      { values: [0, 1, 2 ** 24 + 1, 1], actual: `${2 ** 24 + 1} at index 2` },
    ];
    for (const { values, actual } of cases) {
      const labels = backend.fromArray(values, [4]);
      const [error] = expectRejected('labels', (gradients) => call(supCon as never, { embeddings, labels }, gradients));
      expect(error!.actual).toBe(actual);
      backend.dispose(labels);
    }
    backend.dispose(embeddings);
  });

  it('rejects a value that overflows float32 (1e39), naming the input and the value as given', () => {
    const values = randomValues(32, 4);
    values[5] = 1e39;
    const [anchors, positives] = [backend.fromArray(values, [4, 8]), matrix(4, 8, 5)];
    const [error] = expectRejected('anchors', (gradients) => call(ntXent as never, { anchors, positives }, gradients));
    expect(error!.actual).toMatch(/1e\+39 at flat index 5 \(overflows float32/);
    for (const t of [anchors, positives]) backend.dispose(t);
  });

  it('rejects a disposed input by name', () => {
    const [anchors, positives] = [matrix(4, 8, 6), matrix(4, 8, 7)];
    backend.dispose(anchors);
    expect(backend.isDisposed(anchors)).toBe(true);
    expectRejected('anchors', (gradients) => call(ntXent as never, { anchors, positives }, gradients));
    backend.dispose(positives);
  });
});

describe('device-computed values are flagged on the device and named by read', () => {
  it.each([false, true])('a non-finite computed input (1 / 0) makes read throw naming anchors (gradients: %s), leaking nothing', async (gradients) => {
    const before = held();
    const anchors = backend.scope(() => backend.div(backend.fill([4, 8], 1), backend.fill([4, 8], 0)));
    const positives = matrix(4, 8, 8);
    expect(backend.knownValues(anchors)).toBeUndefined();
    const outputs = gradients
      ? (({ loss, gradients: g }) => [loss, g.anchors!, g.positives!])(computeLossAndGradients(backend, ntXent, { anchors, positives }))
      : [computeLoss(backend, ntXent, { anchors, positives })];
    for (const output of outputs) {
      const error = await backend.read(output).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(ContrastiveInputError);
      expect((error as ContrastiveInputError).argument).toBe('anchors');
      expect((error as ContrastiveInputError).actual).toMatch(/found on the device/);
    }
    for (const t of [...outputs, anchors, positives]) backend.dispose(t);
    expect(held()).toEqual(before);
  });

  it('finite computed inputs read normally, with the same values as host inputs', async () => {
    const values = randomValues(32, 9);
    const host = backend.fromArray(values, [4, 8]);
    const computed = backend.scope(() => backend.add(host, backend.fill([], 0)));
    const positives = matrix(4, 8, 10);
    const fromHost = computeLoss(backend, ntXent, { anchors: host, positives });
    const fromDevice = computeLoss(backend, ntXent, { anchors: computed, positives });
    expect(Array.from(await backend.read(fromDevice))).toEqual(Array.from(await backend.read(fromHost)));
    for (const t of [host, computed, positives, fromHost, fromDevice]) backend.dispose(t);
  });
});
