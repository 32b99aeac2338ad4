/**
 * @module ml/infer/model-card — `model.json`, the card that travels beside `model.onnx`: architecture, input size,
 * normalisation, classes, training parameters and metrics; later the source of the STAC MLM item (issue 3, §6).
 * Pure: no node imports, so the browser can validate a card too.
 */
import { z } from 'zod';
import { invalid } from '../../shared/index.ts';

/** File name of the card inside a model folder. */
export const MODEL_CARD_FILE = 'model.json';
/** File name of the inference ONNX inside a model folder. */
export const MODEL_ONNX_FILE = 'model.onnx';

const finite = z.number().finite();
const triple = z.tuple([finite, finite, finite]);
const positiveTriple = z.tuple([finite.positive(), finite.positive(), finite.positive()]);
const jsonRecord = z.record(z.string(), z.json());

/** The zod schema of `model.json` (format `fair-model`, version 1). */
export const modelCardSchema = z
  .object({
    format: z.literal('fair-model'),
    version: z.literal(1),
    /** Human name of the trained model, e.g. `banepa-buildings`. */
    name: z.string().min(1),
    /** Model declaration it was built from, e.g. `unet-s`. */
    architecture: z.string().min(1),
    /** Output channels: 1 (sigmoid, building probability) or C ≥ 2 (softmax over channels). */
    classes: z.number().int().min(1).max(255),
    /** Name of each output channel. */
    classNames: z.array(z.string().min(1)).min(1),
    /** Square input size in pixels the model was exported for. */
    inputSize: z.number().int().positive(),
    /** Factor applied to raw 0–255 pixels before the mean/std step (1/255 for the built-in models). */
    inputScale: finite.positive(),
    /** Per-channel `(x·inputScale − mean[c]) / std[c]`. */
    normalization: z.object({ mean: triple, std: positiveTriple }),
    /**
     * Who applies the normalisation: `caller` (the predictor feeds normalised values; the built-in models) or `graph`
     * (the ONNX graph normalises; the caller feeds raw 0–255 RGB). Default `caller`.
     */
    normalizedBy: z.enum(['caller', 'graph']).default('caller'),
    output: z.literal('probabilities'),
    activation: z.enum(['sigmoid', 'softmax']),
    /** `binary` (one building channel) or `multi` (RAMP-style background/footprint/boundary/contact). */
    maskKind: z.enum(['binary', 'multi']),
    /** Probability at or above which a pixel is a building in binary masks, default 0.5. */
    threshold: finite.min(0).max(1).default(0.5),
    onnx: z.object({
      file: z.string().min(1).default(MODEL_ONNX_FILE),
      opset: z.number().int().min(13),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
      bytes: z.number().int().positive(),
    }),
    /** Trainable parameter count. */
    parameters: z.number().int().nonnegative(),
    /** Free-form training parameters: epochs, batchSize, lr, seed, dataset, base model, … */
    training: jsonRecord.default({}),
    /** Free-form metrics, e.g. `{ iou: 0.71, f1: 0.83 }` on the validation split. */
    metrics: jsonRecord.default({}),
    /** ISO 8601 time the model was exported. */
    created: z.iso.datetime({ offset: true }),
  })
  .superRefine((card, ctx) => {
    if (card.classNames.length !== card.classes)
      ctx.addIssue({
        code: 'custom',
        path: ['classNames'],
        message: `needs ${card.classes} names (one per class), got ${card.classNames.length}`,
      });
    const activation = card.classes === 1 ? 'sigmoid' : 'softmax';
    if (card.activation !== activation)
      ctx.addIssue({
        code: 'custom',
        path: ['activation'],
        message: `must be ${activation} for ${card.classes} class(es)`,
      });
    if ((card.maskKind === 'binary') !== (card.classes === 1))
      ctx.addIssue({ code: 'custom', path: ['maskKind'], message: `does not fit ${card.classes} class(es)` });
  });

/** A validated `model.json`, defaults filled in. */
export type ModelCard = z.output<typeof modelCardSchema>;

/** A `model.json` as written by hand or by the trainer: fields with defaults may be left out. */
export type ModelCardInput = z.input<typeof modelCardSchema>;

/**
 * Validates a parsed `model.json`.
 * @param json - the parsed JSON
 * @param source - where it came from (a path) for error messages, default `model.json`
 * @returns the card with defaults filled in (normalizedBy `caller`, threshold 0.5, empty training and metrics)
 * @throws AppError INVALID_PARAMETER_VALUE naming `source` and the first bad field
 * @example
 * const card = parseModelCard(JSON.parse(text), 'models/banepa/model.json');
 */
export function parseModelCard(json: unknown, source = MODEL_CARD_FILE): ModelCard {
  const parsed = modelCardSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.length ? issue.path.map(String).join('.') : '(root)';
  return invalid(`${source}: field ${field}: ${issue?.message ?? 'invalid'}`);
}

/**
 * The mask kind a class count implies: one channel is a binary building mask; more are RAMP-style classes.
 * @param classes - output channels
 */
export function maskKindOf(classes: number): 'binary' | 'multi' {
  return classes === 1 ? 'binary' : 'multi';
}

/**
 * The per-channel normalisation in the form `imageToChw` of ml/train takes (`(v/255 − mean') / std'`), from a card's
 * `inputScale`, `normalization` and `normalizedBy`. When the graph normalises, the caller feeds raw 0–255 values.
 * @param card - the card
 * @returns means and standard deviations relative to v/255
 */
export function callerNormalization(card: Pick<ModelCard, 'inputScale' | 'normalization' | 'normalizedBy'>): {
  mean: [number, number, number];
  std: [number, number, number];
} {
  if (card.normalizedBy === 'graph') return { mean: [0, 0, 0], std: [1 / 255, 1 / 255, 1 / 255] };
  // (x·scale − m) / s = (x/255 − m/(255·scale)) / (s/(255·scale)).
  const k = 255 * card.inputScale;
  const { mean, std } = card.normalization;
  return { mean: [mean[0] / k, mean[1] / k, mean[2] / k], std: [std[0] / k, std[1] / k, std[2] / k] };
}
