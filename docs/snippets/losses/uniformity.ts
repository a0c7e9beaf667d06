import { computeLoss, createReferenceBackend, uniformity } from '@contrastive/core';

const backend = createReferenceBackend();
const embeddings = backend.fromArray([1, 0, 0, 1, -1, 0, 0, -1], [4, 2]);
const value = computeLoss(backend, uniformity, { embeddings }, { t: 2 }); // lower is more uniform
console.log(await backend.read(value));
