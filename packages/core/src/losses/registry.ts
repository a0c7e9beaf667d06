import { alignment, uniformity } from './alignment-uniformity.js';
import { clip } from './clip.js';
import { contrastiveLoss } from './contrastive-loss.js';
import { dcl } from './dcl.js';
import { hcl } from './hcl.js';
import { infoNce } from './info-nce.js';
import { ntXent } from './nt-xent.js';
import { sigLip } from './sig-lip.js';
import { simclrInfoNce } from './simclr-info-nce.js';
import { supCon } from './sup-con.js';
import { tripletMargin } from './triplet-margin.js';

/**
 * Every loss by its fixture name, for tools that iterate over all of them (conformance, examples, benchmarks).
 * A plain object built from imports: importing it registers nothing anywhere.
 *
 * @example
 * for (const [key, loss] of Object.entries(losses)) console.log(key, loss.name, loss.inputs);
 *
 * @see [Loss definitions](/architecture/loss-definitions)
 */
export const losses = {
  contrastiveLoss,
  simclrInfoNce,
  ntXent,
  infoNce,
  supCon,
  clip,
  dcl,
  sigLip,
  tripletMargin,
  hcl,
  alignment,
  uniformity,
} as const;

/**
 * The key of a loss in {@link losses} (the export name, e.g. `'ntXent'`).
 *
 * @example
 * const name: LossName = 'ntXent';
 * const loss = losses[name];
 *
 * @see [Loss definitions](/architecture/loss-definitions)
 */
export type LossName = keyof typeof losses;
