/**
 * Core's memory and multi-worker forms on the backend under test, against the same backend's unchunked,
 * single-worker results (so a backend's own rounding cancels and the forms alone are judged):
 * - `chunked/<loss>`: `withChunking(backend, { blockRows: 3 })` over 10 samples (ragged last block);
 * - `data-parallel/<loss>/<K>`: K workers (2, 4) each run the local-loss form on their rows against all gathered
 *   rows; their losses are summed and their gradients combined as a reduce-scatter would (own rows' gradient
 *   plus every worker's gradient of the gathered copy of those rows; CLIP's logit scale summed).
 */
import { clip, localClip, localNtXent, localSupCon, ntXent, supCon, withChunking, type TensorBackend } from '@contrastive/core';
import type { CaseRegistry } from '../case-registry.js';
import type { ActualTensor } from '../compare-values.js';
import { compareEvaluations } from '../compare-values.js';
import { evaluateLoss, type AnyLossDefinition, type Evaluation } from '../evaluate-loss.js';
import type { HostInputs, HostTensor } from '../fixture-types.js';
import { RandomSource } from '../random-source.js';
import { tolerances } from '../tolerances.js';

const samples = 10;
const width = 6;
const labels = [0, 1, 2, 0, 1, 3, 0, 4, 4, 1];

interface ScaleForm {
  readonly full: AnyLossDefinition;
  readonly local: AnyLossDefinition;
  readonly options: Readonly<Record<string, unknown>>;
  /** Inputs of the full batch. */
  readonly inputs: (random: RandomSource) => HostInputs;
  /** Row-sliced inputs whose gathered copy is `gathered[name]` (gradients of both are combined). */
  readonly gathered: Readonly<Record<string, string>>;
  /** Inputs every worker gets whole (CLIP's logit scale; its gradient is summed). */
  readonly shared?: readonly string[];
}

const asAny = (definition: unknown) => definition as AnyLossDefinition;
const matrix = (random: RandomSource): HostTensor => random.gaussianTensor([samples, width]);

const forms: Readonly<Record<string, ScaleForm>> = {
  'nt-xent': {
    full: asAny(ntXent), local: asAny(localNtXent), options: { temperature: 0.2 },
    inputs: (random) => ({ anchors: matrix(random), positives: matrix(random) }),
    gathered: { anchors: 'gatheredAnchors', positives: 'gatheredPositives' },
  },
  clip: {
    full: asAny(clip), local: asAny(localClip), options: {},
    inputs: (random) => ({ anchors: matrix(random), positives: matrix(random), logitScale: { values: [14], shape: [] } }),
    gathered: { anchors: 'gatheredAnchors', positives: 'gatheredPositives' },
    shared: ['logitScale'],
  },
  'sup-con': {
    full: asAny(supCon), local: asAny(localSupCon), options: { temperature: 0.1 },
    inputs: (random) => ({ embeddings: matrix(random), labels: { values: labels, shape: [samples] } }),
    gathered: { embeddings: 'gatheredEmbeddings', labels: 'gatheredLabels' },
  },
};

/** Contiguous row ranges of `rows` split over `workers` (sizes differ by at most one). */
function splitRows(rows: number, workers: number): { offset: number; count: number }[] {
  const base = Math.floor(rows / workers);
  const ranges: { offset: number; count: number }[] = [];
  for (let k = 0, offset = 0; k < workers; k++) {
    const count = base + (k < rows % workers ? 1 : 0);
    ranges.push({ offset, count });
    offset += count;
  }
  return ranges;
}

const sliceRows = (tensor: HostTensor, offset: number, count: number): HostTensor => {
  const rowSize = tensor.shape.slice(1).reduce((a, b) => a * b, 1);
  return { values: Array.from(tensor.values).slice(offset * rowSize, (offset + count) * rowSize), shape: [count, ...tensor.shape.slice(1)] };
};

async function dataParallel<T>(backend: TensorBackend<T>, form: ScaleForm, inputs: HostInputs, workers: number): Promise<Evaluation> {
  const ranges = splitRows(samples, workers);
  const results = await Promise.all(ranges.map(({ offset, count }) => {
    const local: Record<string, HostTensor> = {};
    for (const [name, gatheredName] of Object.entries(form.gathered)) {
      local[name] = sliceRows(inputs[name]!, offset, count);
      local[gatheredName] = inputs[name]!;
    }
    for (const name of form.shared ?? []) local[name] = inputs[name]!;
    return evaluateLoss(backend, form.local, local, { ...form.options, rowOffset: offset });
  }));
  const loss = results.reduce((sum, r) => sum + Number(r.outputs['loss']!.values[0]), 0);
  const gradients: Record<string, ActualTensor> = {};
  for (const [name, gatheredName] of Object.entries(form.gathered)) {
    const full = inputs[name]!;
    if (!results[0]!.gradients[name]) continue; // integer labels: no gradient
    const rowSize = full.shape.slice(1).reduce((a, b) => a * b, 1);
    const values = new Float64Array(full.values.length);
    ranges.forEach(({ offset, count }, k) => {
      const own = results[k]!.gradients[name]!.values;
      for (let i = 0; i < count * rowSize; i++) values[offset * rowSize + i] = Number(own[i]);
    });
    for (const result of results) {
      const gatheredGradient = result.gradients[gatheredName]!.values;
      for (let i = 0; i < values.length; i++) values[i] = values[i]! + Number(gatheredGradient[i]);
    }
    gradients[name] = { shape: [...full.shape], values };
  }
  for (const name of form.shared ?? []) {
    gradients[name] = { shape: [...inputs[name]!.shape], values: [results.reduce((sum, r) => sum + Number(r.gradients[name]!.values[0]), 0)] };
  }
  return { outputs: { loss: { shape: [], values: [loss] } }, gradients };
}

export function registerScaleForms<T>(registry: CaseRegistry<T>): void {
  for (const [name, form] of Object.entries(forms)) {
    registry.test(`chunked/${name}`, async (backend) => {
      const inputs = form.inputs(new RandomSource(`chunked/${name}`));
      const expected = await evaluateLoss(backend, form.full, inputs, form.options);
      const actual = await evaluateLoss(withChunking(backend, { blockRows: 3 }), form.full, inputs, form.options);
      compareEvaluations(actual, expected, tolerances[backend.capabilities.precision]);
    });
    for (const workers of [2, 4]) {
      const id = `data-parallel/${name}/${workers}`;
      registry.test(id, async (backend) => {
        const inputs = form.inputs(new RandomSource(id));
        const expected = await evaluateLoss(backend, form.full, inputs, form.options);
        const actual = await dataParallel(backend, form, inputs, workers);
        compareEvaluations(actual, expected, tolerances[backend.capabilities.precision]);
      });
    }
  }
}
