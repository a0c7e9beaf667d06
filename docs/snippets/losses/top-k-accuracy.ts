import { createReferenceBackend, topKAccuracy } from '@contrastive/core';

const backend = createReferenceBackend();
const imageEmbeddings = backend.fromArray([1, 0, 0, 1, 1, 1], [3, 2]); // queries
const textEmbeddings = backend.fromArray([0.9, 0.1, 0.1, 0.9, -1, 0.2, 0.7, 0.7], [4, 2]); // candidates (M >= N)
const accuracy = topKAccuracy(backend, { anchors: imageEmbeddings, positives: textEmbeddings }, { k: 1 });
const [fraction] = await backend.read(accuracy);
console.log(fraction);
