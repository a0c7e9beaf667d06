import { computeLoss, computeLossAndGradients, createReferenceBackend, ntXent } from '@contrastive/core';

const backend = createReferenceBackend();
const anchors = backend.fromArray([1, 0, 0, 1, 1, 1, -1, 0], [4, 2]); // view 1 of 4 samples, D = 2
const positives = backend.fromArray([0.9, 0.1, 0.1, 0.9, 1, 0.8, -1, 0.1], [4, 2]); // view 2

const loss = computeLoss(backend, ntXent, { anchors, positives }, { temperature: 0.5 });
console.log('loss', (await backend.read(loss))[0]);

const { gradients } = computeLossAndGradients(backend, ntXent, { anchors, positives }, { temperature: 0.5 });
console.log('dL/d anchors', await backend.read(gradients.anchors!));
