/**
 * @module ml/infer/onnx-model-info — a small protobuf reader that checks bytes are an ONNX ModelProto and pulls out
 * what inference needs: opset, graph inputs/outputs with their shapes, and metadata props (issue 3, §6 and §9).
 * Pure: no node imports, so the browser can use it too.
 */
import { invalid } from '../../shared/index.ts';

/** A graph input or output: name and shape (a string is a symbolic dimension such as `N`, -1 an unknown one). */
export type OnnxTensorInfo = {
  readonly name: string;
  readonly elementType: number;
  readonly shape: (number | string)[];
};

/** What {@link readOnnxModelInfo} finds in a ModelProto. */
export type OnnxModelInfo = {
  readonly irVersion: number;
  /** Version of the default (`ai.onnx`) operator set. */
  readonly opset: number;
  readonly producerName: string;
  /** Graph inputs that are not initializers, in graph order. */
  readonly inputs: OnnxTensorInfo[];
  readonly outputs: OnnxTensorInfo[];
  /** ModelProto metadata_props. */
  readonly metadata: Record<string, string>;
};

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Thrown inside the reader; turned into one AppError naming the file by {@link readOnnxModelInfo}. */
class WireError extends Error {}

type Field = { field: number; wire: number; value: number; bytes: Uint8Array };

/** Reads the fields of one protobuf message; never reads past its end. */
function* fieldsOf(bytes: Uint8Array): Generator<Field> {
  let at = 0;
  const varint = (): number => {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (at >= bytes.length) throw new WireError(`its protobuf ends inside a number at byte ${at}`);
      const b = bytes[at++] as number;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    throw new WireError(`its bytes are not protobuf (over-long number at byte ${at})`);
  };
  while (at < bytes.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 0) throw new WireError(`its bytes are not protobuf (field number 0 at byte ${at})`);
    if (wire === WIRE_VARINT) yield { field, wire, value: varint(), bytes: new Uint8Array(0) };
    else if (wire === WIRE_FIXED64 || wire === WIRE_FIXED32) {
      const size = wire === WIRE_FIXED64 ? 8 : 4;
      if (at + size > bytes.length) throw new WireError(`its protobuf is cut off at byte ${at}`);
      yield { field, wire, value: 0, bytes: bytes.subarray(at, at + size) };
      at += size;
    } else if (wire === WIRE_BYTES) {
      const length = varint();
      if (at + length > bytes.length)
        throw new WireError(`its protobuf is cut off (field ${field} at byte ${at} runs past the end)`);
      yield { field, wire, value: length, bytes: bytes.subarray(at, at + length) };
      at += length;
    } else throw new WireError(`its bytes are not protobuf (wire type ${wire} at byte ${at})`);
  }
}

function text(f: Field): string {
  if (f.wire !== WIRE_BYTES) throw new WireError(`field ${f.field} is not a string`);
  try {
    return decoder.decode(f.bytes);
  } catch {
    throw new WireError(`field ${f.field} is not UTF-8`);
  }
}

function message(f: Field): Uint8Array {
  if (f.wire !== WIRE_BYTES) throw new WireError(`field ${f.field} is not a message`);
  return f.bytes;
}

function number(f: Field): number {
  if (f.wire !== WIRE_VARINT) throw new WireError(`field ${f.field} is not an integer`);
  return f.value;
}

/** Int64 dims are two's complement varints: -1 arrives as 2^64 − 1 (read as a large float). */
function signed(value: number): number {
  return value >= 2 ** 63 ? value - 2 ** 64 : value;
}

function readShape(bytes: Uint8Array): (number | string)[] {
  const dims: (number | string)[] = [];
  for (const f of fieldsOf(bytes)) {
    if (f.field !== 1) continue;
    let dim: number | string = -1;
    for (const d of fieldsOf(message(f))) {
      if (d.field === 1) dim = signed(number(d));
      else if (d.field === 2) dim = text(d);
    }
    dims.push(dim);
  }
  return dims;
}

function readValueInfo(bytes: Uint8Array): OnnxTensorInfo {
  let name = '';
  let elementType = 0;
  let shape: (number | string)[] = [];
  for (const f of fieldsOf(bytes)) {
    if (f.field === 1) name = text(f);
    if (f.field !== 2) continue;
    for (const t of fieldsOf(message(f))) {
      if (t.field !== 1) continue;
      for (const tensor of fieldsOf(message(t))) {
        if (tensor.field === 1) elementType = number(tensor);
        else if (tensor.field === 2) shape = readShape(message(tensor));
      }
    }
  }
  if (name === '') throw new WireError('a graph value has no name');
  return { name, elementType, shape };
}

function tensorName(bytes: Uint8Array): string {
  for (const f of fieldsOf(bytes)) if (f.field === 8) return text(f);
  return '';
}

function readGraph(bytes: Uint8Array): { inputs: OnnxTensorInfo[]; outputs: OnnxTensorInfo[] } {
  const inputs: OnnxTensorInfo[] = [];
  const outputs: OnnxTensorInfo[] = [];
  const initializers = new Set<string>();
  let nodes = 0;
  for (const f of fieldsOf(bytes)) {
    if (f.field === 1) nodes++;
    else if (f.field === 5) initializers.add(tensorName(message(f)));
    else if (f.field === 11) inputs.push(readValueInfo(message(f)));
    else if (f.field === 12) outputs.push(readValueInfo(message(f)));
  }
  if (nodes === 0) throw new WireError('the graph has no nodes');
  // Before IR 4 initializers were listed among the inputs too; they are not fed by the caller.
  const fed = inputs.filter((i) => !initializers.has(i.name));
  if (fed.length === 0 || outputs.length === 0) throw new WireError('the graph has no inputs or no outputs');
  return { inputs: fed, outputs };
}

function readOpset(bytes: Uint8Array): { domain: string; version: number } {
  let domain = '';
  let version = 0;
  for (const f of fieldsOf(bytes)) {
    if (f.field === 1) domain = text(f);
    else if (f.field === 2) version = number(f);
  }
  return { domain, version };
}

function readEntry(bytes: Uint8Array): [string, string] {
  let key = '';
  let value = '';
  for (const f of fieldsOf(bytes)) {
    if (f.field === 1) key = text(f);
    else if (f.field === 2) value = text(f);
  }
  return [key, value];
}

function readModel(bytes: Uint8Array): OnnxModelInfo {
  let irVersion = 0;
  let producerName = '';
  let opset = 0;
  let graph: { inputs: OnnxTensorInfo[]; outputs: OnnxTensorInfo[] } | undefined;
  const metadata: Record<string, string> = {};
  for (const f of fieldsOf(bytes)) {
    if (f.field === 1) irVersion = number(f);
    else if (f.field === 2) producerName = text(f);
    else if (f.field === 7) graph = readGraph(message(f));
    else if (f.field === 8) {
      const set = readOpset(message(f));
      if (set.domain === '' || set.domain === 'ai.onnx') opset = set.version;
    } else if (f.field === 14) {
      const [key, value] = readEntry(message(f));
      metadata[key] = value;
    }
  }
  if (irVersion === 0 && graph === undefined) throw new WireError('it has neither an IR version nor a graph');
  if (irVersion < 1 || irVersion > 100)
    throw new WireError(`IR version ${irVersion} is not an ONNX IR version`);
  if (graph === undefined) throw new WireError('it has no graph');
  if (opset < 1) throw new WireError('it imports no ai.onnx operator set');
  return { irVersion, opset, producerName, ...graph, metadata };
}

/**
 * Reads the facts of an ONNX model, checking on the way that the bytes are a ModelProto with an IR version, an
 * `ai.onnx` opset import and a graph with nodes, inputs and outputs.
 * @param bytes - the file's content
 * @param name - what the bytes are (a file path) for the error message, default `model`
 * @returns opset, inputs (initializers left out), outputs and metadata props
 * @throws AppError INVALID_PARAMETER_VALUE naming `name` when the bytes are not an ONNX model
 * @example
 * const info = readOnnxModelInfo(await readFile('model.onnx'), 'model.onnx');
 * info.inputs[0]?.shape; // ['N', 3, 256, 256]
 */
export function readOnnxModelInfo(bytes: Uint8Array, name = 'model'): OnnxModelInfo {
  if (bytes.length === 0) invalid(`${name} is not an ONNX model: it is empty`);
  try {
    return readModel(bytes);
  } catch (error) {
    if (!(error instanceof WireError)) throw error;
    return invalid(`${name} is not an ONNX model: ${error.message}`);
  }
}
