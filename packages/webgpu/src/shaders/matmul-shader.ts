import type { KernelSource } from '../kernel-runner.js';
import { entryPoint, prelude, storage } from './prelude.js';

/**
 * `out[n, m] = op(a) @ op(b)` with `op` an optional transpose, register-blocked: each thread computes a 4 x 4
 * block with four vec4 accumulators, loading 4 values of `a` and 4 of `b` per step of the inner dimension (no
 * workgroup memory: on software adapters shared-memory tiling was slower). Parameters: 0 n, 1 m, 2 k.
 * Stored layouts: `a` is [n, k] (or [k, n] when transposed), `b` is [k, m] (or [m, k]).
 */
export function matmulShader(transposeA: boolean, transposeB: boolean): KernelSource {
  const loadA = transposeA ? 'a[q * n + row]' : 'a[row * k + q]';
  const loadB = transposeB ? 'b[col * k + q]' : 'b[q * m + col]';
  return {
    key: `matmul:${transposeA}:${transposeB}`,
    code: () => `${prelude}
${storage(1, 'a', 'read')}
${storage(2, 'b', 'read')}
${storage(3, 'out', 'read_write')}
fn loadA(rowIn: u32, q: u32, n: u32, k: u32) -> f32 {
  if (rowIn >= n) { return 0.0; }
  let row = rowIn;
  return ${loadA};
}
fn loadB(q: u32, colIn: u32, m: u32, k: u32) -> f32 {
  if (colIn >= m) { return 0.0; }
  let col = colIn;
  return ${loadB};
}
${entryPoint}
  let n = p(0u);
  let m = p(1u);
  let k = p(2u);
  let blocksAcross = (m + 3u) / 4u;
  if (index >= ((n + 3u) / 4u) * blocksAcross) { return; }
  let row0 = (index / blocksAcross) * 4u;
  let col0 = (index % blocksAcross) * 4u;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var q = 0u; q < k; q++) {
    let bv = vec4<f32>(loadB(q, col0, m, k), loadB(q, col0 + 1u, m, k), loadB(q, col0 + 2u, m, k), loadB(q, col0 + 3u, m, k));
    acc0 += loadA(row0, q, n, k) * bv;
    acc1 += loadA(row0 + 1u, q, n, k) * bv;
    acc2 += loadA(row0 + 2u, q, n, k) * bv;
    acc3 += loadA(row0 + 3u, q, n, k) * bv;
  }
  let rows = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var r = 0u; r < 4u; r++) {
    let row = row0 + r;
    if (row >= n) { break; }
    for (var c = 0u; c < 4u; c++) {
      if (col0 + c < m) { out[row * m + col0 + c] = rows[r][c]; }
    }
  }
}`,
  };
}
