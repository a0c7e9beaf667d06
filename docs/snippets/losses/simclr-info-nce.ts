import { computeLoss, createReferenceBackend, simclrInfoNce, simclrInfoNceLogits } from '@contrastive/core';

const backend = createReferenceBackend();
// View-major: rows 0..B-1 are view 1 of samples 0..B-1, rows B..2B-1 view 2 (B = 2, D = 3).
const embeddings = backend.fromArray([1, 0, 0, 0, 1, 0, 0.9, 0.1, 0, 0.1, 0.9, 0.1], [4, 3]);
const loss = computeLoss(backend, simclrInfoNce, { embeddings }, { views: 2, temperature: 0.07 });
// Or exactly the original's outputs, for your own cross-entropy:
const { logits, labels } = simclrInfoNceLogits(backend, { embeddings }, { views: 2, temperature: 0.07 });
console.log(await backend.read(loss), backend.shape(logits), labels);
