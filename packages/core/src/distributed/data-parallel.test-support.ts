/**
 * Test support: splits a full batch across K simulated workers, runs each worker's local loss and reduce-scatters
 * the gathered gradients, exactly as a data-parallel training step would.
 */
import { computeLossAndGradients } from '../loss-definition.js';
import { createReferenceBackend } from '../reference/reference-backend.js';
import { localClip } from './local-clip.js';
import { localNtXent } from './local-nt-xent.js';
import { localSupCon } from './local-sup-con.js';

export type Matrix = number[][];
export interface WorkerTask {
  readonly loss: 'local-nt-xent' | 'local-clip' | 'local-sup-con';
  /** Local rows by input name (matrices, label vectors or scalars). */
  readonly local: Readonly<Record<string, Matrix | number[] | number | undefined>>;
  /** Gathered rows by input name. */
  readonly gathered: Readonly<Record<string, Matrix | number[] | undefined>>;
  readonly options: Record<string, unknown>;
}
export interface WorkerResult {
  readonly loss: number;
  readonly gradients: Record<string, number[]>;
}

const definitions = { 'local-nt-xent': localNtXent, 'local-clip': localClip, 'local-sup-con': localSupCon } as const;

/** One worker's step on the reference backend (also what each worker_thread runs). */
export function runWorker(task: WorkerTask): WorkerResult {
  const b = createReferenceBackend();
  const tensor = (value: Matrix | number[] | number) => {
    if (typeof value === 'number') return b.fill([], value);
    if (Array.isArray(value[0])) return b.fromArray((value as Matrix).flat(), [value.length, (value as Matrix)[0]!.length]);
    return b.fromArray(value as number[], [value.length]);
  };
  const entries = [...Object.entries(task.local), ...Object.entries(task.gathered)];
  const inputs = Object.fromEntries(entries.flatMap(([k, v]) => (v === undefined ? [] : [[k, tensor(v)]])));
  const definition = definitions[task.loss];
  const result = computeLossAndGradients(b, definition as typeof localNtXent, inputs, task.options);
  const gradients = Object.fromEntries(
    Object.entries(result.gradients).map(([name, t]) => [name, Array.from(b.readSync!(t as never))]),
  );
  return { loss: b.readSync!(result.loss)[0]!, gradients };
}

/** Row blocks of a batch of `rows` rows over `workers` workers (uneven sizes allowed). */
export function splitRows(rows: number, workers: number): { offset: number; count: number }[] {
  const base = Math.floor(rows / workers);
  const extra = rows % workers;
  let offset = 0;
  return Array.from({ length: workers }, (_, k) => {
    const count = base + (k < extra ? 1 : 0);
    const block = { offset, count };
    offset += count;
    return block;
  });
}

/**
 * Reduce-scatter: for each gathered input, sums every worker's gathered gradient and gives worker k its own
 * rows, added to its local gradient. Returns the full-batch gradient rows in order, by local input name.
 */
export function combineGradients(
  results: readonly WorkerResult[],
  blocks: readonly { offset: number; count: number }[],
  pairs: Record<string, string>,
  dimension: number,
): Record<string, number[]> {
  const combined: Record<string, number[]> = {};
  for (const [localName, gatheredName] of Object.entries(pairs)) {
    const summed = results.reduce<number[]>(
      (acc, r) => r.gradients[gatheredName]!.map((v, i) => v + (acc[i] ?? 0)),
      [],
    );
    combined[localName] = results.flatMap((r, k) => {
      const { offset, count } = blocks[k]!;
      return r.gradients[localName]!.map((v, i) => v + summed[offset * dimension + i]!).slice(0, count * dimension);
    });
  }
  return combined;
}
