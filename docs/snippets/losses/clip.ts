import { clip, computeLossAndGradients, createReferenceBackend } from '@contrastive/core';

const backend = createReferenceBackend();
const images = backend.fromArray([1, 0, 0, 1, 1, 1], [3, 2]);
const texts = backend.fromArray([0.9, 0.1, 0.1, 0.9, 1, 0.8], [3, 2]);
const logitScale = backend.fromArray([1 / 0.07], []); // the multiplier itself (open_clip's logit_scale.exp())
const { loss, gradients } = computeLossAndGradients(backend, clip, { anchors: images, positives: texts, logitScale });
console.log(await backend.read(loss), await backend.read(gradients.logitScale!));
