/**
 * @module ml/checkpoint/checkpoint — the fAIr checkpoint, version 1: a safetensors file whose `__metadata__` says
 * what it is (`format`, `format_version`), which network the tensors belong to (`architecture`), and where training
 * stood (`epoch`, `step`, `best_metric`, optimiser state). See README.md for the layout (issue 3, part 4).
 */
import { invalid } from '../../shared/index.ts';
import type { OptimizerState } from '../train/index.ts';
import { concatLayout, decodeSafetensors, safetensorsLayout } from './safetensors.ts';
import type { CheckpointTensor, SafetensorsLayout } from './safetensors.ts';

/** Value of `__metadata__.format`. */
export const CHECKPOINT_FORMAT = 'fair-checkpoint';
/** The format version this code writes, and the newest it reads. */
export const CHECKPOINT_FORMAT_VERSION = 1;
/** Prefix of optimiser-state tensors: `optim.m.<param>`, `optim.v.<param>`, `optim.momentum.<param>`. */
export const OPTIMIZER_PREFIX = 'optim.';
const RESERVED = [
  'format',
  'format_version',
  'architecture',
  'optimizer',
  'epoch',
  'step',
  'best_metric',
  'created_at',
];

/**
 * The model the tensors belong to, enough to rebuild it without other files: the architecture name, class count,
 * input size and input normalisation, plus any further fields of the model spec (kept as they are).
 */
export type CheckpointArchitecture = {
  name: string;
  classes: number;
  inputSize: number;
  normalization: { readonly mean: readonly number[]; readonly std: readonly number[] };
  [field: string]: unknown;
};

/** What a checkpoint says about itself besides its tensors. */
export type CheckpointMetadata = {
  architecture: CheckpointArchitecture;
  /** Completed epochs, default 0. */
  epoch?: number;
  /** Completed optimiser steps, default 0. */
  step?: number;
  /** The best validation score so far (e.g. object F1), absent when none. */
  bestMetric?: number;
  /** ISO 8601 time of writing, default now. */
  createdAt?: string;
  /** Further string entries for `__metadata__` (names of the reserved keys are refused). */
  extra?: Record<string, string>;
};

/** Everything a checkpoint holds. */
export type CheckpointContent = {
  /** Model parameters by name (names must not start with `optim.`). */
  tensors: Map<string, CheckpointTensor>;
  metadata: CheckpointMetadata;
  /** Optimiser state for an exact resume, absent for a weights-only checkpoint. */
  optimizer?: OptimizerState;
};

/** A checkpoint as read back: the content with every default filled in, and the format version it was written in. */
export type LoadedCheckpoint = CheckpointContent & {
  metadata: Required<Pick<CheckpointMetadata, 'epoch' | 'step' | 'createdAt' | 'extra'>> & CheckpointMetadata;
  formatVersion: number;
};

/**
 * Lays a checkpoint out as a safetensors file (see {@link safetensorsLayout}); used to stream it to a file.
 * @param content - tensors, metadata and optional optimiser state
 * @returns header bytes and tensor byte views
 * @throws AppError INVALID_PARAMETER_VALUE on an invalid architecture, counters, tensor names or shapes
 */
export function checkpointLayout(content: CheckpointContent): SafetensorsLayout {
  const { tensors, metadata } = content;
  checkArchitecture(metadata.architecture, 'checkpoint');
  const epoch = counter('epoch', metadata.epoch ?? 0);
  const step = counter('step', metadata.step ?? 0);
  if (metadata.bestMetric !== undefined && !Number.isFinite(metadata.bestMetric))
    invalid(`checkpoint bestMetric ${metadata.bestMetric} must be a finite number`);
  const all = new Map<string, CheckpointTensor>();
  for (const [name, tensor] of tensors) {
    if (name.startsWith(OPTIMIZER_PREFIX))
      invalid(`parameter name ${name} must not start with ${OPTIMIZER_PREFIX}`);
    all.set(name, tensor);
  }
  const meta: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata.extra ?? {})) {
    if (RESERVED.includes(key)) invalid(`checkpoint extra metadata key ${key} is reserved`);
    meta[key] = String(value);
  }
  Object.assign(meta, {
    format: CHECKPOINT_FORMAT,
    format_version: String(CHECKPOINT_FORMAT_VERSION),
    architecture: JSON.stringify(metadata.architecture),
    optimizer: content.optimizer === undefined ? 'none' : optimizerHeader(content.optimizer),
    epoch: String(epoch),
    step: String(step),
    created_at: metadata.createdAt ?? new Date().toISOString(),
  });
  if (metadata.bestMetric !== undefined) meta['best_metric'] = String(metadata.bestMetric);
  for (const [key, buffer] of content.optimizer?.buffers ?? []) {
    const param = tensors.get(key.slice(key.indexOf('.') + 1));
    const shape = param !== undefined && param.data.length === buffer.length ? param.shape : [buffer.length];
    all.set(OPTIMIZER_PREFIX + key, { data: buffer, shape });
  }
  return safetensorsLayout(all, meta);
}

/**
 * Encodes a checkpoint into one buffer (for blob stores); {@link writeCheckpoint} streams to a file instead.
 * @param content - tensors, metadata and optional optimiser state
 * @returns the safetensors bytes
 * @throws AppError INVALID_PARAMETER_VALUE as {@link checkpointLayout}
 */
export function serializeCheckpoint(content: CheckpointContent): Uint8Array {
  return concatLayout(checkpointLayout(content));
}

/**
 * Decodes and validates a checkpoint.
 * @param bytes - the file's bytes
 * @param source - how to name the input in errors, e.g. the path
 * @returns tensors, metadata, optimiser state (when stored) and the format version
 * @throws AppError INVALID_PARAMETER_VALUE when the input is not a fAIr checkpoint, is truncated, has an invalid header,
 *   out-of-range offsets, a dtype other than F32, a format version newer than this code reads, or invalid metadata
 */
export function parseCheckpoint(bytes: Uint8Array, source: string): LoadedCheckpoint {
  const { tensors: all, metadata: meta } = decodeSafetensors(bytes, source);
  if (meta['format'] !== CHECKPOINT_FORMAT)
    invalid(
      `${source} is a safetensors file but not a fAIr checkpoint (__metadata__.format is not ${CHECKPOINT_FORMAT})`,
    );
  const version = Number(meta['format_version']);
  if (!Number.isSafeInteger(version) || version < 1)
    invalid(`${source}: format_version ${JSON.stringify(meta['format_version'])} is not a version number`);
  if (version > CHECKPOINT_FORMAT_VERSION)
    invalid(
      `${source} has checkpoint format_version ${version}; this fAIr reads up to ${CHECKPOINT_FORMAT_VERSION}`,
    );
  const architecture = parseJson(meta['architecture'], 'architecture', source);
  checkArchitecture(architecture, source);
  const tensors = new Map<string, CheckpointTensor>();
  const optimTensors = new Map<string, Float32Array>();
  for (const [name, tensor] of all) {
    if (name.startsWith(OPTIMIZER_PREFIX)) optimTensors.set(name.slice(OPTIMIZER_PREFIX.length), tensor.data);
    else tensors.set(name, tensor);
  }
  const optimizer = readOptimizer(meta['optimizer'], optimTensors, source);
  const extra: Record<string, string> = {};
  for (const [key, value] of Object.entries(meta)) if (!RESERVED.includes(key)) extra[key] = value;
  const bestMetric = meta['best_metric'] === undefined ? undefined : Number(meta['best_metric']);
  if (bestMetric !== undefined && !Number.isFinite(bestMetric))
    invalid(`${source}: best_metric is not a number`);
  return {
    tensors,
    formatVersion: version,
    metadata: {
      architecture,
      epoch: counter(`${source}: epoch`, Number(meta['epoch'] ?? 0)),
      step: counter(`${source}: step`, Number(meta['step'] ?? 0)),
      createdAt: meta['created_at'] ?? '',
      extra,
      ...(bestMetric === undefined ? {} : { bestMetric }),
    },
    ...(optimizer === undefined ? {} : { optimizer }),
  };
}

function optimizerHeader(state: OptimizerState): string {
  return JSON.stringify({
    kind: state.kind,
    options: state.options,
    stepCount: state.stepCount,
    paramSteps: state.paramSteps,
  });
}

function readOptimizer(
  header: string | undefined,
  buffers: Map<string, Float32Array>,
  source: string,
): OptimizerState | undefined {
  if (header === undefined || header === 'none') {
    if (buffers.size > 0)
      invalid(`${source} has optimizer tensors but its optimizer metadata is ${header ?? 'absent'}`);
    return undefined;
  }
  const parsed = parseJson(header, 'optimizer', source);
  const { kind, options, stepCount, paramSteps } = parsed;
  if (kind !== 'adam' && kind !== 'sgd')
    return invalid(`${source}: optimizer kind ${String(kind)} is not adam or sgd`);
  if (!isRecord(options) || !isRecord(paramSteps) || typeof stepCount !== 'number')
    return invalid(`${source}: optimizer metadata lacks options, stepCount or paramSteps`);
  return {
    kind,
    options: options as OptimizerState['options'],
    stepCount,
    paramSteps: paramSteps as Record<string, number>,
    buffers,
  };
}

function checkArchitecture(value: unknown, source: string): asserts value is CheckpointArchitecture {
  if (!isRecord(value)) return invalid(`${source}: architecture is not an object`);
  const { name, classes, inputSize, normalization } = value;
  if (typeof name !== 'string' || name === '')
    invalid(`${source}: architecture.name must be a non-empty string`);
  if (!Number.isSafeInteger(classes) || (classes as number) < 1)
    invalid(`${source}: architecture.classes must be an integer >= 1`);
  if (!Number.isSafeInteger(inputSize) || (inputSize as number) < 1)
    invalid(`${source}: architecture.inputSize must be an integer >= 1`);
  const ok =
    isRecord(normalization) &&
    isNumberList(normalization['mean']) &&
    isNumberList(normalization['std']) &&
    normalization['mean'].length === normalization['std'].length;
  if (!ok) invalid(`${source}: architecture.normalization must hold mean and std lists of equal length`);
}

function parseJson(text: string | undefined, key: string, source: string): Record<string, unknown> {
  if (text === undefined) return invalid(`${source}: checkpoint metadata lacks ${key}`);
  try {
    const value: unknown = JSON.parse(text);
    if (isRecord(value)) return value;
  } catch {
    // Reported below as the same one-line error.
  }
  return invalid(`${source}: checkpoint metadata ${key} is not a JSON object`);
}

function counter(what: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) invalid(`${what} ${value} must be an integer >= 0`);
  return value;
}

function isNumberList(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
