import { computeLoss, createReferenceBackend, dcl } from '@contrastive/core';

const backend = createReferenceBackend();
const anchors = backend.fromArray([1, 0, 0, 1, 1, 1], [3, 2]);
const positives = backend.fromArray([0.9, 0.1, 0.1, 0.9, 1, 0.8], [3, 2]);
const loss = computeLoss(backend, dcl, { anchors, positives }, { temperature: 0.1, symmetric: true });
console.log(await backend.read(loss));
