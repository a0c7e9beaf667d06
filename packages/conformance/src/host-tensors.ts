import type { ActualTensor } from './compare-values.js';
import type { HostTensor } from './fixture-types.js';

/**
 * Reorders the rows (axis 0) of `x`, whose rows form `blocks` consecutive blocks of `order.length` samples:
 * new row `block * n + i` is old row `block * n + order[i]`.
 */
export function permuteRows(x: ActualTensor, order: readonly number[], blocks: number): HostTensor {
  const n = order.length;
  const rows = x.shape[0] ?? 0;
  if (rows !== blocks * n) throw new Error(`permuteRows: ${rows} rows are not ${blocks} blocks of ${n}`);
  const width = x.values.length / rows;
  const values: number[] = [];
  for (let block = 0; block < blocks; block++) {
    for (let i = 0; i < n; i++) {
      const start = (block * n + order[i]!) * width;
      for (let k = 0; k < width; k++) values.push(x.values[start + k]!);
    }
  }
  return { shape: [...x.shape], values };
}

/** `factor * x`, elementwise. */
export function scaleTensor(x: ActualTensor, factor: number): HostTensor {
  return { shape: [...x.shape], values: Array.from(x.values, (v) => v * factor) };
}

/** `(a + b) / 2`, elementwise (same shapes). */
export function averageTensors(a: ActualTensor, b: ActualTensor): HostTensor {
  return { shape: [...a.shape], values: Array.from(a.values, (v, i) => (v + b.values[i]!) / 2) };
}

/** `a` then `b` along axis 0. */
export function concatRows(a: ActualTensor, b: ActualTensor): HostTensor {
  return { shape: [(a.shape[0] ?? 0) + (b.shape[0] ?? 0), ...a.shape.slice(1)], values: [...Array.from(a.values), ...Array.from(b.values)] };
}
