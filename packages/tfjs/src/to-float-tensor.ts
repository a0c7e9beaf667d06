import { ContrastiveInputError, formatShape } from '@contrastive/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';

const expected = 'a tf.Tensor or TensorLike (a number, a typed array or rectangular nested arrays of numbers)';

/** The shape of rectangular nested arrays, or a description of where they are ragged or not numeric. */
function nestedShape(value: unknown, path: string): number[] | string {
  if (typeof value === 'number') return [];
  if (ArrayBuffer.isView(value)) return [(value as unknown as ArrayLike<number>).length];
  if (!Array.isArray(value)) return `${typeof value} at ${path || 'the top level'}`;
  const shapes = value.map((item, i) => nestedShape(item, `${path}[${i}]`));
  const first = shapes[0] ?? [];
  if (typeof first === 'string') return first;
  for (let i = 1; i < shapes.length; i++) {
    const shape = shapes[i]!;
    if (typeof shape === 'string') return shape;
    if (formatShape(shape) !== formatShape(first)) {
      return `ragged arrays: ${path}[0] has shape ${formatShape(first)}, ${path}[${i}] has shape ${formatShape(shape)}`;
    }
  }
  return [value.length, ...first];
}

/**
 * A float32 tensor from a tensor argument: tensors of other dtypes are cast, TensorLike values are checked to be
 * rectangular and numeric (tfjs does not check that in production builds) and converted. Call inside `tf.tidy`.
 */
export function toFloatTensor(value: unknown, argument: string): Tensor {
  if (value instanceof tf.Tensor) return value.dtype === 'float32' ? value : tf.cast(value, 'float32');
  const shape = nestedShape(value, '');
  if (typeof shape === 'string') throw new ContrastiveInputError(argument, expected, shape);
  return tf.tensor(value as TensorLike, shape, 'float32');
}
