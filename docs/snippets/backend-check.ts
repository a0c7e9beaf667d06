import { selectTfjsBackend, TfjsBackendError } from '@contrastive/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';

try {
  await selectTfjsBackend(tf, 'webgl'); // setBackend + ready + check tf.getBackend()
} catch (error) {
  if (error instanceof TfjsBackendError) console.warn(`wanted ${error.requested}, running on ${error.actual}`);
  throw error;
}
