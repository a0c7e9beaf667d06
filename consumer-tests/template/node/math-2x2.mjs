// NT-Xent for 2 pairs of 2-D embeddings, by hand, against the reference backend of the packed @contrastive/core.
//
// anchors a1 = (1, 0), a2 = (0, 1); positives p1 = (0.6, 0.8), p2 = (0.8, 0.6); temperature T = 0.5. Every row
// has norm 1, so the cosine similarities are the dot products: a1.a2 = 0, a1.p1 = 0.6, a1.p2 = 0.8, a2.p1 = 0.8,
// a2.p2 = 0.6, p1.p2 = 0.96; s = cos / T. With z = [a1, a2, p1, p2], row i's positive is the other view of its
// sample and its loss is l_i = -s(i, pos(i)) + log sum_{k != i} exp(s(i, k)); the loss is the mean of the four:
//   l_a1 = l_a2 = -1.2 + log(e^0 + e^1.2 + e^1.6)
//   l_p1 = l_p2 = -1.2 + log(e^1.2 + e^1.6 + e^1.92)
//   loss = -1.2 + (log(1 + e^1.2 + e^1.6) + log(e^1.2 + e^1.6 + e^1.92)) / 2 = 1.27071...
// The script computes that closed form and the same loss from the definition in plain JS (normalise, all pairs),
// and checks the packed reference backend against both.
import { computeLoss, createReferenceBackend, ntXent } from '@contrastive/core';

const anchors = [1, 0, 0, 1];
const positives = [0.6, 0.8, 0.8, 0.6];
const temperature = 0.5;

const closedForm = -1.2 + (Math.log(1 + Math.exp(1.2) + Math.exp(1.6)) + Math.log(Math.exp(1.2) + Math.exp(1.6) + Math.exp(1.92))) / 2;

function plainNtXent(a, p, rows, dimension, t) {
  const z = [];
  for (const source of [a, p]) {
    for (let r = 0; r < rows; r++) {
      const row = source.slice(r * dimension, (r + 1) * dimension);
      const norm = Math.hypot(...row);
      z.push(row.map((value) => value / norm));
    }
  }
  const dot = (u, v) => u.reduce((sum, value, k) => sum + value * v[k], 0);
  let total = 0;
  for (let i = 0; i < 2 * rows; i++) {
    const positive = (i + rows) % (2 * rows);
    let denominator = 0;
    for (let k = 0; k < 2 * rows; k++) if (k !== i) denominator += Math.exp(dot(z[i], z[k]) / t);
    total += -dot(z[i], z[positive]) / t + Math.log(denominator);
  }
  return total / (2 * rows);
}

const plain = plainNtXent(anchors, positives, 2, 2, temperature);
const backend = createReferenceBackend();
const lossTensor = computeLoss(backend, ntXent, { anchors: backend.fromArray(anchors, [2, 2]), positives: backend.fromArray(positives, [2, 2]) }, { temperature });
const reference = (await backend.read(lossTensor))[0];

const worst = Math.max(Math.abs(reference - closedForm), Math.abs(reference - plain), Math.abs(plain - closedForm));
console.log(`closed form ${closedForm}, plain JS ${plain}, reference backend ${reference}, largest |diff| ${worst.toExponential(2)}`);
if (!(worst < 1e-4)) {
  console.error('NT-Xent 2x2: the reference backend disagrees with the hand computation');
  process.exit(1);
}
console.log(`RESULT ${JSON.stringify({ backend: 'math-2x2', loss: reference, expected: closedForm })}`);
