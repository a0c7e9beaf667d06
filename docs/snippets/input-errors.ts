import { ContrastiveInputError, computeLoss, createReferenceBackend, ntXent } from '@contrastive/core';

const backend = createReferenceBackend();
const anchors = backend.fromArray(new Float64Array(8 * 4), [8, 4]);
const positives = backend.fromArray(new Float64Array(8 * 3), [8, 3]);
try {
  computeLoss(backend, ntXent, { anchors, positives }, { temperature: 0.1 });
} catch (error) {
  if (error instanceof ContrastiveInputError) console.log(error.argument, error.expected, error.actual);
}
