import { computeLoss, contrastiveLoss, createReferenceBackend } from '@contrastive/core';

const backend = createReferenceBackend();
const x = backend.fromArray([1, 0, 0, 1, 1, 1], [3, 2]);
const xAug = backend.fromArray([0.9, 0.1, 0.1, 0.9, 1, 0.8], [3, 2]);
// The origin document's contrastive_loss(x, x_aug, T), computed stably.
const loss = computeLoss(backend, contrastiveLoss, { anchors: x, positives: xAug }, { temperature: 0.1 });
console.log(await backend.read(loss));
