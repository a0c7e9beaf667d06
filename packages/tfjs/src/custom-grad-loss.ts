import { collectTensors, type LossDefinition, type LossInputs, type TensorBackend } from '@contrastive/core';
import type { GradSaveFunc, Tensor } from '@tensorflow/tfjs-core';
import { replaceTensors } from './tensor-tree.js';
import type { TfjsModule } from './tfjs-precision.js';

/**
 * Runs a core loss as one `tf.customGrad` op: the forward is core's forward; the tensors it saves for the
 * backward are handed to tfjs's `save` (kept only while a gradient tape records) and core's analytic backward
 * runs on them when tfjs asks for the gradient. Inputs outside `gradientInputs` (labels) are constants of the op;
 * inputs in `gradientInputs` receive gradients (`tf.grads`, `tf.variableGrads`, `optimizer.minimize`).
 * Inputs must already be validated.
 */
export function customGradLoss<I extends string, O extends object>(
  tf: TfjsModule,
  backend: TensorBackend<Tensor>,
  definition: LossDefinition<I, O>,
  inputs: LossInputs<Tensor, I>,
  options: O,
): Tensor {
  const gradientNames = definition.gradientInputs.filter((name) => inputs[name] !== undefined);
  if (gradientNames.length === 0) return definition.forward(backend, inputs, options).loss;
  const shapes = gradientNames.map((name) => inputs[name]!.shape);

  const op = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const save = args[args.length - 1] as GradSaveFunc;
    const differentiable = args.slice(0, -1) as Tensor[];
    const forwardInputs: Partial<Record<I, Tensor>> = { ...inputs };
    gradientNames.forEach((name, i) => {
      forwardInputs[name] = differentiable[i]!;
    });
    const { loss, saved } = definition.forward(backend, forwardInputs, options);
    const found = new Set<Tensor>();
    collectTensors(saved, backend.isTensor, found);
    const savedTensors = [...found];
    save(savedTensors);
    return {
      value: loss,
      gradFunc: (dy: Tensor | Tensor[], copies: Tensor[]) => {
        const replacements = new Map(savedTensors.map((tensor, i) => [tensor, copies[i]!]));
        const restored = replaceTensors(saved, replacements, backend.isTensor) as object;
        const gradients = definition.backward(backend, restored, dy as Tensor, options);
        return gradientNames.map((name, i) => gradients[name] ?? tf.zeros(shapes[i]!));
      },
    };
  });
  return op(...gradientNames.map((name) => inputs[name]!));
}
