import { createReferenceBackend, type TensorBackend } from '@contrastive/core';
import { describeConformance } from './index.js';

function float32(): TensorBackend<unknown> {
  const b = createReferenceBackend() as unknown as TensorBackend<unknown>;
  const round = (t: unknown) => b.fromArray(Array.from(b.readSync!(t), Math.fround), b.shape(t));
  const wrapped: Record<string, unknown> = { ...b, name: 'f32', capabilities: { execution: 'eager', precision: 'float32', hostReadable: true } };
  for (const op of ['fromArray','fill','add','sub','mul','div','exp','log','log1p','sqrt','sum','max','matmul','maximum','minimum']) {
    const f = (b as any)[op];
    wrapped[op] = (...args: unknown[]) => b.scope(() => round(f(...args)));
  }
  return wrapped as unknown as TensorBackend<unknown>;
}
describeConformance('f32', float32, { caseFilter: (id) => !id.startsWith('finite') });
