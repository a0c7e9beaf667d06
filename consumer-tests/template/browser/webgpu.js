// NT-Xent (loss and gradients) on raw WebGPU through @contrastive/webgpu (navigator.gpu).
import { computeLossAndGradients, ntXent } from '@contrastive/core';
import { createWebGpuBackend } from '@contrastive/webgpu';
import inputs from '../fixed-inputs.json';
import { report } from './report.js';

report(async () => {
  const backend = await createWebGpuBackend();
  const shape = [inputs.rows, inputs.dimension];
  const anchors = backend.fromArray(inputs.anchors, shape);
  const positives = backend.fromArray(inputs.positives, shape);
  const { loss, gradients } = computeLossAndGradients(backend, ntXent, { anchors, positives }, { temperature: inputs.temperature });
  const value = (await backend.read(loss))[0];
  const anchorGradients = await backend.read(gradients.anchors);
  backend.destroy();
  if (anchorGradients.length !== inputs.anchors.length || !anchorGradients.every(Number.isFinite)) throw new Error('bad anchor gradients');
  return { loss: value };
});
