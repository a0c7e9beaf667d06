/**
 * The matmul rate of the fastest sgemm engines Node has, at the shapes of the losses: the forward similarity
 * `[R, D] @ [D, R]` and the backward `[R, R] @ [R, D]`, on onnxruntime-node (MatMul, 2 intra-op threads; the
 * forward as `a @ b^T`, the layout the losses use) and tfjs wasm (`tf.matMul`, XNNPACK, 1 thread; both in the
 * plain layout, since its transposed paths are ~10x slower). The forward product is followed by a row sum, so
 * its R x R result is not copied out to JavaScript (a copy the losses never make); the sum is one cheap pass.
 */
import { buildModel, createTracingBackend, encodeModel } from '@contrastive/onnxruntime';
import { seededUniform } from './loss-inputs.js';
import { median } from './statistics.js';
import { loadOrt } from './ort-setup.js';
import { tf, useTfjsBackend } from './tfjs-setup.js';

export interface MatmulShape {
  readonly rows: number;
  readonly dimension: number;
}

export interface MatmulRate extends MatmulShape {
  /** FLOP/s of the forward-shaped and backward-shaped products (2 R^2 D flops each). */
  readonly forwardFlopsPerSecond: number;
  readonly backwardFlopsPerSecond: number;
  readonly forwardMs: number;
  readonly backwardMs: number;
  readonly runs: number;
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

async function ortRate(shape: MatmulShape, runs: number): Promise<MatmulRate> {
  const { ort, sessionOptions } = await loadOrt('ort-node');
  const { rows, dimension } = shape;
  const timeProduct = async (aShape: number[], bShape: number[], transposeB: boolean) => {
    const tracing = createTracingBackend({ name: 'matmul' });
    const a = tracing.placeholder('a', aShape);
    const b = tracing.placeholder('b', bShape);
    const product = tracing.matmul(a, b, { transposeB });
    const output = transposeB ? tracing.sum(product, 1, false) : product;
    const { model } = buildModel({ outputs: [{ name: 'c', tensor: output }], dataAs: 'input', inputs: [a, b] });
    const session = await ort.InferenceSession.create(encodeModel(model), sessionOptions);
    const feeds = { a: new ort.Tensor('float32', randomValues(aShape[0]! * aShape[1]!), aShape), b: new ort.Tensor('float32', randomValues(bShape[0]! * bShape[1]!), bShape) };
    const ms = await medianMs(() => session.run(feeds), runs);
    await session.release();
    return ms;
  };
  const forwardMs = await timeProduct([rows, dimension], [rows, dimension], true);
  const backwardMs = await timeProduct([rows, rows], [rows, dimension], false);
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

/** Rates for every shape on one engine (one child process per engine). */
export async function runMatmulCell(engine: 'ort-node' | 'tfjs-wasm', shapes: readonly MatmulShape[]): Promise<Record<string, unknown>> {
  const rates: MatmulRate[] = [];
  for (const shape of shapes) {
    const runs = shape.rows >= 4096 ? 3 : 5;
    rates.push(engine === 'ort-node' ? await ortRate(shape, runs) : await tfjsWasmRate(shape, runs));
  }
  return { rates };
}
