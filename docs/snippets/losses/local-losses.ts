import { computeLossAndGradients, createReferenceBackend, localNtXent } from '@contrastive/core';

const backend = createReferenceBackend();
// Worker 1 of 2; the global batch has N = 4 pairs, this worker holds rows 2..3.
const gatheredAnchors = backend.fromArray([1, 0, 0, 1, 1, 1, -1, 0], [4, 2]); // all-gathered, worker order
const gatheredPositives = backend.fromArray([0.9, 0.1, 0.1, 0.9, 1, 0.8, -1, 0.1], [4, 2]);
const anchors = backend.slice(gatheredAnchors, [2, 0], [2, 2]);
const positives = backend.slice(gatheredPositives, [2, 0], [2, 2]);
const { loss, gradients } = computeLossAndGradients(
  backend,
  localNtXent,
  { anchors, positives, gatheredAnchors, gatheredPositives },
  { temperature: 0.5, rowOffset: 2 },
);
// loss: this worker's share (sums to the full-batch loss over workers). Full gradient of the local rows:
// gradients.anchors + rows 2..3 of (sum over workers of gradients.gatheredAnchors) — a reduce-scatter.
console.log(await backend.read(loss), backend.shape(gradients.gatheredAnchors!));
