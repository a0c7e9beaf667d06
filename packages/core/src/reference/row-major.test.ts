// The `rowMajor` kernels as exported from the package entry, on the values of their TSDoc examples, with float32
// inputs (the reference backend itself feeds them float64).
import { describe, expect, it } from 'vitest';
import { rowMajor } from '../index.js';

const f32 = (values: number[]) => Float32Array.from(values);
const plain = ({ data, shape }: { data: Float64Array; shape: number[] }) => ({ data: [...data], shape });

describe('rowMajor', () => {
  it('shapes: size, strides, broadcasting, axes', () => {
    expect(rowMajor.sizeOf([2, 3])).toBe(6);
    expect(rowMajor.sizeOf([])).toBe(1);
    expect(rowMajor.stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(rowMajor.broadcastShapes([4, 1], [3])).toEqual([4, 3]);
    expect(() => rowMajor.broadcastShapes([2, 3], [4])).toThrow(/cannot broadcast shapes \[2, 3\] and \[4\]/);
    expect(rowMajor.splitAroundAxis([2, 3, 4], 1)).toEqual([2, 3, 4]);
    expect(rowMajor.normalizeAxis(-1, 2)).toBe(1);
    expect(() => rowMajor.normalizeAxis(2, 2)).toThrow(/axis 2 is out of range for rank 2/);
  });

  it('broadcastBinary and reduce read float32 and return float64 with the shape', () => {
    const product = rowMajor.broadcastBinary(f32([1, 2]), [2, 1], f32([10, 20, 30]), [3], (x, y) => x * y);
    expect(product.data).toBeInstanceOf(Float64Array);
    expect(plain(product)).toEqual({ data: [10, 20, 30, 20, 40, 60], shape: [2, 3] });
    expect(plain(rowMajor.reduce(f32([1, 2, 3, 4]), [2, 2], 1, false, 'sum'))).toEqual({ data: [3, 7], shape: [2] });
    expect(plain(rowMajor.reduce(f32([1, NaN, 3, 4]), [2, 2], 0, true, 'max'))).toEqual({ data: [3, NaN], shape: [1, 2] });
  });

  it('matmul with transpose flags keeps 0 * Infinity = NaN', () => {
    expect(plain(rowMajor.matmul(f32([1, 2, 3, 4]), [2, 2], f32([1, 0, 0, 1]), [2, 2], false, true))).toEqual({ data: [1, 2, 3, 4], shape: [2, 2] });
    expect(plain(rowMajor.matmul(f32([0]), [1, 1], f32([Infinity]), [1, 1], false, false)).data).toEqual([NaN]);
    expect([...rowMajor.transpose2d(f32([1, 2, 3, 4, 5, 6]), 2, 3)]).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('slice, concat and takeAlongAxis', () => {
    expect(plain(rowMajor.slice(f32([1, 2, 3, 4, 5, 6]), [2, 3], [0, 1], [2, 2]))).toEqual({ data: [2, 3, 5, 6], shape: [2, 2] });
    expect(plain(rowMajor.concat([{ data: f32([1, 2]), shape: [1, 2] }, { data: f32([3, 4]), shape: [1, 2] }], 0))).toEqual({ data: [1, 2, 3, 4], shape: [2, 2] });
    const indices = { values: Int32Array.from([1, 0]), shape: [2, 1] };
    expect(plain(rowMajor.takeAlongAxis(f32([1, 2, 3, 4]), [2, 2], indices, 1))).toEqual({ data: [2, 3], shape: [2, 1] });
    expect(() => rowMajor.takeAlongAxis(f32([1, 2]), [1, 2], { values: Int32Array.from([2]), shape: [1, 1] }, 1)).toThrow(/index 2 out of range 2/);
  });
});
