/**
 * The losses the playground offers, each driven by one temperature. For losses parameterised otherwise the
 * temperature is translated: CLIP's `logitScale = 1 / temperature`, SigLIP's `logTemperature = log(1 / temperature)`
 * (its `t` multiplies the similarities) with `bias = 0`.
 */
import {
  clip,
  computeLossAndGradients,
  contrastiveLoss,
  dcl,
  infoNce,
  ntXent,
  sigLip,
  simclrInfoNce,
  supCon,
  type TensorBackend,
} from '@contrastive/core';

/** The sample as tensors of one backend: `anchors`, `positives` [batchSize, dimension]. */
export interface SampleTensors<T> {
  readonly anchors: T;
  readonly positives: T;
  readonly batchSize: number;
}

export interface PlaygroundLossResult<T> {
  readonly loss: T;
  readonly gradients: { readonly [input: string]: T | undefined };
}

export interface PlaygroundLoss {
  /** The `@contrastive/core` export. */
  readonly name: string;
  readonly label: string;
  /** Runs forward and analytic backward; call inside `backend.scope` (constants it creates are released). */
  compute<T>(backend: TensorBackend<T>, sample: SampleTensors<T>, temperature: number): PlaygroundLossResult<T>;
}

/** Labels for `supCon`: sample `b` has class `b mod ceil(B / 2)`, so every class holds two samples. */
function pairedLabels(batchSize: number): number[] {
  const classes = Math.ceil(batchSize / 2);
  return Array.from({ length: batchSize }, (_, b) => b % classes);
}

export const playgroundLosses: readonly PlaygroundLoss[] = [
  {
    name: 'ntXent',
    label: 'NT-Xent (SimCLR)',
    compute: (b, s, temperature) => computeLossAndGradients(b, ntXent, { anchors: s.anchors, positives: s.positives }, { temperature }),
  },
  {
    name: 'infoNce',
    label: 'InfoNCE (in-batch negatives)',
    compute: (b, s, temperature) => computeLossAndGradients(b, infoNce, { anchors: s.anchors, positives: s.positives }, { temperature }),
  },
  {
    name: 'contrastiveLoss',
    label: 'contrastive_loss (cross-view negatives)',
    compute: (b, s, temperature) =>
      computeLossAndGradients(b, contrastiveLoss, { anchors: s.anchors, positives: s.positives }, { temperature }),
  },
  {
    name: 'dcl',
    label: 'DCL (decoupled)',
    compute: (b, s, temperature) => computeLossAndGradients(b, dcl, { anchors: s.anchors, positives: s.positives }, { temperature }),
  },
  {
    name: 'simclrInfoNce',
    label: 'SimCLR info_nce_loss (2 views)',
    compute: (b, s, temperature) =>
      computeLossAndGradients(b, simclrInfoNce, { embeddings: b.concat([s.anchors, s.positives], 0) }, { views: 2, temperature }),
  },
  {
    name: 'supCon',
    label: 'SupCon (two samples per class)',
    compute: (b, s, temperature) =>
      computeLossAndGradients(
        b,
        supCon,
        { embeddings: b.concat([s.anchors, s.positives], 0), labels: b.fromArray(pairedLabels(s.batchSize), [s.batchSize]) },
        { views: 2, temperature },
      ),
  },
  {
    name: 'clip',
    label: 'CLIP (logitScale = 1 / temperature)',
    compute: (b, s, temperature) =>
      computeLossAndGradients(b, clip, { anchors: s.anchors, positives: s.positives, logitScale: b.fill([], 1 / temperature) }, { maxLogitScale: null }),
  },
  {
    name: 'sigLip',
    label: 'SigLIP (t = 1 / temperature, bias 0)',
    compute: (b, s, temperature) =>
      computeLossAndGradients(b, sigLip, {
        anchors: s.anchors,
        positives: s.positives,
        logTemperature: b.fill([], Math.log(1 / temperature)),
        bias: b.fill([], 0),
      }),
  },
];

/** The loss named `name`, or the first one (NT-Xent). */
export function findPlaygroundLoss(name: string): PlaygroundLoss {
  return playgroundLosses.find((loss) => loss.name === name) ?? playgroundLosses[0]!;
}
