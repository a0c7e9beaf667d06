import { createReferenceBackend, computeLossAndGradients, supCon, ntXent, dcl } from '@contrastive/core';
const b = createReferenceBackend();
const r = computeLossAndGradients(b, supCon, { embeddings: b.fromArray([1, 2, 3], [1, 3]), labels: b.fromArray([0], [1]) }, { views: 1 });
console.log(await b.read(r.loss), await b.read(r.gradients.embeddings!));
const e = b.fromArray([1, 0, 1, 0, 0, 1, 1, 0], [4, 2]);
const r2 = computeLossAndGradients(b, supCon, { embeddings: e, labels: b.fromArray([0, 0, 1, 2], [4]) }, { views: 1, temperature: 0.01 });
console.log(await b.read(r2.loss), await b.read(r2.gradients.embeddings!));
