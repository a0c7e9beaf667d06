import { computeLoss, createNegativeQueue, createReferenceBackend, supCon } from '@contrastive/core';

const backend = createReferenceBackend();
// Two views of B = 3 samples, view-major ([V * B, D]); labels are per sample ([B]).
const embeddings = backend.fromArray([1, 0, 0.9, 0.1, 0, 1, 1, 0.1, 0.8, 0.2, 0.1, 1], [6, 2]);
const labels = backend.fromArray([0, 0, 1], [3]);
const loss = computeLoss(backend, supCon, { embeddings, labels }, { views: 2, temperature: 0.07 });
console.log(await backend.read(loss));

// SupContrast's SupConLoss(temperature=0.1): rows times 0.1 / 0.07 and the mean over every anchor.
const asSupContrast = { views: 2, temperature: 0.1, baseTemperature: 0.07, meanOver: 'all-anchors' } as const;
console.log(await backend.read(computeLoss(backend, supCon, { embeddings, labels }, asSupContrast)));

// Cross-Batch Memory: past embeddings and their labels (a labelled queue) as extra positives and negatives.
const queue = createNegativeQueue(backend, { capacity: 8, dimension: 2, labelled: true });
queue.enqueue(backend.fromArray([0.9, 0.3, 0.2, 1], [2, 2]), backend.fromArray([0, 1], [2]));
const memory = { memory: queue.negatives(), memoryLabels: queue.labels() };
const withMemory = computeLoss(backend, supCon, { embeddings, labels, ...memory }, { views: 2 });
console.log(await backend.read(withMemory));
