/**
 * Symbolic values of the tracing backend. An `OnnxTensor` holds no numbers: it records its static shape, its
 * element type and where it comes from (a graph input, constant data, or the one ONNX node that produces it).
 * Tensors are immutable and reference only earlier tensors, so creation order is a topological order.
 */
import type { Shape } from '@contrastive/core';

/** Element types of traced values: every number is float32; masks (`equal`, `greater`) are bool. */
export type OnnxElementType = 'float32' | 'bool';

/** A constant int64 operand (shapes, axes, indices), emitted as an initializer. */
export interface Int64Operand {
  readonly kind: 'int64';
  readonly values: readonly number[] | Int32Array;
  readonly shape: Shape;
}

export type AttributeValue =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'tensor'; readonly shape: Shape; readonly values: Float32Array };

/** One ONNX node with a single output. */
export interface OnnxNode {
  readonly opType: string;
  readonly inputs: readonly (OnnxTensor | Int64Operand)[];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

export type OnnxSource =
  | { readonly kind: 'input'; readonly name: string }
  | { readonly kind: 'data'; readonly values: Float32Array }
  | { readonly kind: 'node'; readonly node: OnnxNode };

let nextId = 0;

export class OnnxTensor {
  /** Increasing creation number: sorting by it orders nodes topologically. */
  readonly id = nextId++;
  disposed = false;

  constructor(
    readonly shape: Shape,
    readonly elementType: OnnxElementType,
    readonly source: OnnxSource,
    /** The backend that created it (a tensor of one backend is foreign to another). */
    readonly owner: object,
  ) {}
}

export function int64Operand(values: readonly number[] | Int32Array, shape?: Shape): Int64Operand {
  return { kind: 'int64', values, shape: shape ?? [values.length] };
}

export function isInt64Operand(value: OnnxTensor | Int64Operand): value is Int64Operand {
  return !(value instanceof OnnxTensor);
}

/** The tensors `outputs` depend on, in creation (topological) order, including the outputs themselves. */
export function collectGraph(outputs: readonly OnnxTensor[]): OnnxTensor[] {
  const seen = new Map<number, OnnxTensor>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const tensor = stack.pop()!;
    if (seen.has(tensor.id)) continue;
    seen.set(tensor.id, tensor);
    if (tensor.source.kind !== 'node') continue;
    for (const operand of tensor.source.node.inputs) if (!isInt64Operand(operand)) stack.push(operand);
  }
  return [...seen.values()].sort((a, b) => a.id - b.id);
}
