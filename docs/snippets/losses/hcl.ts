import { computeLossAndGradients, createReferenceBackend, hcl } from '@contrastive/core';

const backend = createReferenceBackend();
const anchors = backend.fromArray([1, 0, 0.6, 0.8, -0.5, 0.9, 0.2, -1], [4, 2]);
const positives = backend.fromArray([0.9, 0.2, 0.5, 0.9, -0.6, 0.7, 0.3, -0.9], [4, 2]);
// beta 1: harder negatives (closer to the anchor) weigh more; tauPlus 0.1: debiased for false negatives.
const { loss, gradients } = computeLossAndGradients(backend, hcl, { anchors, positives }, { temperature: 0.5, beta: 1, tauPlus: 0.1 });
console.log(await backend.read(loss), await backend.read(gradients.anchors!));
