import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clip, ContrastiveInputError, losses, ntXent, type LossDefinition } from '@contrastive/core';
import { afterAll, describe, expect, it } from 'vitest';
import { exportOnnx } from './export-onnx.js';
import { batchSize, dimension, expectGradientClose, expectLossClose, referenceLossAndGradients, sampleInputs } from './loss-samples.test-support.js';
import { decodeModel } from './onnx-schema.js';
import { ortNode, ortWeb } from './ort-runtimes.test-support.js';
import { onnxProtoText } from './schema/onnx-proto-text.js';

const allLosses = Object.values(losses) as unknown as LossDefinition<string, object>[];
const shapesOf = (inputs: Record<string, { shape: readonly number[] }>) => Object.fromEntries(Object.entries(inputs).map(([name, input]) => [name, input.shape]));
/** The ONNX ops a traced loss may contain (one per primitive, plus Cast for masks and Identity for outputs). */
const allowedOps = new Set(['Constant', 'ConstantOfShape', 'Reshape', 'Transpose', 'Slice', 'Concat', 'GatherElements', 'Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Neg', 'Abs', 'Exp', 'Log', 'Sqrt', 'Equal', 'Greater', 'Where', 'ReduceSum', 'ReduceMax', 'Sigmoid', 'MatMul', 'Gemm', 'Cast', 'Identity',
  // the fused self-similarity kernel: in-place zeroing, gathered positives, row blocks, symmetric block pairs
  'ScatterElements', 'Gather', 'Loop', 'ScatterND',
  // SupCon's run-time groups: each row's first group member (ArgMax over a uint8 mask), class sums (ScatterND adding, GatherND)
  'ArgMax', 'GatherND',
  // the fused pairwise-sigmoid kernel (SigLIP): ONNX Runtime's Softplus is stable in both tails
  'Softplus']);

const python = '/usr/bin/python3';
const checkerProbe = spawnSync(python, ['-c', 'import onnx, onnx.checker; print(onnx.__version__)'], { encoding: 'utf8' });
const checkerVersion = checkerProbe.status === 0 ? checkerProbe.stdout.trim() : undefined;
const directory = mkdtempSync(join(tmpdir(), 'contrastive-onnx-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('exportOnnx', () => {
  it('embeds exactly the vendored onnx.proto', () => {
    expect(onnxProtoText).toBe(readFileSync(new URL('./schema/onnx.proto', import.meta.url), 'utf8'));
  });

  it('writes opset 17 models with the documented input and output names', () => {
    const model = decodeModel(exportOnnx(ntXent, { temperature: 0.2 }, { anchors: [4, 8], positives: [4, 8] })) as {
      ir_version: number; opset_import: { domain?: string; version: number }[];
      graph: { input: { name: string; type: { tensor_type: { shape: { dim: { dim_value: number }[] } } } }[]; output: { name: string }[]; node: { op_type: string }[] };
    };
    expect(model.ir_version).toBe(8);
    expect(model.opset_import).toEqual([{ domain: '', version: 17 }]);
    expect(model.graph.input.map((input) => input.name)).toEqual(['anchors', 'positives']);
    expect(model.graph.input[0]!.type.tensor_type.shape.dim.map((d) => d.dim_value)).toEqual([4, 8]);
    expect(model.graph.output.map((output) => output.name)).toEqual(['loss', 'grad_anchors', 'grad_positives']);
  });

  it.each(allLosses.map((loss) => [loss.name, loss] as const))('%s: uses only the mapped ops, never ReduceLogSumExp', (_name, loss) => {
    const shapes = shapesOf(sampleInputs(loss, {}));
    const model = decodeModel(exportOnnx(loss, {}, shapes)) as { graph: { node: { op_type: string }[]; output: { name: string }[] } };
    const ops = new Set(model.graph.node.map((node) => node.op_type));
    expect([...ops].filter((op) => !allowedOps.has(op))).toEqual([]);
    expect(model.graph.output.map((output) => output.name)).toEqual(['loss', ...loss.gradientInputs.filter((name) => name in shapes).map((name) => `grad_${name}`)]);
  });

  it('rejects shapes that do not fit the loss with ContrastiveInputError', () => {
    expect(() => exportOnnx(ntXent, {}, { anchors: [4, 8], positives: [4, 7] })).toThrow(expect.objectContaining({ argument: 'positives' }));
    expect(() => exportOnnx(ntXent, {}, { anchors: [4, 8], queries: [4, 8] } as never)).toThrow(expect.objectContaining({ argument: 'shapes' }));
    expect(() => exportOnnx(ntXent, {}, { anchors: [4, -8], positives: [4, 8] })).toThrow(expect.objectContaining({ argument: 'shapes.anchors' }));
    expect(() => exportOnnx(ntXent, { temperature: 0 }, { anchors: [4, 8], positives: [4, 8] })).toThrow(ContrastiveInputError);
  });

  const checkerTitle = checkerVersion
    ? `passes the independent onnx.checker (python3-onnx ${checkerVersion}, full_check with shape inference) for every loss`
    : `passes the independent onnx.checker for every loss [skipped: ${python} cannot import onnx; install Debian's python3-onnx]`;
  it.skipIf(!checkerVersion)(checkerTitle, () => {
    const paths = allLosses.map((loss) => {
      const path = join(directory, `${loss.name}.onnx`);
      writeFileSync(path, exportOnnx(loss, {}, shapesOf(sampleInputs(loss, {}))));
      return path;
    });
    // The self-similarity kernel in row blocks: a Loop whose body captures values of the outer graph.
    const blocked = join(directory, 'nt-xent-row-blocks.onnx');
    writeFileSync(blocked, exportOnnx(ntXent, {}, { anchors: [batchSize, dimension], positives: [batchSize, dimension] }, { maxBlockBytes: 3 * 4 * 2 * batchSize }));
    paths.push(blocked);
    // CLIP in row blocks of 2 (20 blocks, a Loop): Loop nodes with two outputs, the carried sums and the scanned rows.
    const crossView = join(directory, 'clip-row-blocks.onnx');
    const clipLoss = clip as unknown as LossDefinition<string, object>;
    writeFileSync(crossView, exportOnnx(clipLoss, {}, { anchors: [40, dimension], positives: [40, dimension], logitScale: [] }, { maxBlockBytes: 2 * 40 * 4 }));
    paths.push(crossView);
    const script = 'import sys, onnx\nfor path in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(path), full_check=True)\n    print("ok", path)';
    const result = spawnSync(python, ['-c', script, ...paths], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n')).toHaveLength(paths.length);
  });

  it('gives the same numbers on onnxruntime-node and onnxruntime-web from the same .onnx file', async () => {
    const options = { temperature: 0.05 };
    const inputs = sampleInputs(ntXent as unknown as LossDefinition<string, object>, options, 9);
    const path = join(directory, 'nt-xent-shared.onnx');
    writeFileSync(path, exportOnnx(ntXent, options, { anchors: [batchSize, dimension], positives: [batchSize, dimension] }));
    const outputs = [];
    for (const ort of [ortNode, ortWeb] as const) {
      const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(path)));
      const feeds = Object.fromEntries(Object.entries(inputs).map(([name, input]) => [name, new ort.Tensor('float32', Float32Array.from(input.values), [...input.shape])]));
      const result = await session.run(feeds as never);
      outputs.push(Object.fromEntries(Object.entries(result).map(([name, tensor]) => [name, Float32Array.from(tensor.data as Float32Array)])));
      await session.release();
    }
    const [node, web] = outputs as [Record<string, Float32Array>, Record<string, Float32Array>];
    expect(Object.keys(web).sort()).toEqual(['grad_anchors', 'grad_positives', 'loss']);
    // The two runtimes use different kernels (MLAS vs wasm SIMD), so "the same" means float32 agreement.
    expectLossClose(web['loss']!, node['loss']!);
    for (const name of ['grad_anchors', 'grad_positives']) expectGradientClose(web[name]!, node[name]!, name);
    const reference = referenceLossAndGradients(ntXent as unknown as LossDefinition<string, object>, inputs, options);
    expectLossClose(node['loss']!, reference.loss);
    expectGradientClose(node['grad_anchors']!, reference.gradients['anchors']!, 'anchors');
  });
});
