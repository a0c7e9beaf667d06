/**
 * A linear probe: multinomial logistic regression in plain JavaScript on host arrays (an evaluation, not loss
 * math). For rows `x_i` [dimension] with labels `y_i` among `classes`, weights `W` [dimension, classes] and biases
 * `c` [classes] minimise
 *   `J = (1/n) sum_i -log softmax(x_i W + c)[y_i] + (penalty / 2) ||W||^2`,
 * with gradients `dJ/dW = (1/n) X^T (P - Y) + penalty W` and `dJ/dc = (1/n) sum_i (P - Y)_i` (`P` the softmax
 * probabilities, `Y` the one-hot labels). The problem is convex; it is solved by Nesterov-accelerated gradient
 * descent from zero weights with step `1 / (lambda_max(X^T X / n) / 2 + 1 + penalty)` (a bound on the gradient's
 * Lipschitz constant, biases counted as a constant feature), for a fixed number of iterations (200 by default;
 * on the digits' raw pixels the test accuracy no longer changes between 200 and 600): the same inputs
 * always give the same weights, so the probe needs no seed.
 */

/** Training settings of the probe. */
export interface LinearProbeOptions {
  /** L2 penalty on the weights (not the biases). */
  readonly penalty: number;
  readonly iterations: number;
}

export const defaultLinearProbeOptions: LinearProbeOptions = { penalty: 1e-2, iterations: 200 };

/** A trained probe: `weights` [dimension, classes] row-major, `biases` [classes]. */
export interface LinearProbe {
  readonly weights: Float64Array;
  readonly biases: Float64Array;
  readonly dimension: number;
  readonly classes: number;
}

/** Fits the probe on `count` rows of `features` [count, dimension] with integer `labels` in `[0, classes)`. */
export function trainLinearProbe(features: ArrayLike<number>, labels: ArrayLike<number>, dimension: number, classes: number, options: LinearProbeOptions = defaultLinearProbeOptions): LinearProbe {
  const count = labels.length;
  const weightCount = dimension * classes;
  const size = weightCount + classes;
  const step = 1 / (largestEigenvalue(features, count, dimension) / 2 + 1 + options.penalty);
  let [parameters, previous, lookahead] = [new Float64Array(size), new Float64Array(size), new Float64Array(size)];
  const [gradient, residual] = [new Float64Array(size), new Float64Array(classes)];
  for (let t = 1; t <= options.iterations; t++) {
    const momentum = (t - 1) / (t + 2);
    for (let j = 0; j < size; j++) lookahead[j] = parameters[j]! + momentum * (parameters[j]! - previous[j]!);
    gradient.fill(0);
    for (let i = 0; i < count; i++) {
      softmaxRow(lookahead, weightCount, dimension, classes, features, i, residual);
      residual[labels[i]!]! -= 1;
      for (let c = 0; c < classes; c++) {
        const r = residual[c]! / count;
        residual[c] = r;
        gradient[weightCount + c]! += r;
      }
      for (let d = 0; d < dimension; d++) {
        const x = features[i * dimension + d]!;
        if (x !== 0) for (let c = 0; c < classes; c++) gradient[d * classes + c]! += x * residual[c]!;
      }
    }
    for (let j = 0; j < weightCount; j++) gradient[j]! += options.penalty * lookahead[j]!;
    // Rotate the buffers: the new parameters go where the oldest were.
    [previous, parameters, lookahead] = [parameters, previous, lookahead];
    for (let j = 0; j < size; j++) parameters[j] = lookahead[j]! - step * gradient[j]!;
  }
  return { weights: parameters.subarray(0, weightCount), biases: parameters.subarray(weightCount), dimension, classes };
}

/** Fraction of `labels.length` rows of `features` whose most probable class is their label. */
export function linearProbeAccuracy(probe: LinearProbe, features: ArrayLike<number>, labels: ArrayLike<number>): number {
  let hits = 0;
  const p = new Float64Array(probe.classes);
  const parameters = new Float64Array(probe.weights.length + probe.classes);
  parameters.set(probe.weights);
  parameters.set(probe.biases, probe.weights.length);
  for (let i = 0; i < labels.length; i++) {
    softmaxRow(parameters, probe.weights.length, probe.dimension, probe.classes, features, i, p);
    let best = 0;
    for (let c = 1; c < probe.classes; c++) if (p[c]! > p[best]!) best = c;
    if (best === labels[i]) hits += 1;
  }
  return hits / labels.length;
}

/** Softmax of row `row`'s logits (max-subtracted) into `out`; the weights then the biases in `parameters`. */
function softmaxRow(parameters: Float64Array, weightCount: number, dimension: number, classes: number, features: ArrayLike<number>, row: number, out: Float64Array): void {
  for (let c = 0; c < classes; c++) out[c] = parameters[weightCount + c]!;
  for (let d = 0; d < dimension; d++) {
    const x = features[row * dimension + d]!;
    if (x !== 0) for (let c = 0; c < classes; c++) out[c]! += x * parameters[d * classes + c]!;
  }
  let max = -Infinity;
  for (let c = 0; c < classes; c++) max = Math.max(max, out[c]!);
  let total = 0;
  for (let c = 0; c < classes; c++) total += out[c] = Math.exp(out[c]! - max);
  for (let c = 0; c < classes; c++) out[c]! /= total;
}

/** `lambda_max(X^T X / count)` by 50 power iterations (an upper estimate is fine: it only sets the step). */
function largestEigenvalue(features: ArrayLike<number>, count: number, dimension: number): number {
  const gram = new Float64Array(dimension * dimension);
  for (let i = 0; i < count; i++) {
    for (let a = 0; a < dimension; a++) {
      const xa = features[i * dimension + a]!;
      if (xa !== 0) for (let b = 0; b < dimension; b++) gram[a * dimension + b]! += (xa * features[i * dimension + b]!) / count;
    }
  }
  let vector = new Float64Array(dimension).fill(1 / Math.sqrt(dimension));
  let value = 0;
  for (let iteration = 0; iteration < 50; iteration++) {
    const next = new Float64Array(dimension);
    for (let a = 0; a < dimension; a++) for (let b = 0; b < dimension; b++) next[a]! += gram[a * dimension + b]! * vector[b]!;
    value = Math.hypot(...next);
    if (value === 0) return 0;
    vector = next.map((v) => v / value);
  }
  return value * 1.01;
}
