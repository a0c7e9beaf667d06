import {
  ContrastiveInputError,
  formatShape,
  type SimilarityCrossEntropy,
  type SimilarityCrossEntropyGradients,
  type SimilarityCrossEntropySaved,
  type TensorBackend,
} from '@contrastive/core';
import type { GpuTensor } from './gpu-tensor.js';
import { similarityColumnBackwardShader, similarityPrepareShader, similarityRowBackwardShader } from './shaders/similarity-backward-shaders.js';
import { similarityFinalizeShader, similarityForwardTileShader } from './shaders/similarity-forward-shaders.js';
import type { WebGpuContext } from './webgpu-context.js';

/**
 * Default multiply-adds per dispatch: a pass is split into tiles of keys (or anchors) so that no single dispatch
 * runs long enough to trip a browser's GPU watchdog, whatever N is.
 */
export const defaultWorkPerDispatch = 2 ** 27;

function tileRanges(total: number, rows: number, dimension: number, workPerDispatch: number): Array<[number, number]> {
  const extent = Math.max(4, Math.floor(workPerDispatch / Math.max(1, rows * dimension) / 4) * 4);
  const out: Array<[number, number]> = [];
  for (let begin = 0; begin < total; begin += extent) out.push([begin, Math.min(total, begin + extent)]);
  return out;
}

/**
 * The fused, tiled `similarityCrossEntropy` (core's closed list of overrides). The forward streams key tiles
 * through an online, log1p-exact log-sum-exp per anchor row; the backward recomputes each similarity from the
 * inputs and the per-row statistics. Memory is O((n + m) D): no [n, m] buffer exists at any point.
 */
export function fusedSimilarityCrossEntropy(
  context: WebGpuContext,
  b: TensorBackend<GpuTensor>,
  workPerDispatch = defaultWorkPerDispatch,
): SimilarityCrossEntropy<GpuTensor> {
  const runner = context.runner;
  const tiles = (total: number, rows: number, dimension: number) => tileRanges(total, rows, dimension, workPerDispatch);
  return {
    // For core's memory guard: no matrix of the similarity's size is ever allocated (stats and gradients are O(N D)).
    workingMatrices: () => 0,

    forward(_backend, inputs) {
      const anchors = context.live(inputs.anchors);
      const keys = inputs.keysAreAnchors ? anchors : context.live(inputs.keys);
      const [n, dimension] = anchors.shape as [number, number];
      const m = keys.shape[0]!;
      if (keys.shape[1] !== dimension) {
        throw new ContrastiveInputError('keys', `dimension ${dimension} (the dimension of anchors)`, `shape ${formatShape(keys.shape)}`);
      }
      const { pairing } = inputs;
      const keyIds = b.reshape(pairing.keyIds, [m, 1]);
      const keyGroups = b.reshape(pairing.keyGroups, [m, 1]);
      const anchorMeta = b.concat([pairing.anchorIds, pairing.anchorGroups], 1);
      const keyMeta = b.concat([keyIds, keyGroups], 1);
      b.dispose(keyIds);
      b.dispose(keyGroups);
      const stats = context.allocate([n, 6]);
      const bindings = [anchors, keys, inputs.scale, anchorMeta, keyMeta, stats];
      for (const [begin, end] of tiles(m, n, dimension)) {
        runner.run(similarityForwardTileShader, [n, m, dimension, begin, end, pairing.positivesInDenominator ? 1 : 0], bindings, Math.ceil(n / 4));
      }
      const rowLosses = context.allocate([n]);
      const positiveCounts = context.allocate([n]);
      const logSumExp = context.allocate([n, 1]);
      runner.run(similarityFinalizeShader, [n], [stats, rowLosses, positiveCounts, logSumExp], n);
      const saved: SimilarityCrossEntropySaved<GpuTensor> = { inputs, logSumExp, extra: { stats, anchorMeta, keyMeta } };
      return { rowLosses, positiveCounts, saved };
    },

    backward(_backend, saved, rowWeights) {
      const { inputs, logSumExp } = saved;
      const { stats, anchorMeta, keyMeta } = saved.extra as Record<'stats' | 'anchorMeta' | 'keyMeta', GpuTensor>;
      const anchors = context.live(inputs.anchors);
      const keys = inputs.keysAreAnchors ? anchors : context.live(inputs.keys);
      const [n, dimension] = anchors.shape as [number, number];
      const m = keys.shape[0]!;
      const flag = inputs.pairing.positivesInDenominator ? 1 : 0;
      const rowInfo = context.allocate([n, 3]);
      runner.run(similarityPrepareShader, [n], [logSumExp, stats, context.live(rowWeights), rowInfo], n);
      const dAnchors = context.allocate([n, dimension]);
      const dScaleRows = context.allocate([n]);
      runner.clear(dAnchors.buffer, dAnchors.byteLength);
      runner.clear(dScaleRows.buffer, dScaleRows.byteLength);
      const shared = [anchors, keys, inputs.scale, anchorMeta!, keyMeta!, rowInfo];
      for (const [begin, end] of tiles(m, n, dimension)) {
        runner.run(similarityRowBackwardShader, [n, m, dimension, begin, end, flag], [...shared, dAnchors, dScaleRows], Math.ceil(n / 4));
      }
      const dKeys = inputs.keysAreAnchors ? dAnchors : context.allocate([m, dimension]);
      if (!inputs.keysAreAnchors) runner.clear(dKeys.buffer, dKeys.byteLength);
      for (const [begin, end] of tiles(n, m, dimension)) {
        runner.run(similarityColumnBackwardShader, [n, m, dimension, begin, end, flag], [...shared, dKeys], Math.ceil(m / 4));
      }
      context.tracker.dispose(rowInfo);
      const scale = inputs.learnableScale ? b.sum(dScaleRows, 0, false) : undefined;
      context.tracker.dispose(dScaleRows);
      const gradients: SimilarityCrossEntropyGradients<GpuTensor> = inputs.keysAreAnchors ? { anchors: dAnchors } : { anchors: dAnchors, keys: dKeys };
      return scale ? { ...gradients, scale } : gradients;
    },
  };
}
