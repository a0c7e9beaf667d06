// A consumer's CommonJS script (require(), no import()): NT-Xent on the fixed inputs (../fixed-inputs.json) on one
// backend, named by argv[2]: reference | tfjs-cpu | tfjs-wasm | onnxruntime-node. Prints `RESULT {"loss": ...}`.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { computeLoss, createReferenceBackend, ntXent } = require('@contrastive/core');

const inputs = JSON.parse(readFileSync(join(__dirname, '..', 'fixed-inputs.json'), 'utf8'));
const shape = [inputs.rows, inputs.dimension];
const options = { temperature: inputs.temperature };
const backendName = process.argv[2];

async function lossOn(name) {
  switch (name) {
    case 'reference': {
      const backend = createReferenceBackend();
      const loss = computeLoss(backend, ntXent, { anchors: backend.fromArray(inputs.anchors, shape), positives: backend.fromArray(inputs.positives, shape) }, options);
      return (await backend.read(loss))[0];
    }
    case 'tfjs-cpu':
    case 'tfjs-wasm': {
      const tf = require('@tensorflow/tfjs-core');
      const tfjsBackend = name.slice('tfjs-'.length);
      require(`@tensorflow/tfjs-backend-${tfjsBackend}`);
      const { ntXent: tfNtXent } = require('@contrastive/tfjs');
      await tf.setBackend(tfjsBackend);
      if (tf.getBackend() !== tfjsBackend) throw new Error(`tfjs runs on ${tf.getBackend()}, not ${tfjsBackend}`);
      const loss = tfNtXent(tf.tensor2d(inputs.anchors, shape), tf.tensor2d(inputs.positives, shape), options);
      return (await loss.data())[0];
    }
    case 'onnxruntime-node': {
      const ort = require('onnxruntime-node');
      const { createOnnxLossRunner } = require('@contrastive/onnxruntime');
      const runner = createOnnxLossRunner({ ort, sessionOptions: { executionProviders: ['cpu'] } });
      const { loss } = await runner.run(ntXent, { anchors: { values: Float32Array.from(inputs.anchors), shape }, positives: { values: Float32Array.from(inputs.positives), shape } }, options);
      await runner.release();
      return loss[0];
    }
    default:
      throw new Error(`unknown backend ${name}`);
  }
}

lossOn(backendName).then(
  (loss) => console.log(`RESULT ${JSON.stringify({ backend: backendName, loss })}`),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
