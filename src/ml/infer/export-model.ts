/**
 * @module ml/infer/export-model — writes a trained model as a model folder: the inference ONNX (`model.onnx`, BatchNorm
 * folded, dynamic batch) and its card (`model.json`) (issue 3, §6).
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportInferenceModel } from '../models/index.ts';
import type { ModelDeclaration } from '../models/index.ts';
import { writeModelCard } from './model-card-file.ts';
import { MODEL_CARD_FILE, MODEL_ONNX_FILE, maskKindOf, parseModelCard } from './model-card.ts';
import type { ModelCard, ModelCardInput } from './model-card.ts';
import { readOnnxModelInfo } from './onnx-model-info.ts';

/** Options of {@link createModelCard} and {@link exportModel}. */
export type ModelCardOptions = {
  /** Name of the trained model, default the architecture name (e.g. `unet-s`). */
  name?: string;
  /** Training parameters (epochs, batchSize, lr, seed, dataset, base, …), default none. */
  training?: ModelCardInput['training'];
  /** Metrics (e.g. validation IoU), default none. */
  metrics?: ModelCardInput['metrics'];
  /** Binary-mask threshold, default 0.5. */
  threshold?: number;
  /** Export time, default now. */
  created?: Date;
};

/**
 * SHA-256 of bytes as lowercase hex.
 * @param bytes - the content
 */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The card of an exported model: architecture, classes, input size and normalisation from the declaration; opset,
 * size and SHA-256 from the ONNX bytes.
 * @param decl - the model declaration the ONNX was exported from
 * @param onnx - the inference ONNX bytes
 * @param options - name (default the architecture), training, metrics (default none), threshold (0.5), created (now)
 * @returns the validated card
 * @throws AppError INVALID_PARAMETER_VALUE when the bytes are not ONNX or an option breaks the card schema
 */
export function createModelCard(
  decl: ModelDeclaration,
  onnx: Uint8Array,
  options: ModelCardOptions = {},
): ModelCard {
  const { spec } = decl;
  const info = readOnnxModelInfo(onnx, MODEL_ONNX_FILE);
  return parseModelCard(
    {
      format: 'fair-model',
      version: 1,
      name: options.name ?? spec.name,
      architecture: spec.name,
      classes: spec.classes,
      classNames: [...spec.classNames],
      inputSize: spec.inputSize,
      inputScale: spec.inputScale,
      normalization: { mean: [...spec.normalization.mean], std: [...spec.normalization.std] },
      normalizedBy: 'caller',
      output: 'probabilities',
      activation: spec.classes === 1 ? 'sigmoid' : 'softmax',
      maskKind: maskKindOf(spec.classes),
      threshold: options.threshold ?? 0.5,
      onnx: { file: MODEL_ONNX_FILE, opset: info.opset, sha256: sha256Hex(onnx), bytes: onnx.length },
      parameters: decl.parameterCount(),
      training: options.training ?? {},
      metrics: options.metrics ?? {},
      created: (options.created ?? new Date()).toISOString(),
    },
    MODEL_CARD_FILE,
  );
}

/**
 * Exports a trained model into `dir`: `model.onnx` (opset 17, input `input` N×3×S×S normalised RGB with dynamic N,
 * output `output` probabilities, BatchNorm folded) and `model.json`. Both go through a temporary file and a rename;
 * an earlier card is removed first and the new one written last, so a card always matches its ONNX.
 * @param dir - the model folder (created when missing; earlier `model.onnx`/`model.json` are replaced)
 * @param decl - the model declaration
 * @param params - a value for every parameter (the trainer's current weights and BatchNorm statistics)
 * @param options - card fields, see {@link ModelCardOptions}
 * @returns the paths written and the card
 * @throws AppError INVALID_PARAMETER_VALUE when a parameter is missing or mis-sized, or an option breaks the card
 * @example
 * const { card } = await exportModel('models/banepa', decl, params, { training: { epochs: 20 }, metrics: { iou } });
 */
export async function exportModel(
  dir: string,
  decl: ModelDeclaration,
  params: ReadonlyMap<string, Float32Array>,
  options: ModelCardOptions = {},
): Promise<{ onnxPath: string; cardPath: string; card: ModelCard }> {
  const onnx = exportInferenceModel(decl, params);
  const card = createModelCard(decl, onnx, options);
  await mkdir(dir, { recursive: true });
  const onnxPath = join(dir, MODEL_ONNX_FILE);
  const cardPath = join(dir, MODEL_CARD_FILE);
  // An earlier card would name the old ONNX's digest: drop it before the ONNX changes.
  await rm(cardPath, { force: true });
  await writeFile(`${onnxPath}.tmp`, onnx);
  await rename(`${onnxPath}.tmp`, onnxPath);
  await writeModelCard(dir, card);
  return { onnxPath, cardPath, card };
}
