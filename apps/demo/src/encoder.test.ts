import { createReferenceBackend, type TensorBackend } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import { createEncoder, encoderBackward, encoderForward, flattenLayers, unflattenLayers } from './encoder.js';
import { createModel, flattenModel, unflattenModel } from './model.js';
import { createRandom } from './random.js';
import { lossAndGradients } from './train.js';

const read = <T>(b: TensorBackend<T>, x: T) => Array.from(b.readSync!(x));

/** Central differences of `f` with respect to every entry of parameter `index` (others fixed). */
function centralDifferences<T>(b: TensorBackend<T>, parameters: T[], index: number, f: (parameters: T[]) => number, h = 1e-6): number[] {
  const values = read(b, parameters[index]!);
  return values.map((_, entry) => {
    const at = (delta: number) => {
      const shifted = values.map((v, i) => (i === entry ? v + delta : v));
      const tensor = b.fromArray(shifted, b.shape(parameters[index]!));
      const result = f(parameters.map((p, i) => (i === index ? tensor : p)));
      b.dispose(tensor);
      return result;
    };
    return (at(h) - at(-h)) / (2 * h);
  });
}

describe('encoder backward', () => {
  const sizes = [6, 8, 5, 3];
  const rows = 4;

  it('matches central finite differences for every weight and bias (loss = sum(output * R))', () => {
    const b = createReferenceBackend();
    const random = createRandom(7);
    const layers = createEncoder(b, sizes, random);
    // Biases start at zero; move them so the test also covers non-trivial bias values.
    const parameters = flattenLayers(layers).map((p, i) => (i % 2 === 1 ? b.fromArray(read(b, p).map(() => 0.3 * random.normal()), b.shape(p)) : p));
    const x = b.fromArray(Array.from({ length: rows * sizes[0]! }, () => random.normal()), [rows, sizes[0]!]);
    const weights = Array.from({ length: rows * sizes[3]! }, () => random.normal());
    const r = b.fromArray(weights, [rows, sizes[3]!]);
    const objective = (ps: typeof parameters) =>
      b.scope(() => read(b, b.sum(b.sum(b.mul(encoderForward(b, unflattenLayers(ps), x).output, r), 1, false), 0, false))[0]!);
    const forward = encoderForward(b, unflattenLayers(parameters), x);
    const backward = encoderBackward(b, unflattenLayers(parameters), forward.saved, r, true);
    const analytic = flattenLayers(backward.layers);
    parameters.forEach((_, index) => {
      const numeric = centralDifferences(b, parameters, index, objective);
      read(b, analytic[index]!).forEach((value, i) => expect(value).toBeCloseTo(numeric[i]!, 6));
    });
    // dL/dx: the input treated as one more parameter.
    const numericInput = centralDifferences(b, [x], 0, ([input]) => b.scope(() => read(b, b.sum(b.sum(b.mul(encoderForward(b, unflattenLayers(parameters), input!).output, r), 1, false), 0, false))[0]!));
    read(b, backward.input!).forEach((value, i) => expect(value).toBeCloseTo(numericInput[i]!, 6));
    expect(encoderBackward(b, unflattenLayers(parameters), forward.saved, r).input).toBeUndefined();
  });

  it('chains the NT-Xent gradients of both views through the projection head into every parameter (finite differences)', () => {
    const b = createReferenceBackend();
    const random = createRandom(11);
    const parameters = flattenModel(createModel(b, { encoder: [6, 8, 3], head: [3, 5, 4] }, random));
    const model = (ps: typeof parameters) => unflattenModel(ps, 2);
    const batchSize = 3;
    const views = Float64Array.from({ length: 2 * batchSize * 6 }, () => random.next());
    const settings = { loss: 'nt-xent' as const, epochs: 1, batchSize, temperature: 0.3, learningRate: 1e-3 };
    const before = b.liveCount();
    const { loss, gradients } = lossAndGradients(b, model(parameters), views, batchSize, settings);
    expect(gradients.length).toBe(8); // W and b of two encoder and two head layers
    expect(b.liveCount()).toBe(before + 1 + gradients.length);
    const objective = (ps: typeof parameters) => {
      const result = lossAndGradients(b, model(ps), views, batchSize, settings);
      const value = read(b, result.loss)[0]!;
      [result.loss, ...result.gradients].forEach((t) => b.dispose(t));
      return value;
    };
    expect(read(b, loss)[0]).toBeCloseTo(objective(parameters), 12);
    parameters.forEach((_, index) => {
      const numeric = centralDifferences(b, parameters, index, objective);
      read(b, gradients[index]!).forEach((value, i) => expect(value).toBeCloseTo(numeric[i]!, 6));
    });
  });

  it('initialises He-normal weights and zero biases of the requested shapes', () => {
    const b = createReferenceBackend();
    const layers = createEncoder(b, [64, 128, 32], createRandom(3));
    expect(layers.map((l) => [b.shape(l.weight), b.shape(l.bias)])).toEqual([[[64, 128], [1, 128]], [[128, 32], [1, 32]]]);
    const first = read(b, layers[0]!.weight);
    const variance = first.reduce((acc, v) => acc + v * v, 0) / first.length;
    expect(variance).toBeGreaterThan(0.8 * (2 / 64));
    expect(variance).toBeLessThan(1.2 * (2 / 64));
    expect(read(b, layers[1]!.bias).every((v) => v === 0)).toBe(true);
  });
});
