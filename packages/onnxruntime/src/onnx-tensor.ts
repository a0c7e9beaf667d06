import type { Shape } from '@contrastive/core';

/**
 * Element types of traced values: every number is float32; masks (`equal`, `greater`) are bool; int64 only for
 * loop counters and the offsets computed from them inside a loop body.
 *
 * @example
 * const isMask = (x: OnnxTensor) => x.elementType === 'bool';
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export type OnnxElementType = 'float32' | 'bool' | 'int64' | 'uint8';

/**
 * A constant int64 operand (shapes, axes, indices), emitted as an initializer.
 *
 * @example
 * const axes: Int64Operand = { kind: 'int64', values: [1], shape: [1] };
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface Int64Operand {
  /** Always `'int64'`. */
  readonly kind: 'int64';
  /** The values, row-major. */
  readonly values: readonly number[] | Int32Array;
  /** Their shape. */
  readonly shape: Shape;
}

/**
 * A node attribute, by `kind`: `int`, `float` and `string` (a `value`), `ints` (a `value` list), `tensor` (`shape` and
 * float32 `values`), or `graph` (a loop body, `graph`).
 *
 * @example
 * const alpha: AttributeValue = { kind: 'float', value: 1 };
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export type AttributeValue =
  | {
      /** An int attribute. */
      readonly kind: 'int';
      /** Its value. */
      readonly value: number;
    }
  | {
      /** An ints attribute. */
      readonly kind: 'ints';
      /** Its values. */
      readonly value: readonly number[];
    }
  | {
      /** A float attribute. */
      readonly kind: 'float';
      /** Its value. */
      readonly value: number;
    }
  | {
      /** A string attribute (`reduction: 'add'`). */
      readonly kind: 'string';
      /** Its value. */
      readonly value: string;
    }
  | {
      /** A float32 tensor attribute. */
      readonly kind: 'tensor';
      /** Its shape. */
      readonly shape: Shape;
      /** Its values, row-major. */
      readonly values: Float32Array;
    }
  | {
      /** A graph attribute (a Loop body). */
      readonly kind: 'graph';
      /** The body. */
      readonly graph: OnnxSubgraph;
    };

/**
 * A loop body: its formal inputs (tensors with an `input` source, private to the body) and outputs. Values the
 * body uses that do not depend on a formal input are computed once outside it and captured from the outer scope.
 *
 * @example
 * const body: OnnxSubgraph = { inputs: [iteration, condition], outputs: [nextCondition, blockSum] };
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface OnnxSubgraph {
  /** The formal inputs. */
  readonly inputs: readonly OnnxTensor[];
  /** The outputs. */
  readonly outputs: readonly OnnxTensor[];
}

/**
 * One ONNX node with a single output.
 *
 * @example
 * if (tensor.source.kind === 'node') console.log(tensor.source.node.opType);
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export interface OnnxNode {
  /** The ONNX operator (`MatMul`, `Exp`, ...). */
  readonly opType: string;
  /** Its operands, in the operator's order. */
  readonly inputs: readonly (OnnxTensor | Int64Operand)[];
  /** Its attributes, by name. */
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/**
 * Where a traced value comes from, by `kind`: `input` (a named graph input, `name`), `data` (constant float32
 * `values`), `node` (the ONNX `node` that produces it), or `output` (output `index` >= 1 of the node that produces
 * `of`, such as a Loop's scan outputs after its carried values).
 *
 * @example
 * const fed = x.source.kind === 'input' ? x.source.name : undefined;
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export type OnnxSource =
  | {
      /** A graph input. */
      readonly kind: 'input';
      /** Its name. */
      readonly name: string;
    }
  | {
      /** Constant data. */
      readonly kind: 'data';
      /** The values, row-major. */
      readonly values: Float32Array;
    }
  | {
      /** The output of a node. */
      readonly kind: 'node';
      /** The node. */
      readonly node: OnnxNode;
    }
  | {
      /** A further output of a node with several. */
      readonly kind: 'output';
      /** The node's first output (a tensor with a `node` source). */
      readonly of: OnnxTensor;
      /** Which output, from 1. */
      readonly index: number;
    };

let nextId = 0;

/**
 * Symbolic values of the tracing backend. An `OnnxTensor` holds no numbers: it records its static shape, its
 * element type and where it comes from (a graph input, constant data, or the one ONNX node that produces it).
 * Tensors are immutable and reference only earlier tensors, so creation order is a topological order.
 *
 * @example
 * const backend = createTracingBackend();
 * const x = backend.placeholder('x', [2, 3]);
 * console.log(x.shape, x.elementType, x.source.kind); // [2, 3] 'float32' 'input'
 *
 * @see [ONNX Runtime backend](/backends/onnxruntime)
 */
export class OnnxTensor {
  /** Increasing creation number: sorting by it orders nodes topologically. */
  readonly id = nextId++;
  /** True once the backend disposed it. */
  disposed = false;

  constructor(
    /** The static shape. */
    readonly shape: Shape,
    /** The element type. */
    readonly elementType: OnnxElementType,
    /** Where the value comes from. */
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

/** The tensors a traced value is computed from: a node's operands and captures, a further output's first one. */
function sourceDependencies(tensor: OnnxTensor): OnnxTensor[] {
  if (tensor.source.kind === 'output') return [tensor.source.of];
  return tensor.source.kind === 'node' ? dependencies(tensor.source.node) : [];
}

/** The tensor operands of a node, plus the values its loop bodies capture from the enclosing graph. */
function dependencies(node: OnnxNode): OnnxTensor[] {
  const operands = node.inputs.filter((operand): operand is OnnxTensor => !isInt64Operand(operand));
  for (const value of Object.values(node.attributes)) if (value.kind === 'graph') operands.push(...splitSubgraph(value.graph).captures);
  return operands;
}

/**
 * The tensors `outputs` depend on, in creation (topological) order, including the outputs themselves (a loop
 * node's dependencies are its operands and its body's captures, never the body itself).
 */
export function collectGraph(outputs: readonly OnnxTensor[]): OnnxTensor[] {
  const seen = new Map<number, OnnxTensor>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const tensor = stack.pop()!;
    if (seen.has(tensor.id)) continue;
    seen.set(tensor.id, tensor);
    stack.push(...sourceDependencies(tensor));
  }
  return [...seen.values()].sort((a, b) => a.id - b.id);
}

const splits = new WeakMap<OnnxSubgraph, { body: OnnxTensor[]; captures: OnnxTensor[] }>();

/**
 * Splits a loop body into the tensors computed in every iteration (those that depend on a formal input, in
 * topological order, formal inputs excluded) and the outer values it captures (everything else it reads).
 */
export function splitSubgraph(graph: OnnxSubgraph): { body: OnnxTensor[]; captures: OnnxTensor[] } {
  const cached = splits.get(graph);
  if (cached) return cached;
  const formal = new Set(graph.inputs);
  const varying = new Map<number, boolean>();
  const dependsOnFormal = (tensor: OnnxTensor): boolean => {
    const known = varying.get(tensor.id);
    if (known !== undefined) return known;
    const result = formal.has(tensor) || sourceDependencies(tensor).some(dependsOnFormal);
    varying.set(tensor.id, result);
    return result;
  };
  const body: OnnxTensor[] = [];
  const captures: OnnxTensor[] = [];
  const seen = new Set<number>();
  const visit = (tensor: OnnxTensor) => {
    if (seen.has(tensor.id) || formal.has(tensor)) return;
    seen.add(tensor.id);
    if (!dependsOnFormal(tensor)) {
      captures.push(tensor);
      return;
    }
    for (const operand of sourceDependencies(tensor)) visit(operand);
    body.push(tensor);
  };
  graph.outputs.forEach(visit);
  const result = { body: body.sort((a, b) => a.id - b.id), captures };
  splits.set(graph, result);
  return result;
}
