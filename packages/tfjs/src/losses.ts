/**
 * Every core loss as a TensorFlow.js op. Each takes its tensors (`tf.Tensor | TensorLike`) in core's input order,
 * then options (core's option names; `reduction` also takes the `Reduction` enum), and returns a `tf.Tensor`
 * (a scalar, or one value per row for `Reduction.NONE`) whose gradient is core's analytic backward, so
 * `tf.grads`, `tf.variableGrads` and `optimizer.minimize` train through it. The ops are generated, one per loss
 * definition of core, by `scripts/generate-loss-index.mjs` into `losses.generated.ts` (decision 0008): each is
 * `tfjsLoss<[...inputs], OptionsOf<typeof core.<key>>>(core.<key>)` under core's export name. The math of each loss
 * is on its page in `docs/losses/` and in the TSDoc of the core export of the same name.
 *
 * @example
 * const loss = ntXent(anchors, positives, { temperature: 0.1 });
 */
export * from './losses.generated.js';
