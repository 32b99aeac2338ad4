/** @module ml/graph/onnx-proto — a tiny protobuf writer for the few ONNX messages a model needs (ModelProto & co.). */

/** ONNX TensorProto.DataType values used here. */
export const OnnxDataType = { FLOAT: 1, UINT8: 2, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;

/** One of the ONNX element types this writer emits. */
export type OnnxDataTypeCode = (typeof OnnxDataType)[keyof typeof OnnxDataType];

/** An initializer or tensor attribute: raw little-endian data of a typed array. */
export type OnnxTensor = {
  name: string;
  dims: readonly number[];
  dataType: OnnxDataTypeCode;
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array;
};

/** A node attribute value: a number is an int unless it is listed under `floats`/`f`. */
export type OnnxAttribute =
  | { name: string; kind: 'int'; value: number }
  | { name: string; kind: 'float'; value: number }
  | { name: string; kind: 'ints'; value: readonly number[] }
  | { name: string; kind: 'floats'; value: readonly number[] }
  | { name: string; kind: 'string'; value: string }
  | { name: string; kind: 'tensor'; value: OnnxTensor };

/** One operator call of the graph. */
export type OnnxNode = {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  attributes: readonly OnnxAttribute[];
  domain?: string;
};

/** A graph input or output: name, element type and shape (a string is a symbolic dimension such as `N`). */
export type OnnxValueInfo = { name: string; dataType: OnnxDataTypeCode; shape: readonly (number | string)[] };

/** Everything a ModelProto holds that this project emits. */
export type OnnxModel = {
  irVersion: number;
  opsetVersion: number;
  /** Extra operator sets (e.g. `com.microsoft.nchwc` version 1), default none. */
  extraOpsets?: readonly { domain: string; version: number }[];
  producerName: string;
  graphName: string;
  nodes: readonly OnnxNode[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
  initializers: readonly OnnxTensor[];
  metadata?: Readonly<Record<string, string>>;
};

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_BYTES = 2;
const encoder = new TextEncoder();

/** A growable byte buffer with the three protobuf wire encodings the ONNX messages need. */
class ProtoWriter {
  #bytes = new Uint8Array(256);
  #length = 0;

  #reserve(extra: number): void {
    if (this.#length + extra <= this.#bytes.length) return;
    let size = this.#bytes.length * 2;
    while (size < this.#length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = next;
  }

  #varint(value: bigint): void {
    this.#reserve(10);
    let v = BigInt.asUintN(64, value);
    while (v >= 0x80n) {
      this.#bytes[this.#length++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.#bytes[this.#length++] = Number(v);
  }

  #tag(field: number, wire: number): void {
    this.#varint(BigInt((field << 3) | wire));
  }

  int(field: number, value: number): void {
    this.#tag(field, WIRE_VARINT);
    this.#varint(BigInt(value));
  }

  float(field: number, value: number): void {
    this.#tag(field, WIRE_FIXED32);
    this.#reserve(4);
    new DataView(this.#bytes.buffer).setFloat32(this.#length, value, true);
    this.#length += 4;
  }

  bytes(field: number, value: Uint8Array): void {
    this.#tag(field, WIRE_BYTES);
    this.#varint(BigInt(value.length));
    this.#reserve(value.length);
    this.#bytes.set(value, this.#length);
    this.#length += value.length;
  }

  string(field: number, value: string): void {
    this.bytes(field, encoder.encode(value));
  }

  message(field: number, write: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    write(inner);
    this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }
}

function littleEndianBytes(data: OnnxTensor['data']): Uint8Array {
  // Typed arrays are little-endian on every platform onnxruntime ships for; raw_data is little-endian by definition.
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function writeTensor(w: ProtoWriter, t: OnnxTensor): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.dataType);
  w.string(8, t.name);
  w.bytes(9, littleEndianBytes(t.data));
}

function writeAttribute(w: ProtoWriter, a: OnnxAttribute): void {
  w.string(1, a.name);
  switch (a.kind) {
    case 'float':
      w.float(2, a.value);
      w.int(20, 1);
      break;
    case 'int':
      w.int(3, a.value);
      w.int(20, 2);
      break;
    case 'string':
      w.string(4, a.value);
      w.int(20, 3);
      break;
    case 'tensor':
      w.message(5, (m) => writeTensor(m, a.value));
      w.int(20, 4);
      break;
    case 'floats':
      for (const v of a.value) w.float(7, v);
      w.int(20, 6);
      break;
    case 'ints':
      for (const v of a.value) w.int(8, v);
      w.int(20, 7);
      break;
  }
}

function writeNode(w: ProtoWriter, n: OnnxNode): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attributes) w.message(5, (m) => writeAttribute(m, a));
  if (n.domain !== undefined) w.string(7, n.domain);
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, v.dataType);
      tensor.message(2, (shape) => {
        for (const d of v.shape)
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

/**
 * Serialises an ONNX model to protobuf bytes (ModelProto), ready for `InferenceSession.create`.
 * @param model - the graph, its opset (default domain only) and IR version
 * @returns the ModelProto bytes
 */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, model.irVersion);
  w.string(2, model.producerName);
  w.message(7, (g) => {
    for (const n of model.nodes) g.message(1, (m) => writeNode(m, n));
    g.string(2, model.graphName);
    for (const t of model.initializers) g.message(5, (m) => writeTensor(m, t));
    for (const v of model.inputs) g.message(11, (m) => writeValueInfo(m, v));
    for (const v of model.outputs) g.message(12, (m) => writeValueInfo(m, v));
  });
  w.message(8, (o) => {
    o.string(1, '');
    o.int(2, model.opsetVersion);
  });
  for (const extra of model.extraOpsets ?? [])
    w.message(8, (o) => {
      o.string(1, extra.domain);
      o.int(2, extra.version);
    });
  for (const [key, value] of Object.entries(model.metadata ?? {}))
    w.message(14, (m) => {
      m.string(1, key);
      m.string(2, value);
    });
  return w.finish();
}
