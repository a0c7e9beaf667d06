// NT-Xent on TensorFlow.js WebGL through @contrastive/tfjs-webgl.
import * as tf from '@tensorflow/tfjs-core';
import { ntXent } from '@contrastive/tfjs';
import { createWebglBackend } from '@contrastive/tfjs-webgl';
import inputs from '../fixed-inputs.json';
import { report } from './report.js';

report(async () => {
  const backend = await createWebglBackend();
  const shape = [inputs.rows, inputs.dimension];
  const loss = ntXent(tf.tensor2d(inputs.anchors, shape), tf.tensor2d(inputs.positives, shape), { temperature: inputs.temperature });
  return { loss: (await loss.data())[0], tfBackend: tf.getBackend(), precision: backend.capabilities.precision };
});
