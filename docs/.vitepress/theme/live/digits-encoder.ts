/**
 * A tiny encoder for the live training demo, written with TensorFlow.js variables: a two-layer perceptron
 * `z = relu(x W1 + b1) W2 + b2`, He-normal weights from a seeded generator, zero biases. The NT-Xent op from
 * `@contrastive/tfjs` supplies the analytic gradient that flows back into these variables.
 */
import type { SeededRandom } from '@contrastive/playground';
import type { Tensor2D, Variable } from '@tensorflow/tfjs-core';
import type { TfjsCore } from './tfjs-runtime.js';

export interface DigitsEncoder {
  readonly variables: Variable[];
  /** [rows, sizes[0]] -> [rows, sizes[2]]; call inside `tf.tidy` or dispose the result. */
  encode(x: Tensor2D): Tensor2D;
  dispose(): void;
}

export function createDigitsEncoder(tf: TfjsCore, sizes: readonly [number, number, number], random: SeededRandom): DigitsEncoder {
  const layer = (inputs: number, outputs: number, gain: number) => {
    const scale = Math.sqrt(gain / inputs);
    const weights = Float32Array.from({ length: inputs * outputs }, () => scale * random.normal());
    return [tf.variable(tf.tensor2d(weights, [inputs, outputs])), tf.variable(tf.zeros([1, outputs]))] as const;
  };
  const [w1, b1] = layer(sizes[0], sizes[1], 2);
  const [w2, b2] = layer(sizes[1], sizes[2], 1);
  return {
    variables: [w1, b1, w2, b2],
    encode: (x) => tf.tidy(() => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2) as Tensor2D),
    dispose: () => tf.dispose([w1, b1, w2, b2]),
  };
}
