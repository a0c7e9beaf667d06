/**
 * ONNX Runtime in a cell's child process: a loss traced (forward + analytic backward) into one graph with
 * @contrastive/onnxruntime's public exports, a session, and feeds. Unchunked cells use `traceLoss` as is;
 * chunked ones trace core's `withChunking` over `createTracingBackend` the same way, with the id tables fed as
 * inputs (`dataAs: 'input'`) so ORT's constant folding does not materialise every block's masks.
 */
import { computeLossAndGradients, withChunking, type LossDefinition, type LossInputs } from '@contrastive/core';
import { buildModel, createTracingBackend, encodeModel, traceLoss, type OnnxTensor } from '@contrastive/onnxruntime';
import type { LossEngine } from './bench-plan.js';
import type { HostTensor } from './loss-inputs.js';

export interface OrtLike {
  readonly InferenceSession: { create(bytes: Uint8Array, options?: object): Promise<OrtSession> };
  readonly Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => unknown;
}
export interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown }>>;
  release(): Promise<void>;
}

/** The runtime module and session options of an ORT engine (2 intra-op threads native; wasm single-threaded). */
export async function loadOrt(engine: LossEngine | 'ort-node'): Promise<{ ort: OrtLike; sessionOptions: object; threads: number }> {
  if (engine === 'ort-node') {
    const ort = (await import('onnxruntime-node')) as unknown as OrtLike;
    return { ort, sessionOptions: { executionProviders: ['cpu'], intraOpNumThreads: 2, graphOptimizationLevel: 'all' }, threads: 2 };
  }
  const web = await import('onnxruntime-web');
  web.env.wasm.numThreads = 1;
  return { ort: web as unknown as OrtLike, sessionOptions: { executionProviders: ['wasm'], graphOptimizationLevel: 'all' }, threads: 1 };
}

export interface TracedGraph {
  readonly bytes: Uint8Array;
  /** Constant feeds (id tables) of chunked graphs. */
  readonly constantFeeds: readonly { readonly name: string; readonly values: Float32Array; readonly shape: readonly number[] }[];
  readonly outputNames: readonly string[];
}

/**
 * Traces `definition` at the shapes of `host`, optionally in blocks of `blockRows` anchor rows (core's
 * `withChunking`), or with the fused kernel's `maxBlockBytes`.
 */
export function traceGraph(definition: LossDefinition<string, object>, options: object, host: Record<string, HostTensor>, blockRows?: number, maxBlockBytes?: number): TracedGraph {
  const shapes = Object.fromEntries(Object.entries(host).map(([name, t]) => [name, t.shape]));
  if (!blockRows) {
    const traced = traceLoss(definition, options, shapes, maxBlockBytes === undefined ? {} : { maxBlockBytes });
    return { bytes: encodeModel(traced.model), constantFeeds: [], outputNames: traced.outputNames };
  }
  const tracing = createTracingBackend({ name: 'onnxruntime' });
  const placeholders = Object.entries(shapes).map(([name, shape]) => tracing.placeholder(name, shape));
  const inputs = Object.fromEntries(placeholders.map((p, i) => [Object.keys(shapes)[i]!, p])) as LossInputs<OnnxTensor, string>;
  const { loss, gradients } = computeLossAndGradients(withChunking(tracing, { blockRows }), definition, inputs, options);
  const outputs = [{ name: 'loss', tensor: loss }];
  for (const name of definition.gradientInputs) {
    const gradient = gradients[name];
    if (gradient) outputs.push({ name: `grad_${name}`, tensor: gradient });
  }
  const built = buildModel({ outputs, dataAs: 'input', inputs: placeholders, graphName: `${definition.name}-chunked` });
  return { bytes: encodeModel(built.model), constantFeeds: built.feeds, outputNames: outputs.map((o) => o.name) };
}

/** Feeds for a session: the host inputs (only those the graph takes) plus the graph's constant feeds. */
export function feedsFor(ort: OrtLike, host: Record<string, HostTensor>, graph: TracedGraph): Record<string, unknown> {
  const feeds: Record<string, unknown> = {};
  for (const [name, t] of Object.entries(host)) feeds[name] = new ort.Tensor('float32', t.values, [...t.shape]);
  for (const feed of graph.constantFeeds) feeds[feed.name] = new ort.Tensor('float32', feed.values, [...feed.shape]);
  return feeds;
}
