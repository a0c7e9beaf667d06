import type { KernelSource } from '../kernel-runner.js';
import { entryPoint, prelude, storage } from './prelude.js';

/** The largest rank `slice` handles. */
export const maxSliceRank = 8;

const copyKernel = (key: string, body: string, indexType = 'f32'): KernelSource => ({
  key,
  code: () => `${prelude}
${storage(1, 'x', 'read')}
${storage(2, 'out', 'read_write')}
${indexType === 'i32' ? storage(3, 'indices', 'read', 'i32') : ''}
${entryPoint}
  if (index >= p(0u)) { return; }
${body}
}`,
});

/** `out[i] = value`. Parameters: 0 size, 1 the value's float32 bits (so -Infinity and NaN pass through). */
export const fillShader: KernelSource = {
  key: 'fill',
  code: () => `${prelude}
${storage(1, 'out', 'read_write')}
${entryPoint}
  if (index >= p(0u)) { return; }
  out[index] = pf(1u);
}`,
};

/** Rank-2 transpose. Parameters: 0 size, 1 rows, 2 columns (of the input). */
export const transposeShader: KernelSource = copyKernel(
  'transpose',
  '  let rows = p(1u);\n  let cols = p(2u);\n  let r = index % rows;\n  let c = index / rows;\n  out[index] = x[r * cols + c];',
);

/**
 * Contiguous block. Parameters: 0 size, 1 rank, 2.. output shape (maxSliceRank), then input strides
 * (maxSliceRank), then begin (maxSliceRank).
 */
export const sliceShader: KernelSource = copyKernel(
  'slice',
  `  var rest = index;
  var offset = 0u;
  for (var axis = i32(p(1u)) - 1; axis >= 0; axis--) {
    let extent = p(2u + u32(axis));
    offset += (rest % extent + p(${2 + 2 * maxSliceRank}u + u32(axis))) * p(${2 + maxSliceRank}u + u32(axis));
    rest = rest / extent;
  }
  out[index] = x[offset];`,
);

/**
 * Writes one concat part into its place along the axis. Parameters: 0 size of the part, 1 the part's extent,
 * 2 inner, 3 the output's extent, 4 the part's offset along the axis.
 */
export const concatPartShader: KernelSource = copyKernel(
  'concat-part',
  `  let extent = p(1u);
  let inner = p(2u);
  let outer = index / (extent * inner);
  let k = (index / inner) % extent;
  out[(outer * p(3u) + p(4u) + k) * inner + index % inner] = x[index];`,
);

/** `out[o, k, i] = x[o, indices[o, k, i], i]`. Parameters: 0 size, 1 picked, 2 inner, 3 x's extent. */
export const takeAlongAxisShader: KernelSource = copyKernel(
  'take-along-axis',
  `  let picked = p(1u);
  let inner = p(2u);
  let outer = index / (picked * inner);
  out[index] = x[(outer * p(3u) + u32(indices[index])) * inner + index % inner];`,
  'i32',
);
