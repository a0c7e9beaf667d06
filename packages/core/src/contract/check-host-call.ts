/**
 * The call contract for tools that hold the inputs as host arrays and compute elsewhere (the ONNX Runtime loss
 * runner, exported graphs): the same checks as `computeLoss`, in the precision the computation runs in.
 */
import type { LossDefinition } from '../loss-definition.js';
import type { CrossViewQuery } from '../math/cross-view-cross-entropy.js';
import type { WorkingSetQuery } from '../math/similarity-cross-entropy.js';
import type { FloatPrecision, Shape, TensorBackend } from '../tensor-backend.js';
import { checkCall, checkInputsObject, checkLoss } from './check-call.js';

/**
 * Row-major values and a shape, as given by the caller.
 *
 * @example
 * const anchors: HostValues = { values: new Float32Array(8 * 32), shape: [8, 32] };
 *
 * @see [Guarantees](/guides/guarantees)
 */
export interface HostValues {
  /** The values, row-major. */
  readonly values: ArrayLike<number>;
  /** Their shape. */
  readonly shape: Shape;
}

/**
 * Where a host-array call runs, for {@link checkHostCall}: what a `TensorBackend`'s capabilities would say.
 *
 * @example
 * const target: HostCallTarget = { name: 'onnxruntime-node', precision: 'float32', memoryBudgetBytes: 2 ** 30 };
 *
 * @see [Guarantees](/guides/guarantees)
 */
export interface HostCallTarget {
  /** Where the call runs, for messages (`onnxruntime-node`). */
  readonly name: string;
  /** The precision the target computes in; values are checked in it. */
  readonly precision: FloatPrecision;
  /** Bytes one call may need at once. Default: `defaultMemoryBudgetBytes[precision]` (2 GiB). */
  readonly memoryBudgetBytes?: number;
  /** `'off'` skips the value checks (see `BackendCapabilities.checkValues`). Default `'on'`. */
  readonly checkValues?: 'on' | 'off';
  /**
   * Live similarity-sized matrices of the target's kernel (see `SimilarityCrossEntropy.workingMatrices`);
   * `runtimeGroups` as `WorkingSetQuery.runtimeGroups` (SupCon's labels).
   */
  readonly workingMatrices?: (constantShift: boolean, rows: number, rowShift: boolean, runtimeGroups: boolean) => number;
  /**
   * Live [n, n] matrices of the target's `crossViewCrossEntropy` kernel, `undefined` where its composed kernel runs
   * (see `CrossViewCrossEntropy.workingMatrices`).
   */
  readonly crossViewMatrices?: (set: CrossViewQuery) => number | undefined;
  /** Live [n, n] matrices of the target's `sigmoidPairwise` kernel (see `SigmoidPairwise.workingMatrices`). */
  readonly sigmoidPairwiseMatrices?: (rows: number) => number;
}

class HostInput {
  constructor(readonly host: HostValues) {}
}

/**
 * Checks a call whose inputs are host arrays; returns the resolved options. Throws like `computeLoss`.
 *
 * @param loss - The loss definition.
 * @param inputs - The inputs as host arrays with shapes, by name.
 * @param options - Options of the loss; each one left out takes its default.
 * @param target - Where the call runs: name, precision, memory budget.
 * @returns The resolved options (defaults filled in).
 * @throws ContrastiveInputError or ContrastiveResourceError, as `computeLoss`.
 *
 * @example
 * const options = checkHostCall(ntXent, { anchors: { values, shape: [8, 32] }, positives: { values: p, shape: [8, 32] } },
 *   {}, { name: 'onnxruntime-node', precision: 'float32' });
 *
 * @see [Guarantees](/guides/guarantees)
 */
export function checkHostCall<I extends string, O extends object>(
  loss: LossDefinition<I, O>,
  inputs: { readonly [K in I]?: HostValues },
  options: Partial<O> | undefined,
  target: HostCallTarget,
): O {
  checkLoss(loss);
  checkInputsObject(loss.inputs, inputs);
  const resolved = loss.resolveOptions(options);
  const view = hostView(target);
  const wrapped = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [name, isHostValues(value) ? new HostInput(value) : value]),
  ) as { [K in I]?: HostInput };
  checkCall(view, loss, wrapped, resolved);
  return resolved;
}

function isHostValues(value: unknown): value is HostValues {
  const candidate = value as Partial<HostValues> | null;
  return candidate !== null && typeof candidate === 'object' && Array.isArray(candidate.shape) && typeof candidate.values?.length === 'number';
}

/** A backend view over host inputs: enough for shape and value checks, no kernels. */
function hostView(target: HostCallTarget): TensorBackend<HostInput> {
  const unsupported = () => {
    throw new Error(`${target.name}: the host view only checks calls`);
  };
  const workingMatrices = target.workingMatrices;
  const view = {
    specificationVersion: 'v1',
    name: target.name,
    capabilities: {
      execution: 'traced',
      precision: target.precision,
      hostReadable: false,
      ...(target.memoryBudgetBytes === undefined ? {} : { memoryBudgetBytes: target.memoryBudgetBytes }),
      ...(target.checkValues === undefined ? {} : { checkValues: target.checkValues }),
    },
    fused: {
      ...(workingMatrices
        ? { similarityCrossEntropy: { forward: unsupported, backward: unsupported, workingMatrices: (q: WorkingSetQuery) => workingMatrices(q.constantShift, q.rows, q.rowShift ?? false, q.runtimeGroups ?? false) } }
        : {}),
      ...(target.crossViewMatrices ? { crossViewCrossEntropy: { forward: unsupported, backward: unsupported, workingMatrices: target.crossViewMatrices } } : {}),
      ...(target.sigmoidPairwiseMatrices ? { sigmoidPairwise: { forward: unsupported, backward: unsupported, workingMatrices: target.sigmoidPairwiseMatrices } } : {}),
    },
    isTensor: (value: unknown): value is HostInput => value instanceof HostInput,
    shape: (x: HostInput) => x.host.shape,
    knownValues: (x: HostInput) => x.host.values,
    scope: <R>(fn: () => R) => fn(),
    dispose: () => undefined,
    liveCount: () => 0,
  };
  // Kernels are absent: `checkCall` and the losses' `validate` never run one.
  return view as unknown as TensorBackend<HostInput>;
}
