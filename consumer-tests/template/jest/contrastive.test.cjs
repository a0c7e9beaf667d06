// A consumer's Jest test in CommonJS: require() the packed @contrastive/core and check NT-Xent on 2 pairs of 2-D
// embeddings against the closed form (derivation in ../node/math-2x2.mjs).
const { computeLoss, createReferenceBackend, ntXent } = require('@contrastive/core');

test('NT-Xent 2x2 on the reference backend matches the closed form', async () => {
  const backend = createReferenceBackend();
  const anchors = backend.fromArray([1, 0, 0, 1], [2, 2]);
  const positives = backend.fromArray([0.6, 0.8, 0.8, 0.6], [2, 2]);
  const loss = computeLoss(backend, ntXent, { anchors, positives }, { temperature: 0.5 });
  const expected = -1.2 + (Math.log(1 + Math.exp(1.2) + Math.exp(1.6)) + Math.log(Math.exp(1.2) + Math.exp(1.6) + Math.exp(1.92))) / 2;
  expect(Math.abs((await backend.read(loss))[0] - expected)).toBeLessThan(1e-4);
});
