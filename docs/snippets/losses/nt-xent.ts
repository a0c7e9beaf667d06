import { computeLossAndGradients, createReferenceBackend, ntXent } from '@contrastive/core';

const backend = createReferenceBackend(); // float64, dependency-free; any TensorBackend works the same way
const anchors = backend.fromArray([1, 0, 0, 1, 1, 1], [3, 2]); // view 1 of 3 samples, D = 2
const positives = backend.fromArray([0.9, 0.1, 0.1, 0.9, 1, 0.8], [3, 2]); // view 2
const { loss, gradients } = computeLossAndGradients(backend, ntXent, { anchors, positives }, { temperature: 0.5 });
console.log(await backend.read(loss), await backend.read(gradients.anchors!));
