import { computeLoss, ContrastiveInputError, ContrastiveResourceError, createReferenceBackend, ntXent, withChunking } from '@contrastive/core';

const backend = createReferenceBackend();
const anchors = backend.fromArray([1, 0, 0.5, 0.2, 1, 0], [2, 3]);
const positives = backend.fromArray([0.9, 0.1, 0.4, 0.1, 1.1, 0.1], [2, 3]);

// An option the math cannot represent: 1 / temperature would overflow.
try {
  computeLoss(backend, ntXent, { anchors, positives }, { temperature: 5e-324 });
} catch (error) {
  if (error instanceof ContrastiveInputError) console.log(error.argument, '|', error.expected, '|', error.actual);
}

// A batch too large for the backend's memory budget: typed error before anything is allocated.
const small = createReferenceBackend({ memoryBudgetBytes: 64 * 1024 });
const rows = small.fromArray(new Float64Array(64 * 3).fill(1), [64, 3]);
try {
  computeLoss(small, ntXent, { anchors: rows, positives: rows });
} catch (error) {
  if (error instanceof ContrastiveResourceError) console.log(error.requiredBytes, '>', error.budgetBytes);
}
// What the error suggests: row blocks (O(blockRows x N) memory).
const loss = computeLoss(withChunking(small, { blockRows: 2 }), ntXent, { anchors: rows, positives: rows });
console.log(await small.read(loss));
