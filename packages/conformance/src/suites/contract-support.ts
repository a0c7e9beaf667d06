/**
 * Shared steps of the contract suite: run a call the way a user does (create inputs, compute, read every output),
 * always release what was created, check that `liveCount()` is back where it started, and report what was thrown.
 */
import { computeLossAndGradients, ContrastiveInputError, ContrastiveResourceError, disposeAll, type TensorBackend } from '@contrastive/core';
import type { AnyLossDefinition } from '../evaluate-loss.js';
import type { ActualTensor } from '../compare-values.js';

export interface CallOutcome {
  readonly thrown?: unknown;
  readonly values?: Readonly<Record<string, ActualTensor>>;
}

/**
 * Builds the inputs with `build` (inside no scope: the caller's tensors), computes loss and gradients, reads them,
 * releases everything, and fails when a tensor is left alive. A throw from `build`'s call or from a read is caught.
 */
export async function runCall<T>(
  backend: TensorBackend<T>,
  build: (b: TensorBackend<T>) => {
    inputs: Record<string, unknown>;
    options?: unknown;
    upstream?: T;
    /** What to pass as the backend argument (misuse cases); default the backend itself. */
    callBackend?: unknown;
    owned: T[];
  },
  loss: AnyLossDefinition,
): Promise<CallOutcome> {
  const before = backend.liveCount();
  const call = build(backend);
  let outcome: CallOutcome;
  let result: { loss: T; gradients: object } | undefined;
  try {
    const target = ('callBackend' in call ? call.callBackend : backend) as TensorBackend<T>;
    result = computeLossAndGradients(target, loss, call.inputs as never, call.options as never, call.upstream);
    const gradients = result.gradients as Record<string, T | undefined>;
    const names = Object.keys(gradients);
    const values = await readAllSettled(backend, { loss: result.loss, ...Object.fromEntries(names.map((n) => [`gradient:${n}`, gradients[n]])) });
    outcome = { values };
  } catch (error) {
    outcome = { thrown: error };
  } finally {
    if (result) disposeAll(backend, result);
    for (const tensor of call.owned) if (!backend.isDisposed?.(tensor)) backend.dispose(tensor);
  }
  const after = backend.liveCount();
  if (after !== before) {
    const what = outcome.thrown === undefined ? 'the call' : `the failed call (${String(outcome.thrown)})`;
    throw new Error(`${after - before} tensor(s) leaked by ${what} (liveCount ${after}, expected ${before})`);
  }
  return outcome;
}

/** Like `readAll`, but waits for every read to settle before throwing the first rejection (reads clean up). */
async function readAllSettled<T>(backend: TensorBackend<T>, tensors: Readonly<Record<string, T | undefined>>): Promise<Record<string, ActualTensor>> {
  const entries = Object.entries(tensors).filter((entry): entry is [string, T] => entry[1] !== undefined);
  const settled = await Promise.allSettled(entries.map(([, tensor]) => backend.read(tensor)));
  const rejected = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (rejected) throw rejected.reason;
  return Object.fromEntries(
    entries.map(([name, tensor], i) => [name, { shape: [...backend.shape(tensor)], values: (settled[i] as PromiseFulfilledResult<Float32Array | Float64Array>).value }]),
  );
}

/** The outcome must be a `ContrastiveInputError` whose `argument` names `argument` (or contains it). */
export function expectInputError(outcome: CallOutcome, argument: string): void {
  const { thrown } = outcome;
  if (!(thrown instanceof ContrastiveInputError)) {
    const got = thrown === undefined ? `no error (values ${describeValues(outcome)})` : String(thrown);
    throw new Error(`expected ContrastiveInputError naming "${argument}", got ${got}`);
  }
  if (!thrown.argument.split(', ').some((name) => name === argument || name.startsWith(`${argument} `))) {
    throw new Error(`the error names "${thrown.argument}", expected "${argument}": ${thrown.message}`);
  }
}

/** A typed error (input or resource), or every value finite. Returns the values when there are some. */
export function expectTypedOrFinite(outcome: CallOutcome): Readonly<Record<string, ActualTensor>> | undefined {
  if (outcome.thrown !== undefined) {
    if (outcome.thrown instanceof ContrastiveInputError || outcome.thrown instanceof ContrastiveResourceError) return undefined;
    throw new Error(`expected a finite result or a typed error, got ${String(outcome.thrown)}`);
  }
  for (const [name, tensor] of Object.entries(outcome.values!)) {
    for (let i = 0; i < tensor.values.length; i++) {
      if (!Number.isFinite(tensor.values[i]!)) throw new Error(`${name}[${i}] is ${tensor.values[i]} for finite input and valid options`);
    }
  }
  return outcome.values;
}

function describeValues(outcome: CallOutcome): string {
  const loss = outcome.values?.['loss'];
  return loss ? `loss ${Array.from(loss.values).slice(0, 3).join(', ')}` : 'none';
}
