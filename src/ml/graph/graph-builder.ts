/** @module ml/graph/graph-builder — records ONNX nodes, inputs, outputs and constants, then encodes a ModelProto. */
import { encodeOnnxModel, OnnxDataType } from './onnx-proto.ts';
import type { OnnxAttribute, OnnxDataTypeCode, OnnxNode, OnnxTensor, OnnxValueInfo } from './onnx-proto.ts';

/** The opset every graph of this project is emitted for (default ONNX domain). */
export const OPSET_VERSION = 17;
/** The ONNX IR version written into every model (IR 8 goes with opset 17). */
export const IR_VERSION = 8;

/** A float attribute; plain numbers are int attributes. */
export type FloatAttribute = { readonly float: number };
/** Attribute values: int, ints, float, string. */
export type AttributeValue = number | readonly number[] | FloatAttribute | string;

/** Marks a number as a float attribute (`alpha`, `epsilon`, ...). */
export function float(value: number): FloatAttribute {
  return { float: value };
}

function toAttribute(name: string, value: AttributeValue): OnnxAttribute {
  if (typeof value === 'number') return { name, kind: 'int', value };
  if (typeof value === 'string') return { name, kind: 'string', value };
  if (Array.isArray(value)) return { name, kind: 'ints', value: value as readonly number[] };
  return { name, kind: 'float', value: (value as FloatAttribute).float };
}

/**
 * Collects the nodes of one ONNX graph. Node outputs get unique names from a counter; constants (int64 vectors and
 * float tensors) are initializers shared by value. Floating tensors are float32 (onnxruntime's CPU Conv,
 * ConvTranspose and MaxUnpool have no float64 kernels, so a float64 variant would not run).
 */
export class GraphBuilder {
  readonly #nodes: OnnxNode[] = [];
  readonly #inputs: OnnxValueInfo[] = [];
  readonly #outputs: OnnxValueInfo[] = [];
  readonly #initializers: OnnxTensor[] = [];
  readonly #constants = new Map<string, string>();
  readonly #domains = new Set<string>();
  readonly #used = new Set<string>();
  #counter = 0;

  /** A fresh value name starting with `hint`. */
  fresh(hint: string): string {
    let name = `${hint}_${this.#counter++}`;
    while (this.#used.has(name)) name = `${hint}_${this.#counter++}`;
    this.#used.add(name);
    return name;
  }

  /** Declares a graph input of type float32 (or `dataType`); a string dimension is symbolic. */
  addInput(
    name: string,
    shape: readonly (number | string)[],
    dataType: OnnxDataTypeCode = OnnxDataType.FLOAT,
  ): string {
    this.#used.add(name);
    this.#inputs.push({ name, dataType, shape });
    return name;
  }

  /** Declares `name` (an existing value) as a graph output. */
  addOutput(
    name: string,
    shape: readonly (number | string)[],
    dataType: OnnxDataTypeCode = OnnxDataType.FLOAT,
  ): void {
    this.#outputs.push({ name, dataType, shape });
  }

  /** Adds a float32 initializer (float64 data is rounded to float32). */
  addInitializer(name: string, shape: readonly number[], data: Float32Array | Float64Array): string {
    this.#used.add(name);
    const typed = data instanceof Float32Array ? data : Float32Array.from(data);
    this.#initializers.push({ name, dims: shape, dataType: OnnxDataType.FLOAT, data: typed });
    return name;
  }

  /**
   * Appends one node.
   * @param opType - ONNX operator
   * @param inputs - input value names ('' for an omitted optional input)
   * @param attributes - attributes by name, default none
   * @param outputs - number of outputs (named automatically) or their names, default 1
   * @param domain - operator domain, default the ONNX domain (any other is imported at version 1)
   * @returns the output names
   */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    outputs: number | readonly string[] = 1,
    domain?: string,
  ): string[] {
    const names =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, () => this.fresh(opType))
        : outputs.map((n) => (this.#used.add(n), n));
    this.#nodes.push({
      opType,
      inputs,
      outputs: names,
      name: this.fresh(`n_${opType}`),
      attributes: Object.entries(attributes).map(([k, v]) => toAttribute(k, v)),
      ...(domain === undefined ? {} : { domain }),
    });
    if (domain !== undefined) this.#domains.add(domain);
    return names;
  }

  /** Appends a single-output node and returns its output name (see {@link GraphBuilder.node}). */
  op(
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
  ): string {
    return this.node(opType, inputs, attributes, 1)[0] as string;
  }

  /** Like {@link GraphBuilder.op} but the output gets the given name. */
  named(
    name: string,
    opType: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
  ): string {
    return this.node(opType, inputs, attributes, [name])[0] as string;
  }

  /** An int64 constant vector (shapes, axes, pads), shared by value. */
  ints(values: readonly number[]): string {
    const key = `i64:${values.join(',')}`;
    const known = this.#constants.get(key);
    if (known !== undefined) return known;
    const name = this.fresh('const_i64');
    this.#initializers.push({
      name,
      dims: [values.length],
      dataType: OnnxDataType.INT64,
      data: BigInt64Array.from(values, (v) => BigInt(v)),
    });
    this.#constants.set(key, name);
    return name;
  }

  /** A float32 constant with the given shape (default scalar), shared by value. */
  constant(values: readonly number[] | number, shape?: readonly number[]): string {
    const list = typeof values === 'number' ? [values] : values;
    const dims = shape ?? (typeof values === 'number' ? [] : [list.length]);
    const key = `f:${dims.join('x')}:${list.join(',')}`;
    const known = this.#constants.get(key);
    if (known !== undefined) return known;
    const name = this.addInitializer(this.fresh('const_f'), dims, Float64Array.from(list));
    this.#constants.set(key, name);
    return name;
  }

  /** A boolean scalar constant (e.g. Dropout's `training_mode`). */
  bool(value: boolean): string {
    const key = `b:${value}`;
    const known = this.#constants.get(key);
    if (known !== undefined) return known;
    const name = this.fresh('const_b');
    this.#initializers.push({
      name,
      dims: [],
      dataType: OnnxDataType.BOOL,
      data: Uint8Array.of(value ? 1 : 0),
    });
    this.#constants.set(key, name);
    return name;
  }

  /** Number of nodes recorded so far. */
  get nodeCount(): number {
    return this.#nodes.length;
  }

  /**
   * Encodes the recorded graph as ONNX ModelProto bytes.
   * @param graphName - graph name stored in the model
   * @param metadata - ModelProto metadata_props, default none
   */
  encode(graphName: string, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
    return encodeOnnxModel({
      irVersion: IR_VERSION,
      opsetVersion: OPSET_VERSION,
      extraOpsets: [...this.#domains].map((domain) => ({ domain, version: 1 })),
      producerName: 'fair',
      graphName,
      nodes: this.#nodes,
      inputs: this.#inputs,
      outputs: this.#outputs,
      initializers: this.#initializers,
      metadata,
    });
  }
}
