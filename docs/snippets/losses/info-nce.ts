import { computeLossAndGradients, createReferenceBackend, infoNce } from '@contrastive/core';

const backend = createReferenceBackend();
const queries = backend.fromArray([1, 0, 0, 1], [2, 2]);
const keys = backend.fromArray([0.9, 0.2, 0.1, 1], [2, 2]);
const queue = backend.fromArray([-1, 0, 0, -1, 1, -1], [3, 2]); // unpaired negatives [M, D], e.g. a MoCo queue
const { loss, gradients } = computeLossAndGradients(
  backend,
  infoNce,
  { anchors: queries, positives: keys, negatives: queue },
  { temperature: 0.07 },
);
console.log(await backend.read(loss), backend.shape(gradients.negatives!)); // [3, 2]

// Hardness weighting (HCL's beta): negatives closer to the query weigh more; beta 0 is plain InfoNCE.
const inputs = { anchors: queries, positives: keys, negatives: queue };
const hard = computeLossAndGradients(backend, infoNce, inputs, { temperature: 0.07, beta: 1 });
console.log(await backend.read(hard.loss));
