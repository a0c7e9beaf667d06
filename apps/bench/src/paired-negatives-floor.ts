/**
 * The paired floor of InfoNCE with paired negatives (`info-nce-paired`: anchors `a`, positives `p` [N, D],
 * negatives `k` [N, M, D]): the loss's unavoidable products as one ONNX graph, run as one step beside the loss
 * (`measurePairedFloor`, `paired-floor.ts`). The strict floor of this loss comes from the rate of tiny batched dot
 * products sampled in other processes, which spread 2.6x within one run; timed in the same rounds as the loss, the
 * ratio is free of that drift.
 *
 * Measured (onnxruntime-node, 2 threads, N = 4096, M = 16, D = 128, load 4.2-5.3 on the shared 2-core VM): the same
 * products as batched MatMuls (`k @ a`, `G @ k`, `G @ a` on [N, ., .] batches, a hand-built graph interleaved with
 * this one, 21-25 rounds, three runs) took 0.90-1.02x this graph's time (median per round): no clear gain, so the
 * floor keeps the Mul + ReduceSum form the loss itself uses. ORT's profile of this graph (same load): ~21 ms
 * `model_run`; the two broadcast products with their sums ~22 ms of node time, the outer product 1.5 ms.
 */
import { buildModel, createTracingBackend, encodeModel, type OnnxTensor, type TracingBackend } from '@contrastive/onnxruntime';
import { seededUniform } from './loss-inputs.js';
import { loadOrt } from './ort-setup.js';

/** The shapes of the paired-negatives loss: anchors [N, D], negatives [N, M, D]. */
export interface PairedNegativesShape {
  /** N: anchors (and positives). */
  readonly rows: number;
  readonly dimension: number;
  /** M: negatives per anchor. */
  readonly negatives: number;
}

/** A traced floor graph: its fed inputs and its named outputs (see {@link pairedNegativesFloorGraph}). */
export interface FloorGraph {
  /** Fed inputs: anchors [N, D], positives [N, D], negatives [N, M, D], positiveWeights [N, 1], negativeWeights [N, M]. */
  readonly inputs: readonly { readonly name: string; readonly shape: readonly number[]; readonly tensor: OnnxTensor }[];
  readonly outputs: readonly { readonly name: string; readonly tensor: OnnxTensor }[];
}

/**
 * The products every forward + backward of InfoNCE with paired negatives must compute, written as the loss's own
 * graph writes them (core's `pairedCrossEntropyForward` / `Backward`: core's `matmul` is rank 2, so the dots are a
 * broadcast Mul and a ReduceSum, not a batched MatMul), each a distinct output so that no optimisation merges them:
 * - `positiveLogits` [N]: `sum_d a p` (the target logits);
 * - `negativeLogits` [N, M]: `sum_d a[n, 1, :] k[n, m, :]` (`[N, 1, D] x [N, D, M]`, 2 N M D flops);
 * - `anchorsGrad` [N, D]: `g0 p + sum_m G[n, m, 1] k` (`[N, 1, M] x [N, M, D]` plus the positive part);
 * - `positivesGrad` [N, D]: `g0 a`;
 * - `negativesGrad` [N, M, D]: `G[n, m, 1] a[n, 1, :]`, an outer product that writes N M D floats (32 MiB at
 *   N = 4096, M = 16, D = 128): the real cost, whatever the flops say.
 * The weights `g0` [N, 1] and `G` [N, M] stand for the loss's softmax coefficients (fed, not computed). Nothing
 * else: the loss's normalisation of the negatives, its exponentials and shift are its own overhead over this floor.
 * The 32 MiB output comes last, as the loss's gradient of the negatives does: onnxruntime-node copies each output
 * into a fresh ArrayBuffer, and with it first or in the middle the run spent 10.6-14.1 ms outside ORT's
 * `model_run` against 4.4-5.3 ms last (the loss's own: ~5 ms; gc before each run, 21 interleaved rounds, twice).
 *
 * @example
 * const graph = pairedNegativesFloorGraph(createTracingBackend(), { rows: 4096, dimension: 128, negatives: 16 });
 * graph.outputs.map((o) => o.tensor.shape); // [4096], [4096, 16], [4096, 128], [4096, 128], [4096, 16, 128]
 *
 * @see docs/contributing/decisions/0010-paired-negatives.md (the loss's own graph)
 */
export function pairedNegativesFloorGraph(tracing: TracingBackend, shape: PairedNegativesShape): FloorGraph {
  const { rows, dimension, negatives } = shape;
  const inputs: FloorGraph['inputs'][number][] = [];
  const input = (name: string, inputShape: number[]) => {
    const tensor = tracing.placeholder(name, inputShape);
    inputs.push({ name, shape: inputShape, tensor });
    return tensor;
  };
  const anchors = input('anchors', [rows, dimension]);
  const positives = input('positives', [rows, dimension]);
  const negativeRows = input('negatives', [rows, negatives, dimension]);
  const positiveWeights = input('positiveWeights', [rows, 1]);
  const negativeWeights = input('negativeWeights', [rows, negatives]);
  const anchorRows = tracing.reshape(anchors, [rows, 1, dimension]);
  const weightColumn = tracing.reshape(negativeWeights, [rows, negatives, 1]);
  const weightedNegatives = tracing.sum(tracing.mul(weightColumn, negativeRows), 1, false);
  return {
    inputs,
    outputs: [
      { name: 'positiveLogits', tensor: tracing.sum(tracing.mul(anchors, positives), 1, false) },
      { name: 'negativeLogits', tensor: tracing.sum(tracing.mul(anchorRows, negativeRows), 2, false) },
      { name: 'anchorsGrad', tensor: tracing.add(tracing.mul(positiveWeights, positives), weightedNegatives) },
      { name: 'positivesGrad', tensor: tracing.mul(positiveWeights, anchors) },
      { name: 'negativesGrad', tensor: tracing.mul(weightColumn, anchorRows) },
    ],
  };
}

/**
 * {@link pairedNegativesFloorGraph} as ONNX bytes (every input fed at run time, `dataAs: 'input'`), with the
 * inputs' shapes by name.
 *
 * @example
 * const { bytes, inputShapes } = pairedNegativesFloorModel({ rows: 4096, dimension: 128, negatives: 16 });
 * inputShapes['negatives']; // [4096, 16, 128]
 */
export function pairedNegativesFloorModel(shape: PairedNegativesShape): { bytes: Uint8Array; inputShapes: Record<string, readonly number[]> } {
  const graph = pairedNegativesFloorGraph(createTracingBackend({ name: 'paired-negatives-floor' }), shape);
  const { model } = buildModel({ outputs: [...graph.outputs], dataAs: 'input', inputs: graph.inputs.map((i) => i.tensor) });
  const inputShapes = Object.fromEntries(graph.inputs.map((i) => [i.name, i.shape]));
  return { bytes: encodeModel(model), inputShapes };
}

/**
 * {@link pairedNegativesFloorGraph} on onnxruntime-node (2 intra-op threads, as the loss's cell), with random
 * feeds, as one step: one `session.run` per call, like the loss. `release` frees the session.
 *
 * @example
 * const floor = await ortPairedNegativesFloorStep({ rows: 4096, dimension: 128, negatives: 16 });
 * await floor.run();
 * await floor.release();
 */
export async function ortPairedNegativesFloorStep(shape: PairedNegativesShape): Promise<{ run: () => Promise<Record<string, { data: unknown; dims?: readonly number[] }>>; release: () => Promise<void> }> {
  const { ort, sessionOptions } = await loadOrt('ort-node');
  const { bytes, inputShapes } = pairedNegativesFloorModel(shape);
  const session = await ort.InferenceSession.create(bytes, sessionOptions);
  const random = seededUniform(11);
  const feeds = Object.fromEntries(Object.entries(inputShapes).map(([name, dims]) => {
    const values = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => random() - 0.5);
    return [name, new ort.Tensor('float32', values, dims)];
  }));
  return { run: () => session.run(feeds), release: () => session.release() };
}
