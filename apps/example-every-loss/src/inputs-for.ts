import type { TensorBackend } from '@contrastive/core';
import { exampleBatch } from './example-inputs.js';

/** The example's tensors and options for one loss of the registry, by its registry key. */
export function inputsFor<T>(b: TensorBackend<T>, name: string): { inputs: Record<string, T>; options: object } {
  const matrix = (rows: readonly (readonly number[])[]) => b.fromArray(rows.flat(), [rows.length, rows[0]!.length]);
  const anchors = matrix(exampleBatch.anchors);
  const positives = matrix(exampleBatch.positives);
  const pair = { anchors, positives };
  switch (name) {
    case 'simclrInfoNce':
      return { inputs: { embeddings: b.concat([anchors, positives], 0) }, options: { views: 2, temperature: 0.5 } };
    case 'infoNce':
      return { inputs: { ...pair, negatives: matrix(exampleBatch.negatives) }, options: { temperature: 0.1 } };
    case 'supCon':
      return {
        inputs: { embeddings: b.concat([anchors, positives], 0), labels: b.fromArray(exampleBatch.labels, [4]) },
        options: { views: 2 },
      };
    case 'clip':
      return { inputs: { ...pair, logitScale: b.fill([], exampleBatch.logitScale) }, options: {} };
    case 'sigLip':
      return {
        inputs: { ...pair, logTemperature: b.fill([], exampleBatch.logTemperature), bias: b.fill([], exampleBatch.bias) },
        options: {},
      };
    case 'tripletMargin':
      return { inputs: { ...pair, negatives: b.concat([matrix(exampleBatch.negatives), matrix(exampleBatch.negatives)], 0) }, options: { margin: 0.5 } };
    case 'uniformity':
      return { inputs: { embeddings: anchors }, options: {} };
    default:
      return { inputs: pair, options: {} };
  }
}
