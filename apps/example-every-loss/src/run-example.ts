import { computeLossAndGradients, losses, topKAccuracy, type LossDefinition, type TensorBackend } from '@contrastive/core';
import { exampleBatch } from './example-inputs.js';
import { inputsFor } from './inputs-for.js';

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
    lines.push(`  loss = ${format(await backend.read(result.loss))}`);
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
