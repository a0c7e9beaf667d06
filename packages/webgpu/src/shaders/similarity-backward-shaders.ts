import type { KernelSource } from '../kernel-runner.js';
import { entryPoint, prelude, storage } from './prelude.js';
import { similarityBindings } from './similarity-forward-shaders.js';

/**
 * Per-row backward weights `rowInfo` [n, 3] = (logSumExp, w, w / |pos|) with `w` the upstream row weight, or 0
 * for rows without a positive. Parameters: 0 n.
 */
export const similarityPrepareShader: KernelSource = {
  key: 'similarity:prepare',
  code: () => `${prelude}
${storage(1, 'logSumExp', 'read')}
${storage(2, 'stats', 'read')}
${storage(3, 'rowWeights', 'read')}
${storage(4, 'rowInfo', 'read_write')}
${entryPoint}
  let i = index;
  if (i >= p(0u)) { return; }
  let positiveCount = stats[6u * i + 4u];
  let weight = select(0.0, rowWeights[i], positiveCount > 0.0);
  rowInfo[3u * i] = logSumExp[i];
  rowInfo[3u * i + 1u] = weight;
  rowInfo[3u * i + 2u] = weight / max(positiveCount, 1.0);
}`,
};

/**
 * The 4 x 4 block of `G_ij = w_i [j in den(i)] exp(s_ij - lse_i) - [j in pos(i)] w_i / |pos(i)|` for anchors
 * i0.. and keys j0.., recomputed from the inputs and the per-row statistics; 0 for excluded pairs and for rows
 * or keys past the tile (`anchorEnd`, `keyEnd`). Also returns `G * (a . k)` summed per anchor (for d scale).
 */
const gradientBlock = /* wgsl */ `
struct GradientBlock { g: array<vec4<f32>, 4>, scaleTerms: vec4<f32> }
fn gradientBlock(i0: u32, j0: u32, anchorEnd: u32, keyEnd: u32) -> GradientBlock {
  let dots = dotBlock(i0, j0);
  let scale = scaleValue[0];
  var out: GradientBlock;
  for (var r = 0u; r < 4u; r++) {
    out.g[r] = vec4<f32>(0.0);
    let i = i0 + r;
    if (i >= anchorEnd) { continue; }
    let lse = rowInfo[3u * i];
    let weight = rowInfo[3u * i + 1u];
    let positiveWeight = rowInfo[3u * i + 2u];
    if (weight == 0.0 && positiveWeight == 0.0) { continue; }
    for (var t = 0u; t < 4u; t++) {
      let j = j0 + t;
      if (j >= keyEnd || isExcluded(i, j)) { continue; }
      let positive = isPositive(i, j);
      var g = 0.0;
      if (!positive || p(5u) != 0u) { g = weight * exp(dots[r][t] * scale - lse); }
      if (positive) { g -= positiveWeight; }
      out.g[r][t] = g;
    }
    out.scaleTerms[r] = dot(out.g[r], dots[r]);
  }
  return out;
}`;

/**
 * Row pass over one key tile: `dAnchors_i += scale sum_j G_ij keys_j` and `dScaleRows_i += sum_j G_ij a_i.k_j`
 * (the gradient of the scale is `sum(G * s) / scale`). One thread per 4 anchors; outputs start at zero.
 */
export const similarityRowBackwardShader: KernelSource = {
  key: 'similarity:row-backward',
  code: () => `${prelude}
${similarityBindings}
${storage(6, 'rowInfo', 'read')}
${storage(7, 'dAnchors', 'read_write')}
${storage(8, 'dScaleRows', 'read_write')}
${gradientBlock}
${entryPoint}
  let n = p(0u);
  let i0 = 4u * index;
  if (i0 >= n) { return; }
  let rows = min(4u, n - i0);
  let dimension = p(2u);
  let scale = scaleValue[0];
  let lastKey = p(1u) - 1u;
  var scaleTerms = vec4<f32>(0.0);
  for (var j = p(3u); j < p(4u); j += 4u) {
    let block = gradientBlock(i0, j, n, p(4u));
    scaleTerms += block.scaleTerms;
    let k0 = j * dimension;
    let k1 = min(j + 1u, lastKey) * dimension;
    let k2 = min(j + 2u, lastKey) * dimension;
    let k3 = min(j + 3u, lastKey) * dimension;
    for (var d = 0u; d < dimension; d++) {
      let kv = vec4<f32>(keys[k0 + d], keys[k1 + d], keys[k2 + d], keys[k3 + d]) * scale;
      for (var r = 0u; r < rows; r++) { dAnchors[(i0 + r) * dimension + d] += dot(block.g[r], kv); }
    }
  }
  for (var r = 0u; r < rows; r++) { dScaleRows[i0 + r] += scaleTerms[r]; }
}`,
};

/**
 * Column pass over one anchor tile: `dKeys_j += scale sum_i G_ij anchors_i`, one thread per 4 keys. With keys
 * equal to anchors it adds into the row pass's output (`(G + G^T) anchors`).
 */
export const similarityColumnBackwardShader: KernelSource = {
  key: 'similarity:column-backward',
  code: () => `${prelude}
${similarityBindings}
${storage(6, 'rowInfo', 'read')}
${storage(7, 'dKeys', 'read_write')}
${gradientBlock}
${entryPoint}
  let m = p(1u);
  let j0 = 4u * index;
  if (j0 >= m) { return; }
  let columns = min(4u, m - j0);
  let dimension = p(2u);
  let scale = scaleValue[0];
  let lastAnchor = p(0u) - 1u;
  for (var i = p(3u); i < p(4u); i += 4u) {
    let block = gradientBlock(i, j0, p(4u), m);
    let a0 = i * dimension;
    let a1 = min(i + 1u, lastAnchor) * dimension;
    let a2 = min(i + 2u, lastAnchor) * dimension;
    let a3 = min(i + 3u, lastAnchor) * dimension;
    var columnsOfG: array<vec4<f32>, 4>;
    for (var t = 0u; t < 4u; t++) {
      columnsOfG[t] = vec4<f32>(block.g[0][t], block.g[1][t], block.g[2][t], block.g[3][t]) * scale;
    }
    for (var d = 0u; d < dimension; d++) {
      let av = vec4<f32>(anchors[a0 + d], anchors[a1 + d], anchors[a2 + d], anchors[a3 + d]);
      for (var t = 0u; t < columns; t++) { dKeys[(j0 + t) * dimension + d] += dot(columnsOfG[t], av); }
    }
  }
}`,
};
