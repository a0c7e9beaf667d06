import { computeLoss, createReferenceBackend, tripletMargin } from '@contrastive/core';

const backend = createReferenceBackend();
const anchors = backend.fromArray([0, 0, 1, 1], [2, 2]);
const positives = backend.fromArray([0.1, 0, 1, 0.9], [2, 2]);
const negatives = backend.fromArray([0.5, 0.5, -1, -1], [2, 2]);
const loss = computeLoss(backend, tripletMargin, { anchors, positives, negatives }, { margin: 1, distance: 'euclidean' });
console.log(await backend.read(loss));

// The exact distance (eps 0) and PyTorch's swap: the negative distance is min(d(a, n), d(p, n)).
const swapped = computeLoss(backend, tripletMargin, { anchors, positives, negatives }, { eps: 0, swap: true });
console.log(await backend.read(swapped));
