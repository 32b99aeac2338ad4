/**
 * @module ml/checkpoint/safetensors — the safetensors container for float32 tensors: an 8-byte little-endian header
 * length, a JSON header (dtype, shape, data_offsets per tensor, string-valued `__metadata__`), then the raw
 * little-endian data, contiguous in header order. Readable by Python's `safetensors` library.
 */
import { invalid } from '../../shared/index.ts';

/** A float32 tensor: row-major values and their shape (`product(shape) === data.length`). */
export type CheckpointTensor = { data: Float32Array; shape: number[] };

/** The decoded content of a safetensors file. */
export type SafetensorsContent = { tensors: Map<string, CheckpointTensor>; metadata: Record<string, string> };

/** The encoded header (length prefix + padded JSON) and the tensor bytes that follow it, in order. */
export type SafetensorsLayout = { header: Uint8Array; chunks: Uint8Array[]; byteLength: number };

/** Largest header accepted (the Python library's own limit). */
export const MAX_HEADER_BYTES = 100_000_000;
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Lays out tensors and metadata. Tensors are written sorted by name; the JSON header is padded with spaces so the
 * data starts on an 8-byte boundary (every float32 tensor is then 4-byte aligned).
 * @param tensors - name → tensor
 * @param metadata - string values only (the safetensors rule)
 * @returns the header bytes and one byte view per tensor (zero-copy on little-endian machines)
 * @throws AppError INVALID_PARAMETER_VALUE on an empty or reserved name or a shape that does not match the data
 */
export function safetensorsLayout(
  tensors: ReadonlyMap<string, CheckpointTensor>,
  metadata: Readonly<Record<string, string>>,
): SafetensorsLayout {
  const header: Record<string, unknown> = { __metadata__: { ...metadata } };
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of [...tensors.keys()].sort()) {
    const tensor = tensors.get(name) as CheckpointTensor;
    checkTensor(name, tensor);
    const bytes = tensorBytes(tensor.data);
    header[name] = { dtype: 'F32', shape: tensor.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const head = new Uint8Array(8 + padded).fill(0x20, 8);
  new DataView(head.buffer).setBigUint64(0, BigInt(padded), true);
  head.set(json, 8);
  return { header: head, chunks, byteLength: head.length + offset };
}

/**
 * Encodes tensors and metadata as one safetensors buffer.
 * @param tensors - name → tensor
 * @param metadata - string values only
 * @returns the file's bytes
 * @throws AppError INVALID_PARAMETER_VALUE as {@link safetensorsLayout}
 */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, CheckpointTensor>,
  metadata: Readonly<Record<string, string>>,
): Uint8Array {
  return concatLayout(safetensorsLayout(tensors, metadata));
}

/**
 * Joins a layout into one buffer.
 * @param layout - from {@link safetensorsLayout}
 * @returns the file's bytes
 */
export function concatLayout(layout: SafetensorsLayout): Uint8Array {
  const out = new Uint8Array(layout.byteLength);
  out.set(layout.header, 0);
  let at = layout.header.length;
  for (const chunk of layout.chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * Decodes a safetensors buffer holding float32 tensors; the values are copied out of `bytes`.
 * @param bytes - the file's bytes
 * @param source - how to name the input in errors, e.g. the path
 * @returns tensors and metadata
 * @throws AppError INVALID_PARAMETER_VALUE when the input is too short, truncated, its header is not valid JSON or
 *   not a safetensors header, an offset is out of range, tensors overlap or leave gaps, or a dtype is not F32
 */
export function decodeSafetensors(bytes: Uint8Array, source: string): SafetensorsContent {
  if (bytes.length < 8)
    invalid(`${source} is not a checkpoint: ${bytes.length} bytes, too short for a safetensors header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(MAX_HEADER_BYTES))
    invalid(`${source} is not a checkpoint: header length ${declared} is implausible`);
  const headerLength = Number(declared);
  if (8 + headerLength > bytes.length)
    invalid(`${source} is truncated: header of ${headerLength} bytes but only ${bytes.length - 8} follow`);
  const header = parseHeader(bytes.subarray(8, 8 + headerLength), source);
  const data = bytes.subarray(8 + headerLength);
  const metadata = readMetadata(header['__metadata__'], source);
  const entries = Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, entry]) => readEntry(name, entry, data.length, source))
    .sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of entries) {
    if (e.begin !== expected)
      invalid(`${source}: tensor ${e.name} starts at byte ${e.begin}, expected ${expected} (overlap or gap)`);
    expected = e.end;
  }
  if (expected !== data.length)
    invalid(
      `${source}: ${data.length - expected} bytes after the last tensor are not described by the header`,
    );
  const tensors = new Map<string, CheckpointTensor>();
  for (const e of entries) tensors.set(e.name, { data: floatsFrom(data, e.begin, e.end), shape: e.shape });
  return { tensors, metadata };
}

type Entry = { name: string; shape: number[]; begin: number; end: number };

function parseHeader(raw: Uint8Array, source: string): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return invalid(`${source} is not a checkpoint: its header is not UTF-8 text`);
  }
  if (!text.trimStart().startsWith('{')) invalid(`${source} is not a checkpoint: no safetensors JSON header`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return invalid(`${source}: checkpoint header JSON is invalid (${(error as Error).message})`);
  }
  if (!isRecord(parsed)) return invalid(`${source}: checkpoint header JSON is not an object`);
  return parsed;
}

function readMetadata(value: unknown, source: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isRecord(value)) return invalid(`${source}: __metadata__ is not an object`);
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') invalid(`${source}: __metadata__.${key} is not a string`);
  }
  return value as Record<string, string>;
}

function readEntry(name: string, entry: unknown, dataLength: number, source: string): Entry {
  if (!isRecord(entry)) return invalid(`${source}: header entry ${name} is not an object`);
  const { dtype, shape, data_offsets: offsets } = entry;
  if (dtype === undefined || shape === undefined || offsets === undefined)
    invalid(`${source}: header entry ${name} is not a tensor (needs dtype, shape and data_offsets)`);
  if (dtype !== 'F32')
    invalid(`${source}: tensor ${name} has dtype ${String(dtype)}; fAIr checkpoints hold F32 only`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    invalid(`${source}: tensor ${name} has shape ${JSON.stringify(shape)}, not a list of sizes`);
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)
  )
    invalid(`${source}: tensor ${name} has data_offsets ${JSON.stringify(offsets)}, not [begin, end]`);
  const [begin, end] = offsets as [number, number];
  if (begin > end)
    invalid(`${source}: tensor ${name} has data_offsets [${begin}, ${end}] with begin after end`);
  if (end > dataLength)
    invalid(
      `${source} is truncated or corrupt: tensor ${name} ends at data byte ${end} but the data has ${dataLength}`,
    );
  const count = (shape as number[]).reduce((a, b) => a * b, 1);
  if (count * 4 !== end - begin)
    invalid(
      `${source}: tensor ${name} of shape [${shape.join(', ')}] needs ${count * 4} bytes, offsets give ${end - begin}`,
    );
  return { name, shape: [...(shape as number[])], begin, end };
}

function checkTensor(name: string, tensor: CheckpointTensor): void {
  if (name === '' || name === '__metadata__') invalid(`tensor name ${JSON.stringify(name)} is reserved`);
  if (!(tensor.data instanceof Float32Array)) invalid(`tensor ${name} is not a Float32Array`);
  if (!tensor.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
    invalid(`tensor ${name} has shape ${JSON.stringify(tensor.shape)}, not a list of sizes`);
  const count = tensor.shape.reduce((a, b) => a * b, 1);
  if (count !== tensor.data.length)
    invalid(
      `tensor ${name} has ${tensor.data.length} values but shape [${tensor.shape.join(', ')}] holds ${count}`,
    );
}

function tensorBytes(data: Float32Array): Uint8Array {
  if (littleEndian) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i] as number, true);
  return out;
}

function floatsFrom(data: Uint8Array, begin: number, end: number): Float32Array {
  const out = new Float32Array((end - begin) / 4);
  if (littleEndian) {
    new Uint8Array(out.buffer).set(data.subarray(begin, end));
    return out;
  }
  const view = new DataView(data.buffer, data.byteOffset + begin, end - begin);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
