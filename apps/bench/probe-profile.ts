import * as ort from 'onnxruntime-node';
import { traceLoss, encodeModel } from '@contrastive/onnxruntime';
import { ntXent } from '@contrastive/core';
import { readFileSync } from 'node:fs';
const n = Number(process.argv[2] ?? 1024), d = Number(process.argv[3] ?? 128);
const rand = (k: number) => Float32Array.from({ length: k }, () => Math.random() * 2 - 1);
const traced = traceLoss(ntXent, { temperature: 0.1 }, { anchors: [n, d], positives: [n, d] });
const session = await ort.InferenceSession.create(encodeModel(traced.model), { executionProviders: ['cpu'], intraOpNumThreads: 2, enableProfiling: true, profileFilePrefix: '/tmp/ortprof' });
const feeds = { anchors: new ort.Tensor('float32', rand(n * d), [n, d]), positives: new ort.Tensor('float32', rand(n * d), [n, d]) };
for (let i = 0; i < 6; i++) { const t = performance.now(); await session.run(feeds); console.log('run', performance.now() - t); }
session.endProfiling(); const { execSync } = await import('node:child_process'); const file = execSync('ls -t /tmp/ortprof*.json | head -1').toString().trim();
const events = JSON.parse(readFileSync(file, 'utf8')) as { cat: string; name: string; dur: number; args: { op_name?: string; output_size?: string } }[];
const byNode = new Map<string, number>();
for (const e of events) if (e.cat === 'Node' && e.name.endsWith('_kernel_time')) { const k = `${e.args.op_name} ${e.name.replace('_kernel_time', '')}`; byNode.set(k, Math.min(byNode.get(k) ?? 1e12, e.dur / 1000)); }
const byOp = new Map<string, number>();
for (const [k, v] of byNode) { const op = k.split(' ')[0]!; byOp.set(op, (byOp.get(op) ?? 0) + v); }
console.log([...byOp].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v.toFixed(1)} ms`).join('\n'));
console.log('total ms', [...byOp.values()].reduce((a, b) => a + b, 0).toFixed(1), 'nodes', byNode.size);
console.log([...byNode].sort((a, b) => b[1] - a[1]).slice(0, 40).map(([k, v]) => `${k}: ${v.toFixed(1)}`).join('\n'));
