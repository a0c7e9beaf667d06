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
  let positiveCount = stats[5u * i + 4u];
  let weight = select(0.0, rowWeights[i], positiveCount > 0.0);
  rowInfo[3u * i] = logSumExp[i];
  rowInfo[3u * i + 1u] = weight;
  rowInfo[3u * i + 2u] = weight / max(positiveCount, 1.0);
}`,
};

/**
 * `G_ij = w_i [j in den(i)] exp(s_ij - lse_i) - [j in pos(i)] w_i / |pos(i)|`, recomputed from the inputs and
 * the per-row statistics; 0 for the excluded pair.
 */
const pairGradient = /* wgsl */ `
fn pairGradient(s: f32, positive: bool, rowStats: vec3<f32>) -> f32 {
  var g = 0.0;
  if (!positive || p(5u) != 0u) { g = rowStats.y * exp(s - rowStats.x); }
  if (positive) { g -= rowStats.z; }
  return g;
}
fn info(i: u32) -> vec3<f32> { return vec3<f32>(rowInfo[3u * i], rowInfo[3u * i + 1u], rowInfo[3u * i + 2u]); }`;

/**
 * Row pass over one key tile: `dAnchors_i += scale sum_j G_ij keys_j` and `dScaleRows_i += sum_j G_ij a_i.k_j`
 * (the gradient of the scale is `sum(G * s) / scale`). Both outputs start at zero before the first tile.
 */
export const similarityRowBackwardShader: KernelSource = {
  key: 'similarity:row-backward',
  code: () => `${prelude}
${similarityBindings}
${storage(6, 'rowInfo', 'read')}
${storage(7, 'dAnchors', 'read_write')}
${storage(8, 'dScaleRows', 'read_write')}
${pairGradient}
${entryPoint}
  let i = index;
  if (i >= p(0u)) { return; }
  let row = info(i);
  if (row.y == 0.0 && row.z == 0.0) { return; }
  let dimension = p(2u);
  let anchorId = anchorMeta[2u * i];
  let anchorGroup = anchorMeta[2u * i + 1u];
  let scale = scaleValue[0];
  var scaleGradient = dScaleRows[i];
  for (var j = p(3u); j < p(4u); j += 4u) {
    let dots = dotKeys(i, j);
    for (var t = 0u; t < 4u; t++) {
      let key = j + t;
      if (key >= p(4u)) { break; }
      if (keyMeta[2u * key] == anchorId) { continue; }
      let g = pairGradient(dots[t] * scale, keyMeta[2u * key + 1u] == anchorGroup, row);
      if (g == 0.0) { continue; }
      scaleGradient += g * dots[t];
      let gs = g * scale;
      for (var d = 0u; d < dimension; d++) { dAnchors[i * dimension + d] += gs * keys[key * dimension + d]; }
    }
  }
  dScaleRows[i] = scaleGradient;
}`,
};

/**
 * Column pass over one anchor tile: `dKeys_j += scale sum_i G_ij anchors_i`, one thread per key. With keys
 * equal to anchors it adds into the row pass's output (`(G + G^T) anchors`).
 */
export const similarityColumnBackwardShader: KernelSource = {
  key: 'similarity:column-backward',
  code: () => `${prelude}
${similarityBindings}
${storage(6, 'rowInfo', 'read')}
${storage(7, 'dKeys', 'read_write')}
${pairGradient}
${entryPoint}
  let j = index;
  if (j >= p(1u)) { return; }
  let dimension = p(2u);
  let keyId = keyMeta[2u * j];
  let keyGroup = keyMeta[2u * j + 1u];
  let scale = scaleValue[0];
  for (var i = p(3u); i < p(4u); i += 4u) {
    let dots = dotAnchors(i, j);
    for (var t = 0u; t < 4u; t++) {
      let anchor = i + t;
      if (anchor >= p(4u)) { break; }
      if (anchorMeta[2u * anchor] == keyId) { continue; }
      let g = pairGradient(dots[t] * scale, anchorMeta[2u * anchor + 1u] == keyGroup, info(anchor));
      if (g == 0.0) { continue; }
      let gs = g * scale;
      for (var d = 0u; d < dimension; d++) { dKeys[j * dimension + d] += gs * anchors[anchor * dimension + d]; }
    }
  }
}`,
};
