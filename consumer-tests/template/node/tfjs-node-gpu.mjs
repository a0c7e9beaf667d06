// @contrastive/tfjs-node-gpu from its tarball: the package must import, and report why its native binding is not
// available (it needs @tensorflow/tfjs-node-gpu with libtensorflow + CUDA, which cannot be installed here). Prints
// `SKIP <reason>` when the binding does not load, or computes NT-Xent on the tensorflow backend when it does.
import { readFileSync } from 'node:fs';
import { ntXent } from '@contrastive/tfjs';
import { createNodeGpuBackend, loadTfjsNodeGpu } from '@contrastive/tfjs-node-gpu';

const status = await loadTfjsNodeGpu();
if (!status.available) {
  console.log(`SKIP ${String(status.reason).split("\n")[0]}`);
  process.exit(0);
}
await createNodeGpuBackend();
const inputs = JSON.parse(readFileSync(new URL('../fixed-inputs.json', import.meta.url), 'utf8'));
const shape = [inputs.rows, inputs.dimension];
const tf = status.tf;
const loss = ntXent(tf.tensor2d(inputs.anchors, shape), tf.tensor2d(inputs.positives, shape), { temperature: inputs.temperature });
console.log(`RESULT ${JSON.stringify({ backend: 'tfjs-node-gpu', loss: (await loss.data())[0] })}`);
