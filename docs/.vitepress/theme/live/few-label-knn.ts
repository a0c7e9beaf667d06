/**
 * The few-label evaluation of the live training demo, a small version of the Node demo's (`apps/demo`, which adds
 * a linear probe): with only `labelsPerClass` labelled training images per digit, how well does a k-NN vote
 * (cosine, `k = min(5, labelsPerClass)`) on a representation classify the held-out images? Mean and sample
 * standard deviation over `draws` random labelled sets (the same sets for every representation).
 */
import type { SeededRandom } from '@contrastive/playground';

/** Rows [count, dimension], row-major, of the training and the held-out images. */
export interface LiveRepresentation {
  readonly train: ArrayLike<number>;
  readonly heldOut: ArrayLike<number>;
  readonly dimension: number;
}

export interface FewLabelScore {
  readonly mean: number;
  readonly spread: number;
}

export interface LiveFewLabelRow {
  readonly labelsPerClass: number;
  readonly learned: FewLabelScore;
  readonly random: FewLabelScore;
  readonly raw: FewLabelScore;
}

/** Scores the three representations at each budget of labels per class. */
export function fewLabelKnn(
  representations: { learned: LiveRepresentation; random: LiveRepresentation; raw: LiveRepresentation },
  trainLabels: ArrayLike<number>,
  heldOutLabels: ArrayLike<number>,
  budgets: readonly number[],
  draws: number,
  random: SeededRandom,
): LiveFewLabelRow[] {
  return budgets.map((budget) => {
    const subsets = Array.from({ length: draws }, () => drawPerClass(trainLabels, budget, random));
    const k = Math.min(5, budget);
    const scoreOf = (representation: LiveRepresentation) => meanAndSpread(subsets.map((rows) => knnAccuracy(representation, rows, trainLabels, heldOutLabels, k)));
    return { labelsPerClass: budget, learned: scoreOf(representations.learned), random: scoreOf(representations.random), raw: scoreOf(representations.raw) };
  });
}

/** `budget` random rows of each label (fewer where a label has fewer rows). */
export function drawPerClass(labels: ArrayLike<number>, budget: number, random: SeededRandom): number[] {
  const order = Array.from({ length: labels.length }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const taken = new Map<number, number>();
  return order.filter((row) => {
    const count = taken.get(labels[row]!) ?? 0;
    if (count >= budget) return false;
    taken.set(labels[row]!, count + 1);
    return true;
  });
}

function meanAndSpread(values: readonly number[]): FewLabelScore {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, spread: Math.sqrt(variance) };
}

const unit = (values: ArrayLike<number>, row: number, dimension: number) => {
  const out = Float64Array.from({ length: dimension }, (_, d) => values[row * dimension + d]!);
  const length = Math.hypot(...out) || 1;
  return out.map((v) => v / length);
};

/** Held-out accuracy of a k-NN vote (ties to the label of the nearest voter) over the labelled `rows`. */
function knnAccuracy(representation: LiveRepresentation, rows: readonly number[], trainLabels: ArrayLike<number>, heldOutLabels: ArrayLike<number>, k: number): number {
  const { dimension } = representation;
  const keys = rows.map((row) => unit(representation.train, row, dimension));
  let hits = 0;
  for (let q = 0; q < heldOutLabels.length; q++) {
    const query = unit(representation.heldOut, q, dimension);
    const nearest = keys
      .map((key, i) => [key.reduce((sum, v, d) => sum + v * query[d]!, 0), trainLabels[rows[i]!]!] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, k);
    const votes = new Map<number, number>();
    for (const [, label] of nearest) votes.set(label, (votes.get(label) ?? 0) + 1);
    const best = Math.max(...votes.values());
    if (nearest.find(([, label]) => votes.get(label) === best)![1] === heldOutLabels[q]) hits++;
  }
  return hits / heldOutLabels.length;
}
