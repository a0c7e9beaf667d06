import { computeLossAndGradients, disposeAll, ntXent } from '@contrastive/core';
import { createTfjsBackend } from '@contrastive/tfjs';
import { tf, useTfjsBackend } from './src/tfjs-setup.js';
import { lossInputs } from './src/loss-inputs.js';
await useTfjsBackend('wasm');
const n = Number(process.argv[2] ?? 1024);
const b = createTfjsBackend(tf);
const host = lossInputs('nt-xent', n, 128);
const inputs = Object.fromEntries(Object.entries(host).map(([k, t]) => [k, b.fromArray(t.values, t.shape)]));
const step = () => { const r = computeLossAndGradients(b, ntXent, inputs, { temperature: 0.1 }); b.readSync!(r.gradients.anchors!); disposeAll(b, r); };
step();
const info = await tf.profile(step);
const by = new Map<string, number>();
for (const k of info.kernels) { const ms = await (k.kernelTimeMs as number | Promise<number>); const key = `${k.name} ${JSON.stringify(k.inputShapes)}`; by.set(key, (by.get(key) ?? 0) + (ms as number)); }
const sorted = [...by].sort((a, b) => b[1] - a[1]);
console.log('total', sorted.reduce((a, b) => a + b[1], 0).toFixed(0));
for (const [k, v] of sorted.slice(0, 22)) console.log(v.toFixed(1), k);
