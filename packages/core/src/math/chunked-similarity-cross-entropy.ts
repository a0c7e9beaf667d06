import { composedWorkingMatrices } from '../contract/working-set.js';
import type { WorkingSetQuery } from './similarity-cross-entropy.js';
import { checkBackend } from '../contract/check-call.js';
import { ContrastiveInputError } from '../errors.js';
import { describe } from '../options.js';
import type { TensorBackend } from '../tensor-backend.js';
import { similarityBlockForward, similarityBlockGradient } from './similarity-block.js';
import type { Pairing, SimilarityCrossEntropy, SimilarityCrossEntropyInputs } from './similarity-cross-entropy.js';

/**
 * The similarity cross-entropy evaluated in blocks of anchor rows (the Inf-CL scheme, Cheng et al. 2024):
 * the forward keeps only per-row statistics (log-sum-exp, positive counts); the backward recomputes each block's
 * logits. Extra memory is O(blockRows x m + (n + m) x D) instead of O(n x m). Same math as the composed kernel;
 * every block runs in its own scope, so at most one block's intermediates are alive at a time.
 *
 * @param blockRows - Anchor rows per block, an integer >= 1.
 *
 * @example
 * const backend = { ...base, fused: { similarityCrossEntropy: chunkedSimilarityCrossEntropy(1024) } };
 *
 * @see [Guarantees](/guides/guarantees)
 */
export function chunkedSimilarityCrossEntropy<T>(blockRows: number): SimilarityCrossEntropy<T> {
  return {
    forward(b, inputs) {
      const keys = inputs.keysAreAnchors ? inputs.anchors : inputs.keys;
      const parts: { rowLosses: T; positiveCounts: T; logSumExp: T }[] = [];
      forEachBlock(b, inputs, (anchors, pairing) => {
        const block = similarityBlockForward(b, anchors, keys, inputs.scale, pairing);
        return { rowLosses: block.rowLosses, positiveCounts: block.positiveCounts, logSumExp: block.logSumExp };
      }, (part) => parts.push(part));
      const joined = (key: 'rowLosses' | 'positiveCounts' | 'logSumExp') => b.concat(parts.map((p) => p[key]), 0);
      const result = { rowLosses: joined('rowLosses'), positiveCounts: joined('positiveCounts'), logSumExp: joined('logSumExp') };
      for (const part of parts) for (const tensor of Object.values(part)) b.dispose(tensor);
      return {
        rowLosses: result.rowLosses,
        positiveCounts: result.positiveCounts,
        saved: { inputs, logSumExp: result.logSumExp, extra: undefined },
      };
    },
    backward(b, saved, rowWeights) {
      const { inputs } = saved;
      const keys = inputs.keysAreAnchors ? inputs.anchors : inputs.keys;
      let keyGradient: T | undefined;
      let scaleGradient: T | undefined;
      let start = 0;
      const anchorParts: T[] = [];
      forEachBlock(b, inputs, (anchors, pairing, rows) => {
        const logSumExp = b.slice(saved.logSumExp, [start, 0], [rows, 1]);
        const weights = b.slice(rowWeights, [start], [rows]);
        start += rows;
        const block = similarityBlockForward(b, anchors, keys, inputs.scale, pairing);
        const grad = similarityBlockGradient(b, block, logSumExp, weights);
        return {
          anchors: b.mul(b.matmul(grad, keys), inputs.scale),
          keys: b.mul(b.matmul(grad, anchors, { transposeA: true }), inputs.scale),
          scale: inputs.learnableScale ? b.sum(b.sum(b.mul(grad, block.logits), 1, false), 0, false) : undefined,
        };
      }, (part) => {
        anchorParts.push(part.anchors);
        keyGradient = accumulate(b, keyGradient, part.keys);
        if (part.scale !== undefined) scaleGradient = accumulate(b, scaleGradient, part.scale);
      });
      const anchorGradient = b.concat(anchorParts, 0);
      for (const part of anchorParts) b.dispose(part);
      const scale = scaleGradient === undefined ? undefined : b.div(scaleGradient, inputs.scale);
      if (inputs.keysAreAnchors) {
        const anchors = b.add(anchorGradient, keyGradient!);
        return scale ? { anchors, scale } : { anchors };
      }
      return scale ? { anchors: anchorGradient, keys: keyGradient!, scale } : { anchors: anchorGradient, keys: keyGradient! };
    },
  };

  /** Runs `fn` on each block of anchor rows in its own scope and hands the kept result to `consume` at once. */
  function forEachBlock<R>(
    b: TensorBackend<T>,
    inputs: SimilarityCrossEntropyInputs<T>,
    fn: (anchors: T, pairing: Pairing<T>, rows: number) => R,
    consume: (result: R) => void,
  ): void {
    const [n, dimension] = b.shape(inputs.anchors) as [number, number];
    for (let first = 0; first < n; first += blockRows) {
      const rows = Math.min(blockRows, n - first);
      consume(
        b.scope(() => {
          const column = (ids: T) => b.slice(ids, [first, 0], [rows, 1]);
          const pairing = { ...inputs.pairing, anchorIds: column(inputs.pairing.anchorIds), anchorGroups: column(inputs.pairing.anchorGroups) };
          return fn(b.slice(inputs.anchors, [first, 0], [rows, dimension]), pairing, rows);
        }),
      );
    }
  }
}

/** `total + part`, releasing both operands. */
function accumulate<T>(b: TensorBackend<T>, total: T | undefined, part: T): T {
  if (total === undefined) return part;
  const sum = b.add(total, part);
  b.dispose(total);
  b.dispose(part);
  return sum;
}

/**
 * A backend whose `similarityCrossEntropy` runs in blocks of `blockRows` anchor rows: every InfoNCE-family loss
 * (NT-Xent, SimCLR, SupCon, CLIP, DCL, in-batch InfoNCE, the origin contrastive loss) then needs
 * O(blockRows x N) extra memory instead of O(N^2). Everything else is the wrapped backend's.
 *
 * @param backend - The backend to wrap.
 * @param options - `blockRows`: anchor rows per block, an integer >= 1 (no default).
 * @returns The same backend with a chunked `similarityCrossEntropy`.
 * @throws ContrastiveInputError for a bad backend or `blockRows`.
 *
 * @example
 * const chunked = withChunking(createReferenceBackend(), { blockRows: 1024 });
 * const loss = computeLoss(chunked, ntXent, { anchors, positives });
 *
 * @see [Guarantees](/guides/guarantees)
 */
export function withChunking<T>(backend: TensorBackend<T>, options: { readonly blockRows: number }): TensorBackend<T> {
  checkBackend(backend);
  if (options === null || typeof options !== 'object') throw new ContrastiveInputError('options', 'an object { blockRows }', describe(options));
  if (!Number.isInteger(options.blockRows) || options.blockRows < 1) {
    throw new ContrastiveInputError('options.blockRows', 'an integer >= 1', String(options.blockRows));
  }
  const chunked = chunkedSimilarityCrossEntropy<T>(options.blockRows);
  // One block of the composed kernel at a time: the resource guard scales its count by blockRows / rows.
  const workingMatrices = (set: WorkingSetQuery) => (composedWorkingMatrices * Math.min(set.rows, options.blockRows)) / set.rows;
  const fused = { ...backend.fused, similarityCrossEntropy: { ...chunked, workingMatrices } };
  return new Proxy(backend, {
    get(target, property) {
      if (property === 'fused') return fused;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
