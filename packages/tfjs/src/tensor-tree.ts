import type { Tensor } from '@tensorflow/tfjs-core';

/** Returns `value` with every tensor found through plain objects and arrays replaced by `replacements.get(tensor)`. */
export function replaceTensors(value: unknown, replacements: ReadonlyMap<Tensor, Tensor>, isTensor: (v: unknown) => v is Tensor): unknown {
  if (isTensor(value)) return replacements.get(value) ?? value;
  if (Array.isArray(value)) return value.map((item) => replaceTensors(item, replacements, isTensor));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceTensors(item, replacements, isTensor)]));
  }
  return value;
}
