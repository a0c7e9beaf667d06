import { it, expect } from 'vitest';
import * as ort from 'onnxruntime-node';
import { computeLossAndGradients, createReferenceBackend, ntXent } from '@contrastive/core';
import { createOnnxRuntimeBackend } from './index.js';

it('smoke', async () => {
  const backend = createOnnxRuntimeBackend({ ort });
  const a = Array.from({ length: 12 }, (_, i) => Math.sin(i + 1));
  const p = Array.from({ length: 12 }, (_, i) => Math.cos(i * 2));
  const { loss, gradients } = computeLossAndGradients(backend, ntXent, { anchors: backend.fromArray(a, [3, 4]), positives: backend.fromArray(p, [3, 4]) }, { temperature: 0.2 });
  const values = await Promise.all([backend.read(loss), backend.read(gradients.anchors!), backend.read(gradients.positives!)]);
  const r = createReferenceBackend();
  const ref = computeLossAndGradients(r, ntXent, { anchors: r.fromArray(a, [3, 4]), positives: r.fromArray(p, [3, 4]) }, { temperature: 0.2 });
  console.log(values, r.readSync!(ref.loss), r.readSync!(ref.gradients.anchors!), backend.statistics, backend.liveCount());
  await backend.release();
});
