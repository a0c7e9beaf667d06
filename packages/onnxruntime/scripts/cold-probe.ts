/**
 * A new session's first runs against its warm ones (a measurement, not a test): one loss traced at N pairs,
 * D = 128, a fresh onnxruntime-node session (2 threads, CPU arena on), 14 runs; prints the session creation, the
 * first four runs, the median and minimum of the last ten, and the process's minor page faults and peak RSS.
 * Run it in fresh processes with and without `glibc.malloc.hugetlb=1` in GLIBC_TUNABLES to see what transparent
 * huge pages change (README, "The first two steps").
 *
 *   cd packages/onnxruntime
 *   GLIBC_TUNABLES=glibc.malloc.mmap_threshold=4294967295:glibc.malloc.trim_threshold=4294967295:glibc.malloc.hugetlb=1 \
 *     node --import tsx --conditions=@contrastive/source scripts/cold-probe.ts [nt-xent|clip|sig-lip] [n=4096]
 */
import { sigLip, ntXent, clip, type LossDefinition } from '@contrastive/core';
import * as ort from 'onnxruntime-node';
import { traceLoss } from '../src/export-onnx.js';
import { gaussians } from '../src/loss-samples.test-support.js';
import { encodeModel } from '../src/onnx-schema.js';

const which = process.argv[2] ?? 'nt-xent';
const n = Number(process.argv[3] ?? 4096), d = 128;
const loss = ({ 'sig-lip': sigLip, 'nt-xent': ntXent, clip } as Record<string, unknown>)[which] as LossDefinition<string, object>;
const shapes: Record<string, number[]> = { anchors: [n, d], positives: [n, d], ...(which === 'sig-lip' ? { logTemperature: [], bias: [] } : which === 'clip' ? { logitScale: [] } : {}) };
const model = encodeModel(traceLoss(loss, loss.resolveOptions({}), shapes).model);
const t0 = performance.now();
const s = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], intraOpNumThreads: 2, graphOptimizationLevel: 'all', enableCpuMemArena: true });
const createMs = performance.now() - t0;
const feeds: Record<string, ort.Tensor> = { anchors: new ort.Tensor('float32', Float32Array.from(gaussians(n * d, 1)), [n, d]), positives: new ort.Tensor('float32', Float32Array.from(gaussians(n * d, 2)), [n, d]) };
if (which === 'sig-lip') { feeds['logTemperature'] = new ort.Tensor('float32', Float32Array.of(Math.log(10)), []); feeds['bias'] = new ort.Tensor('float32', Float32Array.of(-10), []); }
if (which === 'clip') feeds['logitScale'] = new ort.Tensor('float32', Float32Array.of(14.28), []);
const walls: number[] = [];
for (let i = 0; i < 14; i++) { const a = performance.now(); await s.run(feeds); walls.push(performance.now() - a); }
const rest = walls.slice(4).sort((x, y) => x - y);
const ru = process.resourceUsage();
console.log(`${which} N=${n} ${process.env.GLIBC_TUNABLES?.includes('hugetlb') ? 'THP' : 'noTHP'} create ${createMs.toFixed(0)} first ${walls.slice(0, 4).map((v) => v.toFixed(0)).join(' ')} | warm median ${rest[5]!.toFixed(1)} min ${rest[0]!.toFixed(1)} | minflt ${ru.minorPageFault} maxRSS ${(ru.maxRSS / 1024).toFixed(0)}MB`);
