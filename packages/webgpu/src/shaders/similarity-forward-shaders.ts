import type { KernelSource } from '../kernel-runner.js';
import { entryPoint, prelude, storage } from './prelude.js';

/**
 * Shared WGSL of the fused similarity cross-entropy. Layouts: `anchors` [n, D], `keys` [m, D], `scale` [1],
 * `anchorMeta` [n, 2] and `keyMeta` [m, 2] hold (id, group) per row, so the masks are rebuilt per pair:
 * excluded when ids match, positive when groups match, in the denominator unless positive and
 * `positivesInDenominator` is 0. Parameters: 0 n, 1 m, 2 D, 3 tile begin, 4 tile end, 5 positivesInDenominator.
 * Every pass works on 4 x 4 blocks of (anchor, key) pairs held in registers, and every pass computes a
 * similarity with the same `dotBlock`, so the forward and both backward passes see bit-identical values.
 */
export const similarityBindings = `
${storage(1, 'anchors', 'read')}
${storage(2, 'keys', 'read')}
${storage(3, 'scaleValue', 'read')}
${storage(4, 'anchorMeta', 'read')}
${storage(5, 'keyMeta', 'read')}
// Dot products of anchors i0 .. i0+3 (rows of the result) with keys j0 .. j0+3 (components); indices past the
// last row are clamped, callers ignore those entries.
fn dotBlock(i0: u32, j0: u32) -> array<vec4<f32>, 4> {
  let dimension = p(2u);
  let lastAnchor = p(0u) - 1u;
  let lastKey = p(1u) - 1u;
  let a0 = min(i0, lastAnchor) * dimension;
  let a1 = min(i0 + 1u, lastAnchor) * dimension;
  let a2 = min(i0 + 2u, lastAnchor) * dimension;
  let a3 = min(i0 + 3u, lastAnchor) * dimension;
  let k0 = min(j0, lastKey) * dimension;
  let k1 = min(j0 + 1u, lastKey) * dimension;
  let k2 = min(j0 + 2u, lastKey) * dimension;
  let k3 = min(j0 + 3u, lastKey) * dimension;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var d = 0u; d < dimension; d++) {
    let kv = vec4<f32>(keys[k0 + d], keys[k1 + d], keys[k2 + d], keys[k3 + d]);
    acc0 += anchors[a0 + d] * kv;
    acc1 += anchors[a1 + d] * kv;
    acc2 += anchors[a2 + d] * kv;
    acc3 += anchors[a3 + d] * kv;
  }
  return array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
}
fn isExcluded(i: u32, j: u32) -> bool { return anchorMeta[2u * i] == keyMeta[2u * j]; }
fn isPositive(i: u32, j: u32) -> bool { return anchorMeta[2u * i + 1u] == keyMeta[2u * j + 1u]; }`;

/**
 * One key tile of the forward: per anchor row, an online log-sum-exp over the denominator in the exact form
 * `max + log1p(rest)`: `stats` [n, 6] carries (max, copies of the max, sum of exp(s - max) over the others,
 * sum of positive logits minus the first positive's, positive count, the first positive's logit) from tile to
 * tile. The positives are summed relative to the first one: at temperature 1e-6 the logits are ~1e6 and a plain
 * sum would cancel away the gaps' digits. One thread per 4 anchor rows; no [n, m] value is
 * ever stored.
 */
export const similarityForwardTileShader: KernelSource = {
  key: 'similarity:forward-tile',
  code: () => `${prelude}
${similarityBindings}
${storage(6, 'stats', 'read_write')}
struct RowState { best: f32, copies: f32, rest: f32, positiveSum: f32, positiveCount: f32, positiveRef: f32 }
fn accumulate(state: ptr<function, RowState>, s: f32, positive: bool) {
  if (positive) {
    if ((*state).positiveCount == 0.0) { (*state).positiveRef = s; }
    (*state).positiveSum += s - (*state).positiveRef;
    (*state).positiveCount += 1.0;
    if (p(5u) == 0u) { return; }
  }
  if ((*state).copies == 0.0 || s > (*state).best) {
    (*state).rest = select(0.0, ((*state).rest + (*state).copies) * exp((*state).best - s), (*state).copies > 0.0);
    (*state).best = s;
    (*state).copies = 1.0;
  } else if (s == (*state).best) {
    (*state).copies += 1.0;
  } else {
    (*state).rest += exp(s - (*state).best);
  }
}
${entryPoint}
  let n = p(0u);
  let i0 = 4u * index;
  if (i0 >= n) { return; }
  let rows = min(4u, n - i0);
  let begin = p(3u);
  let end = p(4u);
  let scale = scaleValue[0];
  var states: array<RowState, 4>;
  for (var r = 0u; r < rows; r++) {
    let at = 6u * (i0 + r);
    if (begin > 0u) {
      states[r] = RowState(stats[at], stats[at + 1u], stats[at + 2u], stats[at + 3u], stats[at + 4u], stats[at + 5u]);
    } else {
      states[r] = RowState(0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    }
  }
  for (var j = begin; j < end; j += 4u) {
    let block = dotBlock(i0, j);
    let keysHere = min(4u, end - j);
    for (var r = 0u; r < rows; r++) {
      for (var t = 0u; t < keysHere; t++) {
        if (isExcluded(i0 + r, j + t)) { continue; }
        accumulate(&states[r], block[r][t] * scale, isPositive(i0 + r, j + t));
      }
    }
  }
  for (var r = 0u; r < rows; r++) {
    let at = 6u * (i0 + r);
    let state = states[r];
    stats[at] = state.best;
    stats[at + 1u] = state.copies;
    stats[at + 2u] = state.rest;
    stats[at + 3u] = state.positiveSum;
    stats[at + 4u] = state.positiveCount;
    stats[at + 5u] = state.positiveRef;
  }
}`,
};

/**
 * Per-row results from `stats`: `rowLosses = (max - mean positive) + log1p(rest + copies - 1)` (0 without a
 * positive), `positiveCounts`, `logSumExp = max + log1p(...)`. Parameters: 0 n.
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
  let copies = stats[6u * i + 1u];
  let best = select(negativeInfinity(), stats[6u * i], copies > 0.0);
  let log1pRest = log1pPrecise(stats[6u * i + 2u] + (copies - 1.0));
  let positiveCount = stats[6u * i + 4u];
  // max - mean positive = (max - first positive) - mean (positive - first positive): no 1e6-sized cancellation.
  let positiveGap = (best - stats[6u * i + 5u]) - stats[6u * i + 3u] / max(positiveCount, 1.0);
  rowLosses[i] = select(0.0, positiveGap + log1pRest, positiveCount > 0.0);
  positiveCounts[i] = positiveCount;
  logSumExp[i] = best + log1pRest;
}`,
};
