import { computeLossAndGradients, createReferenceBackend, sigLip } from '@contrastive/core';

const backend = createReferenceBackend();
const anchors = backend.fromArray([1, 0, 0, 1, 1, 1], [3, 2]);
const positives = backend.fromArray([0.9, 0.1, 0.1, 0.9, 1, 0.8], [3, 2]);
// The paper's initialisation: t = exp(logTemperature) = 10, bias = -10; both are learnable.
const logTemperature = backend.fill([], Math.log(10));
const bias = backend.fill([], -10);
const { loss, gradients } = computeLossAndGradients(backend, sigLip, { anchors, positives, logTemperature, bias });
console.log(await backend.read(loss), await backend.read(gradients.bias!));
