/**
 * The matmul rate of the fastest sgemm engines Node has, at the shapes of the losses: the forward similarity
 * `[R, D] @ [D, R]` and the backward `[R, R] @ [R, D]`, on onnxruntime-node (MatMul, 2 intra-op threads; the
 * forward as `a @ b^T`, the layout the losses use) and tfjs wasm (`tf.matMul`, XNNPACK, 1 thread; both in the
 * plain layout, since its transposed paths are ~10x slower). The forward product is followed by a row sum, so
 * its R x R result is not copied out to JavaScript (a copy the losses never make); the sum is one cheap pass.
 */
import { buildModel, createTracingBackend, encodeModel, type OnnxTensor } from '@contrastive/onnxruntime';
import { seededUniform } from './loss-inputs.js';
import { median } from './statistics.js';
import { loadOrt } from './ort-setup.js';
import { tf, useTfjsBackend } from './tfjs-setup.js';

export interface MatmulShape {
  readonly rows: number;
  readonly dimension: number;
  /**
   * Paired negatives per row (InfoNCE with [N, M, D] negatives): then the "products" are the batched dot products
   * that loss needs, measured on onnxruntime-node as broadcast Mul + ReduceSum (the ops the traced loss uses; no
   * MatMul applies): forward `sum_d a[n, d] k[n, m, d]`, backward `d a = sum_m G k` and `d k = G a` (one graph).
   */
  readonly negatives?: number;
}

export interface MatmulRate extends MatmulShape {
  /** FLOP/s of the forward-shaped and backward-shaped products (2 R^2 D flops each; paired: 2 N M D and 4 N M D). */
  readonly forwardFlopsPerSecond: number;
  readonly backwardFlopsPerSecond: number;
  readonly forwardMs: number;
  readonly backwardMs: number;
  readonly runs: number;
  /** How many samples the rates are the fastest of (`mergeRates`); 1 when absent. */
  readonly samples?: number;
  /** The slowest forward and backward rates among the samples (the spread); absent with one sample. */
  readonly slowestForwardFlopsPerSecond?: number;
  readonly slowestBackwardFlopsPerSecond?: number;
}

function randomValues(count: number): Float32Array {
  const random = seededUniform(7);
  return Float32Array.from({ length: count }, () => random() - 0.5);
}

async function medianMs(step: () => unknown, runs: number): Promise<number> {
  await step();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await step();
    times.push(performance.now() - start);
  }
  return median(times);
}

function rate(shape: MatmulShape, forwardMs: number, backwardMs: number, runs: number): MatmulRate {
  const flops = 2 * shape.rows * shape.rows * shape.dimension;
  return { ...shape, forwardMs, backwardMs, runs, forwardFlopsPerSecond: flops / (forwardMs / 1000), backwardFlopsPerSecond: flops / (backwardMs / 1000) };
}

/**
 * The floor's two products on onnxruntime-node as steps (sessions built once): `forward` runs `[R, D] @ [D, R]`
 * (as `a @ b^T`, the losses' layout) and its row sum, `backward` runs `[R, R] @ [R, D]`. `release` frees both.
 *
 * @example
 * const products = await ortProductSteps({ rows: 8192, dimension: 128 });
 * await products.forward();
 */
export async function ortProductSteps(shape: MatmulShape): Promise<{ forward: () => Promise<unknown>; backward: () => Promise<unknown>; release: () => Promise<void> }> {
  const { ort, sessionOptions } = await loadOrt('ort-node');
  const { rows, dimension } = shape;
  const product = async (aShape: number[], bShape: number[], transposeB: boolean) => {
    const tracing = createTracingBackend({ name: 'matmul' });
    const a = tracing.placeholder('a', aShape);
    const b = tracing.placeholder('b', bShape);
    const output = tracing.matmul(a, b, { transposeB });
    const { model } = buildModel({ outputs: [{ name: 'c', tensor: transposeB ? tracing.sum(output, 1, false) : output }], dataAs: 'input', inputs: [a, b] });
    const session = await ort.InferenceSession.create(encodeModel(model), sessionOptions);
    const feeds = { a: new ort.Tensor('float32', randomValues(aShape[0]! * aShape[1]!), aShape), b: new ort.Tensor('float32', randomValues(bShape[0]! * bShape[1]!), bShape) };
    return { run: () => session.run(feeds), release: () => session.release() };
  };
  const forward = await product([rows, dimension], [rows, dimension], true);
  const backward = await product([rows, rows], [rows, dimension], false);
  return { forward: forward.run, backward: backward.run, release: async () => { await forward.release(); await backward.release(); } };
}

/**
 * The loss's matmuls alone as one graph, run as one step (one `session.run`, as the loss is, so a run's fixed cost
 * is paid once on both sides of a paired ratio): the forward-shaped `[R, D] @ [D, R]` with its row sum, and
 * `backwardProducts` backward-shaped `[R, R] @ [R, D]` products on distinct right-hand sides (1 for the
 * self-similarity losses' `(G + G^T) z`, 2 for the cross ones' `G p` and `G^T a`; distinct, so that no graph
 * optimisation merges them).
 *
 * @example
 * const floor = await ortFloorStep({ rows: 4096, dimension: 128 }, 2);
 * await floor.run();
 */
export async function ortFloorStep(shape: MatmulShape, backwardProducts: number): Promise<{ run: () => Promise<unknown>; release: () => Promise<void> }> {
  const { ort, sessionOptions } = await loadOrt('ort-node');
  const { rows, dimension } = shape;
  const tracing = createTracingBackend({ name: 'floor' });
  const a = tracing.placeholder('a', [rows, dimension]);
  const b = tracing.placeholder('b', [rows, dimension]);
  const g = tracing.placeholder('g', [rows, rows]);
  const rights = Array.from({ length: backwardProducts }, (_, i) => tracing.placeholder(`r${i}`, [rows, dimension]));
  const outputs = [
    { name: 'forward', tensor: tracing.sum(tracing.matmul(a, b, { transposeB: true }), 1, false) },
    ...rights.map((right, i) => ({ name: `backward${i}`, tensor: tracing.matmul(g, right) })),
  ];
  const { model } = buildModel({ outputs, dataAs: 'input', inputs: [a, b, g, ...rights] });
  const session = await ort.InferenceSession.create(encodeModel(model), sessionOptions);
  const tensor = (shape: number[]) => new ort.Tensor('float32', randomValues(shape[0]! * shape[1]!), shape);
  const feeds = { a: tensor([rows, dimension]), b: tensor([rows, dimension]), g: tensor([rows, rows]), ...Object.fromEntries(rights.map((_, i) => [`r${i}`, tensor([rows, dimension])])) };
  return { run: () => session.run(feeds), release: () => session.release() };
}

async function ortRate(shape: MatmulShape, runs: number): Promise<MatmulRate> {
  const products = await ortProductSteps(shape);
  const forwardMs = await medianMs(products.forward, runs);
  const backwardMs = await medianMs(products.backward, runs);
  await products.release();
  return rate(shape, forwardMs, backwardMs, runs);
}

async function tfjsWasmRate(shape: MatmulShape, runs: number): Promise<MatmulRate> {
  await useTfjsBackend('wasm');
  const { rows, dimension } = shape;
  const timeProduct = async (aShape: [number, number], bShape: [number, number]) => {
    const a = tf.tensor2d(randomValues(aShape[0] * aShape[1]), aShape);
    const b = tf.tensor2d(randomValues(bShape[0] * bShape[1]), bShape);
    const square = aShape[0] === bShape[1];
    const ms = await medianMs(() => tf.tidy(() => void (square ? tf.sum(tf.matMul(a, b), 1) : tf.matMul(a, b)).dataSync()), runs);
    tf.dispose([a, b]);
    return ms;
  };
  const forwardMs = await timeProduct([rows, dimension], [dimension, rows]);
  const backwardMs = await timeProduct([rows, rows], [rows, dimension]);
  return rate(shape, forwardMs, backwardMs, runs);
}

/** The batched dot products of paired negatives on onnxruntime-node (see `MatmulShape.negatives`). */
async function ortPairedRate(shape: MatmulShape & { negatives: number }, runs: number): Promise<MatmulRate> {
  const { ort, sessionOptions } = await loadOrt('ort-node');
  const { rows, dimension, negatives } = shape;
  const time = async (build: (t: ReturnType<typeof createTracingBackend>) => { inputs: OnnxTensor[]; outputs: OnnxTensor[] }, feeds: Record<string, number[]>) => {
    const tracing = createTracingBackend({ name: 'paired' });
    const graph = build(tracing);
    const { model } = buildModel({ outputs: graph.outputs.map((tensor, i) => ({ name: `y${i}`, tensor })), dataAs: 'input', inputs: graph.inputs });
    const session = await ort.InferenceSession.create(encodeModel(model), sessionOptions);
    const tensors = Object.fromEntries(Object.entries(feeds).map(([name, dims]) => [name, new ort.Tensor('float32', randomValues(dims.reduce((a, b) => a * b, 1)), dims)]));
    const ms = await medianMs(() => session.run(tensors), runs);
    await session.release();
    return ms;
  };
  const forwardMs = await time((t) => {
    const a = t.placeholder('a', [rows, 1, dimension]);
    const k = t.placeholder('k', [rows, negatives, dimension]);
    return { inputs: [a, k], outputs: [t.sum(t.mul(a, k), 2, false)] };
  }, { a: [rows, 1, dimension], k: [rows, negatives, dimension] });
  const backwardMs = await time((t) => {
    const a = t.placeholder('a', [rows, 1, dimension]);
    const k = t.placeholder('k', [rows, negatives, dimension]);
    const g = t.placeholder('g', [rows, negatives, 1]);
    return { inputs: [a, k, g], outputs: [t.sum(t.mul(g, k), 1, false), t.mul(g, a)] };
  }, { a: [rows, 1, dimension], k: [rows, negatives, dimension], g: [rows, negatives, 1] });
  const flops = 2 * rows * negatives * dimension;
  return { ...shape, forwardMs, backwardMs, runs, forwardFlopsPerSecond: flops / (forwardMs / 1000), backwardFlopsPerSecond: (2 * flops) / (backwardMs / 1000) };
}

/** Rates for every shape on one engine (one child process per engine; paired shapes on onnxruntime-node only). */
export async function runMatmulCell(engine: 'ort-node' | 'tfjs-wasm', shapes: readonly MatmulShape[]): Promise<Record<string, unknown>> {
  const rates: MatmulRate[] = [];
  for (const shape of shapes) {
    const runs = shape.rows >= 4096 ? 5 : 7;
    if (shape.negatives !== undefined) {
      if (engine === 'ort-node') rates.push(await ortPairedRate({ ...shape, negatives: shape.negatives }, runs));
      continue;
    }
    rates.push(engine === 'ort-node' ? await ortRate(shape, runs) : await tfjsWasmRate(shape, runs));
  }
  return { rates };
}
