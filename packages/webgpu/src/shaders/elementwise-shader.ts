import type { KernelSource } from '../kernel-runner.js';
import { entryPoint, prelude, storage } from './prelude.js';

/** How an input maps onto the output's linear index: same shape, a single value, or broadcast strides. */
export type InputLayout = 'same' | 'scalar' | 'strided';

/** The largest rank elementwise kernels broadcast over. */
export const maxElementwiseRank = 8;

/**
 * Elementwise `out[i] = expression(v0, v1, v2)` with NumPy broadcasting.
 * Parameters: 0 size, 1 rank, 2.. output shape (maxElementwiseRank words), then the strides of each input in
 * turn (maxElementwiseRank words each, 0 along broadcast axes).
 */
export function elementwiseShader(name: string, expression: string, layouts: readonly InputLayout[]): KernelSource {
  const key = `elementwise:${name}:${layouts.join(',')}`;
  return {
    key,
    code: () => {
      const inputs = layouts.map((_, k) => storage(k + 1, `x${k}`, 'read')).join('\n');
      const loads = layouts
        .map((layout, k) => {
          const at = layout === 'same' ? 'index' : layout === 'scalar' ? '0u' : `stridedOffset(index, ${k}u)`;
          return `  let v${k} = x${k}[${at}];`;
        })
        .join('\n');
      return `${prelude}
${inputs}
${storage(layouts.length + 1, 'out', 'read_write')}
fn stridedOffset(index: u32, input: u32) -> u32 {
  var rest = index;
  var offset = 0u;
  for (var axis = i32(p(1u)) - 1; axis >= 0; axis--) {
    let extent = p(2u + u32(axis));
    offset += (rest % extent) * p(${2 + maxElementwiseRank}u + input * ${maxElementwiseRank}u + u32(axis));
    rest = rest / extent;
  }
  return offset;
}
${entryPoint}
  if (index >= p(0u)) { return; }
${loads}
  out[index] = ${expression};
}`;
    },
  };
}

/** WGSL expressions of the elementwise primitives over `v0`, `v1`, `v2`. */
export const elementwiseExpressions = {
  add: 'v0 + v1',
  sub: 'v0 - v1',
  mul: 'v0 * v1',
  div: 'v0 / v1',
  maximum: 'nanMax(v0, v1)',
  minimum: 'nanMin(v0, v1)',
  neg: '-v0',
  abs: 'abs(v0)',
  exp: 'exp(v0)',
  log: 'logExact(v0)',
  log1p: 'log1pPrecise(v0)',
  sqrt: 'sqrt(v0)',
  equal: 'select(0.0, 1.0, v0 == v1)',
  greater: 'select(0.0, 1.0, v0 > v1)',
  where: 'select(v2, v1, v0 != 0.0)',
} as const;

export type ElementwiseOp = keyof typeof elementwiseExpressions;
