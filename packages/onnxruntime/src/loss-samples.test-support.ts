/**
 * Test support (not shipped): small float32-representable inputs for any core loss, chosen from its input names,
 * and the comparison rule of the conformance suite's float32 tolerances (copied from
 * packages/conformance/src/tolerances.ts, the one place they are argued; this package's own tests use them here).
 */
import { computeLossAndGradients, createReferenceBackend, type LossDefinition } from '@contrastive/core';
import { expect } from 'vitest';
import type { HostTensor, OnnxLossRunner } from './onnx-loss-runner.js';

/** float32 tolerances: losses relative to max(1, |e|) per element, gradients to max(1, max |e|) per tensor. */
export const float32Tolerance = { loss: 2e-4, gradient: 2e-3 } as const;

export const batchSize = 4;
export const dimension = 5;

/** A deterministic Gaussian stream (LCG + Box-Muller), rounded to float32. */
export function gaussians(count: number, seed: number, scale = 1): number[] {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  return Array.from({ length: count }, () => Math.fround(scale * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())));
}

/** Inputs for `loss` under `options`, by input name (labels alternate 0, 1 so every supCon anchor has a positive). */
export function sampleInputs(loss: LossDefinition<string, object>, options: object, seed = 1, scale = 1): Record<string, HostTensor> {
  const resolved = loss.resolveOptions(options) as { views?: number };
  const views = resolved.views ?? 1;
  const shapes: Record<string, number[]> = {
    anchors: [batchSize, dimension],
    positives: [batchSize, dimension],
    negatives: [batchSize, dimension],
    embeddings: [views * batchSize, dimension],
  };
  const scalars: Record<string, number> = { logitScale: 10, logTemperature: Math.fround(Math.log(10)), bias: -10 };
  const inputs: Record<string, HostTensor> = {};
  loss.inputs.forEach((name, index) => {
    if (name === 'labels') inputs[name] = { values: Array.from({ length: batchSize }, (_, i) => i % 2), shape: [batchSize] };
    else if (name in scalars) inputs[name] = { values: [scalars[name]!], shape: [] };
    else if (name === 'negatives' && loss.name === 'info-nce') return;
    else if ((name === 'memory' || name === 'memoryLabels') && loss.name === 'sup-con') return; // optional inputs
    else inputs[name] = { values: gaussians(shapes[name]![0]! * shapes[name]![1]!, seed * 7919 + index, scale), shape: shapes[name]! };
  });
  return inputs;
}

/** Loss and gradients of `sum(loss)` on the float64 reference backend. */
export function referenceLossAndGradients(loss: LossDefinition<string, object>, inputs: Record<string, HostTensor>, options: object) {
  const b = createReferenceBackend();
  const tensors = Object.fromEntries(Object.entries(inputs).map(([name, input]) => [name, b.fromArray(input.values, input.shape)]));
  const result = computeLossAndGradients(b, loss, tensors, options);
  const gradients = Object.fromEntries(Object.entries(result.gradients).map(([name, tensor]) => [name, Array.from(b.readSync!(tensor as never))]));
  return { loss: Array.from(b.readSync!(result.loss)), gradients };
}

export function expectLossClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Number.isFinite(actual[i]!), `loss[${i}] = ${actual[i]} is finite`).toBe(true);
    expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(float32Tolerance.loss * Math.max(1, Math.abs(expected[i]!)));
  }
}

export function expectGradientClose(actual: ArrayLike<number>, expected: ArrayLike<number>, name: string): void {
  expect(actual.length, name).toBe(expected.length);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!), `${name}[${i}]: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(float32Tolerance.gradient * scale);
  }
}

/** Runs `loss` on `runner` and checks the loss and every gradient against the float64 reference backend. */
export async function expectRunnerMatchesReference(runner: OnnxLossRunner, loss: LossDefinition<string, object>, inputs: Record<string, HostTensor>, options: object): Promise<void> {
  const actual = await runner.run(loss, inputs, options);
  const expected = referenceLossAndGradients(loss, inputs, options);
  expectLossClose(actual.loss, expected.loss);
  for (const [name, values] of Object.entries(expected.gradients)) expectGradientClose(actual.gradients[name]!, values, name);
}

/** max |a - e| / max |e|: the error relative to the largest expected entry, with no floor at 1 (for gradients far below 1). */
export function relativeToLargest(actual: ArrayLike<number>, expected: readonly number[]): number {
  let largest = 0;
  let error = 0;
  expected.forEach((e, i) => { largest = Math.max(largest, Math.abs(e)); error = Math.max(error, Math.abs(actual[i]! - e)); });
  return error / largest;
}
