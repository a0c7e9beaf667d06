// NT-Xent through @contrastive/onnxruntime on onnxruntime-web; the execution provider comes from `?ep=wasm|webgpu`.
// onnxruntime-web's .wasm/.mjs assets are served from ./ort/ (copied there from node_modules/onnxruntime-web/dist).
import * as ort from 'onnxruntime-web';
import { ntXent } from '@contrastive/core';
import { createOnnxLossRunner } from '@contrastive/onnxruntime';
import inputs from '../fixed-inputs.json';
import { report } from './report.js';

report(async () => {
  const ep = new URLSearchParams(location.search).get('ep') ?? 'wasm';
  ort.env.wasm.wasmPaths = new URL('ort/', document.baseURI).href;
  ort.env.wasm.numThreads = 1; // the page is not cross-origin isolated
  const runner = createOnnxLossRunner({ ort, sessionOptions: { executionProviders: [ep], logSeverityLevel: 3 } });
  const shape = [inputs.rows, inputs.dimension];
  const { loss } = await runner.run(ntXent, { anchors: { values: Float32Array.from(inputs.anchors), shape }, positives: { values: Float32Array.from(inputs.positives), shape } }, { temperature: inputs.temperature });
  await runner.release();
  return { loss: loss[0], ep };
});
