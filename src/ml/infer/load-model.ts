/**
 * @module ml/infer/load-model — finds and checks a model: `model.onnx` (with its sibling `model.json` when present), a
 * model folder, or a `model.json`; verifies the ONNX is ONNX and agrees with its card (issue 3, §6 and §9).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { AppError, invalid } from '../../shared/index.ts';
import { IMAGENET_NORMALIZATION } from '../models/index.ts';
import { sha256Hex } from './export-model.ts';
import { readModelCardFile } from './model-card-file.ts';
import { MODEL_CARD_FILE, MODEL_ONNX_FILE, maskKindOf, parseModelCard } from './model-card.ts';
import type { ModelCard } from './model-card.ts';
import { readOnnxModelInfo } from './onnx-model-info.ts';
import type { OnnxModelInfo } from './onnx-model-info.ts';

/** A model ready for an inference session. */
export type LoadedModel = {
  /** Path of the ONNX file. */
  onnxPath: string;
  /** Its bytes. */
  bytes: Uint8Array;
  /** SHA-256 of the bytes, lowercase hex. */
  sha256: string;
  /** Facts read from the ONNX (opset, shapes, metadata props). */
  info: OnnxModelInfo;
  /** The card: from `model.json`, or derived from the ONNX's shapes and `fair.*` metadata props when there is none. */
  card: ModelCard;
  /** Where the card came from. */
  cardSource: 'model.json' | 'onnx';
};

async function kindOf(path: string): Promise<'file' | 'dir' | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) return undefined;
  return info.isDirectory() ? 'dir' : 'file';
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch {
    throw new AppError('RESOURCE_DOES_NOT_EXIST', `model file ${path} does not exist or cannot be read`);
  }
}

/** The card's ONNX path; the card may only name a file beside itself. */
function onnxOfCard(card: ModelCard, cardPath: string): string {
  const file = card.onnx.file;
  if (file !== basename(file) || file === '.' || file === '..')
    invalid(`${cardPath}: field onnx.file: ${file} must be a file name in the same folder`);
  return join(dirname(cardPath), file);
}

/** Resolves the ONNX path and the card path (if any) of what the user named. */
async function resolvePaths(
  path: string,
): Promise<{ onnxPath: string; card?: { path: string; card: ModelCard } }> {
  const kind = await kindOf(path);
  if (kind === undefined) throw new AppError('RESOURCE_DOES_NOT_EXIST', `model ${path} does not exist`);
  const cardPath =
    kind === 'dir' ? join(path, MODEL_CARD_FILE) : extname(path) === '.json' ? path : undefined;
  if (cardPath !== undefined) {
    if ((await kindOf(cardPath)) !== 'file') {
      const onnxPath = join(path, MODEL_ONNX_FILE);
      if ((await kindOf(onnxPath)) !== 'file')
        throw new AppError(
          'RESOURCE_DOES_NOT_EXIST',
          `model folder ${path} has neither ${MODEL_CARD_FILE} nor ${MODEL_ONNX_FILE}`,
        );
      return { onnxPath };
    }
    const card = await readModelCardFile(cardPath);
    return { onnxPath: onnxOfCard(card, cardPath), card: { path: cardPath, card } };
  }
  const sibling = join(dirname(path), MODEL_CARD_FILE);
  if ((await kindOf(sibling)) !== 'file') return { onnxPath: path };
  const card = await readModelCardFile(sibling);
  // A card describes one ONNX: another .onnx in the same folder gets a card derived from its own content.
  return card.onnx.file === basename(path)
    ? { onnxPath: path, card: { path: sibling, card } }
    : { onnxPath: path };
}

function parseNormalization(
  text: string | undefined,
): { scale: number; mean: number[]; std: number[] } | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as { scale: number; mean: number[]; std: number[] };
  } catch {
    return undefined;
  }
}

/** A card for an ONNX without `model.json`: shapes from the graph, the rest from `fair.*` metadata or defaults. */
function deriveCard(
  info: OnnxModelInfo,
  onnxPath: string,
  bytes: Uint8Array,
  sha256: string,
  created: Date,
): ModelCard {
  const input = info.inputs.find((i) => i.name === 'input') ?? info.inputs[0];
  const output = info.outputs.find((o) => o.name === 'output') ?? info.outputs[0];
  const classes = output?.shape[1];
  const size = input?.shape[2];
  if (typeof classes !== 'number' || classes < 1) invalid(`${onnxPath}: output has no fixed class count`);
  if (typeof size !== 'number' || size < 1 || input?.shape[3] !== size)
    invalid(
      `${onnxPath}: input ${input?.name ?? ''} is not a fixed square NCHW image (${input?.shape.join('×') ?? ''})`,
    );
  const meta = info.metadata;
  const names = meta['fair.classes']?.split(',');
  const norm = parseNormalization(meta['fair.normalization']);
  const parameters = Number(meta['fair.parameters'] ?? 0);
  return parseModelCard(
    {
      format: 'fair-model',
      version: 1,
      name: basename(onnxPath, extname(onnxPath)),
      architecture: meta['fair.model'] ?? 'unknown',
      classes,
      classNames:
        names?.length === classes
          ? names
          : classes === 1
            ? ['building']
            : [...Array(classes).keys()].map((i) => `class_${i}`),
      inputSize: size,
      inputScale: norm?.scale ?? IMAGENET_NORMALIZATION.scale,
      normalization: {
        mean: norm?.mean ?? [...IMAGENET_NORMALIZATION.mean],
        std: norm?.std ?? [...IMAGENET_NORMALIZATION.std],
      },
      output: 'probabilities',
      activation: classes === 1 ? 'sigmoid' : 'softmax',
      maskKind: maskKindOf(classes),
      onnx: { file: basename(onnxPath), opset: info.opset, sha256, bytes: bytes.length },
      parameters: Number.isSafeInteger(parameters) && parameters >= 0 ? parameters : 0,
      created: created.toISOString(),
    },
    `${onnxPath} (metadata)`,
  );
}

/** Checks that a card describes the ONNX next to it. */
function checkCard(
  card: ModelCard,
  cardPath: string,
  info: OnnxModelInfo,
  onnxPath: string,
  sha256: string,
): void {
  if (card.onnx.sha256 !== sha256)
    invalid(
      `${cardPath}: field onnx.sha256 does not match ${onnxPath} (the ONNX changed after the card was written)`,
    );
  const input = info.inputs.find((i) => i.name === 'input') ?? info.inputs[0];
  const output = info.outputs.find((o) => o.name === 'output') ?? info.outputs[0];
  const classes = output?.shape[1];
  if (typeof classes === 'number' && classes !== card.classes)
    invalid(`${cardPath}: field classes is ${card.classes} but ${onnxPath} outputs ${classes} channels`);
  const size = input?.shape[2];
  if (typeof size === 'number' && size > 0 && size !== card.inputSize)
    invalid(`${cardPath}: field inputSize is ${card.inputSize} but ${onnxPath} takes ${size}x${size} inputs`);
}

/**
 * Loads a model for inference.
 * @param path - `model.onnx` (its sibling `model.json` is read when it names this file), a model folder holding
 *   `model.json` and/or `model.onnx`, or a `model.json`
 * @returns the ONNX bytes, their facts and digest, and the card (derived from the ONNX when there is no card)
 * @throws AppError RESOURCE_DOES_NOT_EXIST when nothing is at `path`; INVALID_PARAMETER_VALUE naming the file when it
 *   is not ONNX, uses an opset below 13, or disagrees with its card (digest, classes, input size), or when the card
 *   is invalid
 * @example
 * const model = await loadModel('models/banepa');
 * const session = await createInferenceSession(model.bytes, { name: model.onnxPath });
 */
export async function loadModel(path: string): Promise<LoadedModel> {
  const { onnxPath, card } = await resolvePaths(path);
  const bytes = await readBytes(onnxPath);
  const info = readOnnxModelInfo(bytes, onnxPath);
  if (info.opset < 13) invalid(`${onnxPath} uses ONNX opset ${info.opset}; fAIr needs opset 13 or newer`);
  const sha256 = sha256Hex(bytes);
  if (card !== undefined) {
    checkCard(card.card, card.path, info, onnxPath, sha256);
    return { onnxPath, bytes, sha256, info, card: card.card, cardSource: 'model.json' };
  }
  const modified = (await stat(onnxPath)).mtime;
  return {
    onnxPath,
    bytes,
    sha256,
    info,
    card: deriveCard(info, onnxPath, bytes, sha256, modified),
    cardSource: 'onnx',
  };
}
