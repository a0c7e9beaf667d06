import {
  checkUpstreamValues,
  collectTensors,
  ContrastiveInputError,
  flagOutputs,
  formatShape,
  type DeviceCandidate,
  type LossDefinition,
  type LossInputs,
  type TensorBackend,
} from '@contrastive/core';
import type { GradSaveFunc, Tensor } from '@tensorflow/tfjs-core';
import { replaceTensors } from './tensor-tree.js';
import type { TfjsModule } from './tfjs-precision.js';

/** A checked call (`checkLossCall`): resolved options and the inputs whose values are checked on the device. */
export interface CheckedLossCall<I extends string, O extends object> {
  readonly inputs: LossInputs<Tensor, I>;
  readonly options: O;
  readonly deviceChecked: readonly DeviceCandidate<Tensor>[];
  /** See core's `CheckedCall.gradientScale`: bounds the upstream gradient's magnitude. Default 1. */
  readonly gradientScale?: number;
}

/**
 * Runs a core loss as one `tf.customGrad` op: the forward is core's forward; the tensors it saves for the
 * backward are handed to tfjs's `save` (kept only while a gradient tape records) and core's analytic backward
 * runs on them when tfjs asks for the gradient. Inputs outside `gradientInputs` (labels) are constants of the op;
 * inputs in `gradientInputs` receive gradients (`tf.grads`, `tf.variableGrads`, `optimizer.minimize`).
 *
 * The call must already be checked (core's `checkLossCall`). Inputs checked on the device are flagged into the
 * loss (`flagOutputs`: NaN when one is not finite). The upstream gradient must have the loss's shape
 * (`ContrastiveInputError` naming `upstream` otherwise); when the backward fails, the tensors saved for it are
 * disposed (tfjs keeps them otherwise: the tape is dropped without releasing them).
 */
export function customGradLoss<I extends string, O extends object>(
  tf: TfjsModule,
  backend: TensorBackend<Tensor>,
  definition: LossDefinition<I, O>,
  call: CheckedLossCall<I, O>,
): Tensor {
  const { inputs, options, deviceChecked } = call;
  const gradientScale = call.gradientScale ?? 1;
  const flagged = (loss: Tensor) => flagOutputs(backend, deviceChecked, { loss }).loss!;
  const gradientNames = definition.gradientInputs.filter((name) => inputs[name] !== undefined);
  if (gradientNames.length === 0) return flagged(definition.forward(backend, inputs, options).loss);
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
      value: flagged(loss),
      gradFunc: (dy: Tensor | Tensor[], copies: Tensor[]) => {
        try {
          const upstream = Array.isArray(dy) ? dy[0]! : dy;
          checkUpstream(upstream, loss.shape, options);
          // Its values, where the backend knows them on the host (a NaN dy would turn every gradient into NaN);
          // on GPU backends the gradients then carry the NaN, as dy does.
          const known = backend.capabilities.checkValues === 'off' ? undefined : backend.knownValues?.(upstream);
          if (known) checkUpstreamValues(known, upstream.shape, backend.capabilities.precision, gradientScale);
          const replacements = new Map(savedTensors.map((tensor, i) => [tensor, copies[i]!]));
          const restored = replaceTensors(saved, replacements, backend.isTensor) as object;
          const gradients = definition.backward(backend, restored, upstream, options);
          return gradientNames.map((name, i) => gradients[name] ?? tf.zeros(shapes[i]!));
        } catch (error) {
          tf.dispose(copies);
          throw error;
        }
      },
    };
  });
  return op(...gradientNames.map((name) => inputs[name]!));
}

/** The upstream gradient (`dy` of `tf.grads(f)(xs, dy)`) has the shape of the loss. */
function checkUpstream(upstream: Tensor, lossShape: readonly number[], options: object): void {
  if (upstream.shape.length === lossShape.length && upstream.shape.every((extent, i) => extent === lossShape[i])) return;
  const reduction = (options as { reduction?: unknown }).reduction;
  const of = typeof reduction === 'string' ? `the loss, reduction '${reduction}'` : 'the loss';
  throw new ContrastiveInputError('upstream', `shape ${formatShape(lossShape)} (the shape of ${of})`, `shape ${formatShape(upstream.shape)}`);
}
