import type { KernelSource } from '../kernel-runner.js';
import { entryPoint, prelude, storage } from './prelude.js';

/**
 * Shared WGSL of the fused similarity cross-entropy. Layouts: `anchors` [n, D], `keys` [m, D], `scale` [1],
 * `anchorMeta` [n, 2] and `keyMeta` [m, 2] hold (id, group) per row, so the masks are rebuilt per pair:
 * excluded when ids match, positive when groups match, in the denominator unless positive and
 * `positivesInDenominator` is 0. Parameters: 0 n, 1 m, 2 D, 3 tile begin, 4 tile end, 5 positivesInDenominator.
 */
export const similarityBindings = `
${storage(1, 'anchors', 'read')}
${storage(2, 'keys', 'read')}
${storage(3, 'scaleValue', 'read')}
${storage(4, 'anchorMeta', 'read')}
${storage(5, 'keyMeta', 'read')}
// Dot products of anchor i with keys j .. j+3 (indices past m - 1 are clamped; callers ignore them).
fn dotKeys(i: u32, j: u32) -> vec4<f32> {
  let dimension = p(2u);
  let last = p(1u) - 1u;
  let k0 = j * dimension;
  let k1 = min(j + 1u, last) * dimension;
  let k2 = min(j + 2u, last) * dimension;
  let k3 = min(j + 3u, last) * dimension;
  let a = i * dimension;
  var acc = vec4<f32>(0.0);
  for (var d = 0u; d < dimension; d++) {
    acc += anchors[a + d] * vec4<f32>(keys[k0 + d], keys[k1 + d], keys[k2 + d], keys[k3 + d]);
  }
  return acc;
}
// Dot products of anchors i .. i+3 with key j, summed in the same order as dotKeys.
fn dotAnchors(i: u32, j: u32) -> vec4<f32> {
  let dimension = p(2u);
  let last = p(0u) - 1u;
  let a0 = i * dimension;
  let a1 = min(i + 1u, last) * dimension;
  let a2 = min(i + 2u, last) * dimension;
  let a3 = min(i + 3u, last) * dimension;
  let k = j * dimension;
  var acc = vec4<f32>(0.0);
  for (var d = 0u; d < dimension; d++) {
    acc += vec4<f32>(anchors[a0 + d], anchors[a1 + d], anchors[a2 + d], anchors[a3 + d]) * keys[k + d];
  }
  return acc;
}`;

/**
 * One key tile of the forward: per anchor row, an online log-sum-exp over the denominator in the exact form
 * `max + log1p(rest)`: `stats` [n, 5] carries (max, copies of the max, sum of exp(s - max) over the others,
 * sum of positive logits, positive count) from tile to tile. No [n, m] value is ever stored.
 */
export const similarityForwardTileShader: KernelSource = {
  key: 'similarity:forward-tile',
  code: () => `${prelude}
${similarityBindings}
${storage(6, 'stats', 'read_write')}
${entryPoint}
  let i = index;
  if (i >= p(0u)) { return; }
  let anchorId = anchorMeta[2u * i];
  let anchorGroup = anchorMeta[2u * i + 1u];
  let scale = scaleValue[0];
  let begin = p(3u);
  let end = p(4u);
  var best = 0.0;
  var copies = 0.0;
  var rest = 0.0;
  var positiveSum = 0.0;
  var positiveCount = 0.0;
  if (begin > 0u) {
    best = stats[5u * i];
    copies = stats[5u * i + 1u];
    rest = stats[5u * i + 2u];
    positiveSum = stats[5u * i + 3u];
    positiveCount = stats[5u * i + 4u];
  }
  for (var j = begin; j < end; j += 4u) {
    let dots = dotKeys(i, j);
    for (var t = 0u; t < 4u; t++) {
      let key = j + t;
      if (key >= end) { break; }
      if (keyMeta[2u * key] == anchorId) { continue; }
      let s = dots[t] * scale;
      let positive = keyMeta[2u * key + 1u] == anchorGroup;
      if (positive) {
        positiveSum += s;
        positiveCount += 1.0;
        if (p(5u) == 0u) { continue; }
      }
      if (copies == 0.0 || s > best) {
        rest = select(0.0, (rest + copies) * exp(best - s), copies > 0.0);
        best = s;
        copies = 1.0;
      } else if (s == best) {
        copies += 1.0;
      } else {
        rest += exp(s - best);
      }
    }
  }
  stats[5u * i] = best;
  stats[5u * i + 1u] = copies;
  stats[5u * i + 2u] = rest;
  stats[5u * i + 3u] = positiveSum;
  stats[5u * i + 4u] = positiveCount;
}`,
};

/**
 * Per-row results from `stats`: `rowLosses = (max - mean positive) + log1p(rest + copies - 1)` (0 without a
 * positive), `positiveCounts`, `logSumExp = max + log1p(...)`. Parameters: 0 n, 1 the bits of -Infinity.
 */
export const similarityFinalizeShader: KernelSource = {
  key: 'similarity:finalize',
  code: () => `${prelude}
${storage(1, 'stats', 'read')}
${storage(2, 'rowLosses', 'read_write')}
${storage(3, 'positiveCounts', 'read_write')}
${storage(4, 'logSumExp', 'read_write')}
${entryPoint}
  let i = index;
  if (i >= p(0u)) { return; }
  let copies = stats[5u * i + 1u];
  let best = select(pf(1u), stats[5u * i], copies > 0.0);
  let log1pRest = log1pPrecise(stats[5u * i + 2u] + (copies - 1.0));
  let positiveCount = stats[5u * i + 4u];
  let positiveMean = stats[5u * i + 3u] / max(positiveCount, 1.0);
  rowLosses[i] = select(0.0, (best - positiveMean) + log1pRest, positiveCount > 0.0);
  positiveCounts[i] = positiveCount;
  logSumExp[i] = best + log1pRest;
}`,
};
