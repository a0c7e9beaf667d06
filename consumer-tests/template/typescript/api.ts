// A consumer's TypeScript, type-checked with `tsc --noEmit` (strict) under several module settings: it imports the
// public API of every packed package and uses a few of their types. No top-level await, so the same file also
// checks as CommonJS.
import {
  ContrastiveInputError,
  computeLoss,
  computeLossAndGradients,
  createReferenceBackend,
  losses,
  ntXent,
  type LossDefinition,
  type NtXentOptions,
  type TensorBackend,
} from '@contrastive/core';
import { bundledFixturesDirectory, loadFixtures, tolerances, type FixtureFile } from '@contrastive/conformance';
import { exportOnnx, createOnnxLossRunner, type HostTensor, type OnnxLossResult, type OrtModuleLike } from '@contrastive/onnxruntime';
import { Reduction, createTfjsBackend, ntXent as tfNtXent, type TfjsLossOptions } from '@contrastive/tfjs';
import { createNodeGpuBackend, loadTfjsNodeGpu, type TfjsNodeGpuStatus } from '@contrastive/tfjs-node-gpu';
import { createWebglBackend, webglPrecision, type WebglBackendOptions } from '@contrastive/tfjs-webgl';
import { WebGpuUnavailableError, createWebGpuBackend, type WebGpuBackend, type WebGpuBackendOptions } from '@contrastive/webgpu';
import * as tf from '@tensorflow/tfjs-core';

const options: Partial<NtXentOptions> = { temperature: 0.2, reduction: 'mean' };
const definition: LossDefinition<'anchors' | 'positives', NtXentOptions> = ntXent;

export async function referenceLoss(anchors: number[], positives: number[], shape: [number, number]): Promise<number> {
  const backend = createReferenceBackend();
  const inputs = { anchors: backend.fromArray(anchors, shape), positives: backend.fromArray(positives, shape) };
  const loss = computeLoss(backend, definition, inputs, options);
  const { gradients } = computeLossAndGradients(backend, ntXent, inputs, options);
  const anchorGradients: Float64Array | Float32Array = await backend.read(gradients.anchors!);
  if (anchorGradients.length !== anchors.length) throw new Error('gradient size');
  const value: number = (await backend.read(loss))[0]!;
  return value;
}

export function lossNames(): string[] {
  return Object.keys(losses);
}

export function describeError(error: unknown): string {
  return error instanceof ContrastiveInputError || error instanceof WebGpuUnavailableError ? error.message : String(error);
}

export function genericBackend<T>(backend: TensorBackend<T>): string {
  return `${backend.capabilities.precision}`;
}

export function tfjsLoss(a: tf.Tensor2D, p: tf.Tensor2D): tf.Tensor {
  const tfOptions: TfjsLossOptions<NtXentOptions> = { temperature: 0.2, reduction: Reduction.MEAN };
  return tfNtXent(a, p, tfOptions);
}

export function tfjsCoreBackend(): TensorBackend<tf.Tensor> {
  return createTfjsBackend(tf);
}

export async function onnx(ort: OrtModuleLike, anchors: HostTensor, positives: HostTensor): Promise<Float32Array> {
  const runner = createOnnxLossRunner({ ort, sessionOptions: { executionProviders: ['cpu'] } });
  const result: OnnxLossResult<'anchors' | 'positives'> = await runner.run(ntXent, { anchors, positives }, options);
  await runner.release();
  const model: Uint8Array = exportOnnx(ntXent, options, { anchors: [4, 6], positives: [4, 6] });
  if (model.length === 0) throw new Error('empty model');
  return result.loss;
}

export async function gpu(webgpuOptions: WebGpuBackendOptions, webglOptions: WebglBackendOptions): Promise<string> {
  const webgpu: WebGpuBackend = await createWebGpuBackend(webgpuOptions);
  webgpu.destroy();
  await createWebglBackend(webglOptions);
  return webglPrecision();
}

export async function nodeGpu(): Promise<boolean> {
  const status: TfjsNodeGpuStatus = await loadTfjsNodeGpu();
  if (status.available) await createNodeGpuBackend();
  return status.available;
}

export async function fixtures(): Promise<number> {
  const files: FixtureFile[] = await loadFixtures(await bundledFixturesDirectory());
  return files.length + Object.keys(tolerances).length;
}
