import * as ort from 'onnxruntime-node';
import { createOnnxLossRunner } from '@contrastive/onnxruntime';
import { ntXent } from '@contrastive/core';
const n = Number(process.argv[2] ?? 1024), d = Number(process.argv[3] ?? 128);
const rand = (k: number) => Float32Array.from({ length: k }, () => Math.random() * 2 - 1);
const runner = createOnnxLossRunner({ ort: ort as never, sessionOptions: { executionProviders: ['cpu'], intraOpNumThreads: 2 } });
const inputs = { anchors: { values: rand(n * d), shape: [n, d] }, positives: { values: rand(n * d), shape: [n, d] } };
let t = performance.now();
await runner.run(ntXent, inputs, { temperature: 0.1 });
console.log('first', performance.now() - t);
for (let i = 0; i < 3; i++) { t = performance.now(); await runner.run(ntXent, inputs, { temperature: 0.1 }); console.log('run', performance.now() - t); }
const m = await import('node:fs'); console.log(m.readFileSync('/proc/self/status', 'utf8').match(/VmHWM.*/)![0]);
