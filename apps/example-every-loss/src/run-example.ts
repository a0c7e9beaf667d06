import { computeLossAndGradients, losses, topKAccuracy, type LossDefinition, type TensorBackend } from '@contrastive/core';
import { exampleBatch } from './example-inputs.js';
import { inputsFor } from './inputs-for.js';

/** Why a loss can be below zero, printed under its value when it is (the others are at least 0). */
export const negativeLossNotes: Readonly<Record<string, string>> = {
  contrastiveLoss:
    'below 0 is expected: a decoupled loss leaves the positive out of the denominator, so -s_ii + log sum_{j != i} exp(s_ij) is below 0 whenever exp(s_ii) exceeds the sum of exp(s_ij) over the negatives',
  dcl: 'below 0 is expected: decoupled contrastive learning leaves the positive out of the denominator, so -s_ii + log sum_{negatives} exp(s_ij) is below 0 whenever exp(s_ii) exceeds the sum of exp(s_ij) over the negatives',
  uniformity: 'always <= 0: the log of a mean of exp(-t ||u - v||^2), each term at most 1 (lower is more uniform)',
};

const format = (values: ArrayLike<number>) => Array.from(values, (v) => v.toPrecision(6)).join(', ');

/** Computes every loss with its gradients on the example and returns the report, line by line. */
export async function runExample<T>(backend: TensorBackend<T>): Promise<string[]> {
  const lines = [
    `@contrastive/core on the ${backend.name} backend (${backend.capabilities.precision})`,
    `example: ${exampleBatch.anchors.length} pairs of ${exampleBatch.anchors[0]!.length}-D embeddings`,
    '',
  ];
  for (const [name, loss] of Object.entries(losses) as [string, LossDefinition<string, object>][]) {
    const { inputs, options } = inputsFor(backend, name);
    const result = computeLossAndGradients(backend, loss, inputs, options);
    lines.push(`${name}  options ${JSON.stringify(options)}`);
    const values = await backend.read(result.loss);
    lines.push(`  loss = ${format(values)}`);
    if (Array.from(values).some((value) => value < 0) && negativeLossNotes[name]) lines.push(`    (${negativeLossNotes[name]})`);
    for (const input of loss.gradientInputs) {
      const gradient = result.gradients[input];
      if (gradient === undefined) continue;
      lines.push(`  d loss / d ${input} [${backend.shape(gradient).join(', ')}] = ${format(await backend.read(gradient))}`);
    }
  }
  const { inputs } = inputsFor(backend, 'ntXent');
  const accuracy = topKAccuracy(backend, { anchors: inputs.anchors!, positives: inputs.positives! }, { k: 1 });
  lines.push('', `topKAccuracy (k = 1) = ${format(await backend.read(accuracy))}`);
  return lines;
}
