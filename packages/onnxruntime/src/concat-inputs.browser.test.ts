/**
 * Concatenations of many tensors on onnxruntime-web's WebGPU provider (Chromium, SwiftShader adapter). ORT 1.30 binds
 * each Concat input as a storage buffer; at 8 inputs or more (with the output, over WebGPU's default 8 per shader
 * stage) the node came back as zeros with no error. The tracing backend joins more than `maximumConcatInputs` as a
 * tree of Concats; here `concat` of k parts `(i + 1) x` must give exactly those parts, on WebGPU and on wasm.
 */
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { buildModel } from './model-builder.js';
import { encodeModel } from './onnx-schema.js';
import { createTracingBackend, maximumConcatInputs } from './tracing-backend.js';

ort.env.wasm.numThreads = 1;
const x = Float32Array.of(1.5, -2);

async function concatenated(parts: number, provider: 'webgpu' | 'wasm') {
  const backend = createTracingBackend({ name: 'concat' });
  const input = backend.placeholder('x', [2, 1]);
  const pieces = Array.from({ length: parts }, (_, i) => backend.mul(input, backend.fill([], i + 1)));
  const { model } = buildModel({ outputs: [{ name: 'y', tensor: backend.concat(pieces, 0) }], dataAs: 'initializer', inputs: [input] });
  const widest = Math.max(...model.graph.node.filter((node) => node.op_type === 'Concat').map((node) => node.input.length));
  const session = await ort.InferenceSession.create(encodeModel(model), { executionProviders: [provider], logSeverityLevel: 3 });
  const { y } = await session.run({ x: new ort.Tensor('float32', x, [2, 1]) });
  await session.release();
  return { values: Array.from(y!.data as Float32Array), widest };
}

describe.each(['webgpu', 'wasm'] as const)('concat of many parts on onnxruntime-web %s', (provider) => {
  it.each([2, 7, 8, 9, 16, 50])('%i parts come back in order, each (i + 1) x', async (parts) => {
    const { values, widest } = await concatenated(parts, provider);
    expect(widest).toBeLessThanOrEqual(maximumConcatInputs);
    expect(values).toEqual(Array.from({ length: parts }, (_, i) => Array.from(x, (v) => (i + 1) * v)).flat());
  });
});
