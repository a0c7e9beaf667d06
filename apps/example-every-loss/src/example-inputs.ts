/**
 * The bundled example: four pairs of 3-D embeddings (two views of four samples), a queue of two negatives,
 * class labels, and the learnable scalars of CLIP and SigLIP at their papers' initial values.
 */
export const exampleBatch = {
  anchors: [
    [0.9, 0.1, 0.2],
    [0.1, 0.8, -0.3],
    [-0.5, 0.2, 0.9],
    [0.3, -0.7, 0.4],
  ],
  positives: [
    [0.8, 0.2, 0.1],
    [0.2, 0.9, -0.1],
    [-0.4, 0.1, 1.0],
    [0.2, -0.8, 0.5],
  ],
  negatives: [
    [0.5, 0.5, 0.5],
    [-0.6, -0.2, 0.1],
  ],
  /** Class of each sample (two classes), for SupCon. */
  labels: [0, 1, 0, 1],
  /** CLIP's initial logit scale, exp(log(1 / 0.07)). */
  logitScale: 1 / 0.07,
  /** SigLIP's initial t' = log 10 and b = -10. */
  logTemperature: Math.log(10),
  bias: -10,
} as const;
