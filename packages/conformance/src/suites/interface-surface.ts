import { fusedKernelNames, specificationVersion, type TensorBackend } from '@contrastive/core';
import type { CaseRegistry } from '../case-registry.js';

/** Every method of the interface a backend must provide (`readSync` is checked with `hostReadable`). */
export const requiredMethods = [
  'fromArray', 'fill', 'shape', 'reshape', 'transpose', 'slice', 'concat', 'takeAlongAxis',
  'add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'neg', 'abs', 'exp', 'log', 'log1p', 'sqrt',
  'equal', 'greater', 'where', 'sum', 'max', 'matmul', 'read', 'scope', 'dispose', 'liveCount', 'isTensor',
] as const satisfies readonly (keyof TensorBackend)[];

/** Optional contract hooks: checked by the contract suite (`contract.ts`) when present. */
export const contractHooks = ['dtype', 'isDisposed', 'knownValues'] as const satisfies readonly (keyof TensorBackend)[];

type Described =
  | (typeof requiredMethods)[number]
  | (typeof contractHooks)[number]
  | 'specificationVersion'
  | 'name'
  | 'capabilities'
  | 'fused'
  | 'readSync';
/** Fails to compile when the interface gains a member this list does not cover. */
const everyMemberCovered: [Exclude<keyof TensorBackend, Described>] extends [never] ? true : never = true;
void everyMemberCovered;

const precisions = ['float64', 'float32', 'float16'];

/** The interface surface: version, capabilities, one function per primitive, known fused kernel names. */
export function registerInterfaceSurface<T>(registry: CaseRegistry<T>): void {
  registry.test('surface/specification-version', (backend) => {
    if (backend.specificationVersion !== specificationVersion) {
      throw new Error(`specificationVersion is ${JSON.stringify(backend.specificationVersion)}, core's is "${specificationVersion}"`);
    }
    if (typeof backend.name !== 'string' || backend.name.length === 0) throw new Error('name is not a non-empty string');
  });
  registry.test('surface/capabilities', (backend) => {
    const capabilities: unknown = backend.capabilities;
    const problems: string[] = [];
    if (typeof capabilities !== 'object' || capabilities === null) throw new Error('capabilities is not an object');
    const field = (key: string): unknown => Reflect.get(capabilities, key);
    if (field('execution') !== 'eager' && field('execution') !== 'traced') problems.push(`execution is ${String(field('execution'))}`);
    if (!precisions.includes(field('precision') as string)) problems.push(`precision is ${String(field('precision'))}`);
    if (typeof field('hostReadable') !== 'boolean') problems.push(`hostReadable is ${String(field('hostReadable'))}`);
    if (field('hostReadable') === true && typeof backend.readSync !== 'function') problems.push('hostReadable but no readSync');
    if (problems.length > 0) throw new Error(`capabilities: ${problems.join('; ')}`);
  });
  registry.test('surface/primitives', (backend) => {
    // Reflect.get also finds methods on a class prototype.
    const missing = requiredMethods.filter((name) => typeof Reflect.get(backend as object, name) !== 'function');
    if (missing.length > 0) throw new Error(`not functions: ${missing.join(', ')}`);
  });
  registry.test('surface/fused-kernel-names', (backend: TensorBackend<T>) => {
    const known: readonly string[] = fusedKernelNames;
    const unknown = Object.keys(backend.fused ?? {}).filter((name) => !known.includes(name));
    if (unknown.length > 0) throw new Error(`fused overrides outside core's closed list: ${unknown.join(', ')}`);
  });
}
