import { clip, ntXent, supCon, type LossDefinition } from '@contrastive/core';
import type { BenchLoss } from './cli-options.js';

/** The core definition behind each benchmarked loss name. */
export const coreLosses: Readonly<Record<BenchLoss, LossDefinition<string, object>>> = {
  'nt-xent': ntXent as unknown as LossDefinition<string, object>,
  clip: clip as unknown as LossDefinition<string, object>,
  'sup-con': supCon as unknown as LossDefinition<string, object>,
};
