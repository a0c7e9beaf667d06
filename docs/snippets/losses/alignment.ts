import { alignment, computeLoss, createReferenceBackend } from '@contrastive/core';

const backend = createReferenceBackend();
const anchors = backend.fromArray([1, 0, 0, 1], [2, 2]);
const positives = backend.fromArray([0.8, 0.6, 0.6, 0.8], [2, 2]);
const value = computeLoss(backend, alignment, { anchors, positives }, { alpha: 2 }); // lower is better
console.log(await backend.read(value));
