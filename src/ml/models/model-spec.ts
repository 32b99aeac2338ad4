/** @module ml/models/model-spec — names, input conventions and class names of the built-in models (issue 3, §3). */
import { invalid } from '../../shared/index.ts';

/** The built-in architectures. */
export type ModelName = 'unet-s' | 'unet-m';

/** Every built-in model name, in a stable order. */
export const MODEL_NAMES: readonly ModelName[] = ['unet-s', 'unet-m'];

/**
 * Input normalisation every caller applies *before* the graphs (trainer, predictor, browser):
 * x' = (x·scale − mean[c]) / std[c] on raw RGB 0–255, i.e. `imageToChw(rgb, size, spec.normalization)` of ml/train.
 * The constants are the ImageNet RGB statistics (so pretrained encoders fit later); `scale` 1/255 maps raw pixels
 * to [0, 1]. The graphs take the normalised float32 values; the MLM facts publish the same step as z-score scaling.
 */
export const IMAGENET_NORMALIZATION = {
  scale: 1 / 255,
  mean: [0.485, 0.456, 0.406] as [number, number, number],
  std: [0.229, 0.224, 0.225] as [number, number, number],
} as const;

/** Everything a model declaration fixes besides its layers. */
export type ModelSpec = {
  readonly name: ModelName;
  readonly inChannels: 3;
  /** Output channels: 1 (binary, sigmoid) or C ≥ 2 (multi-class, softmax over channels). */
  readonly classes: number;
  /** Square input size in pixels (default 256). */
  readonly inputSize: number;
  /** Per-channel mean and std applied after `inputScale`, by the caller before the graph. */
  readonly normalization: { readonly mean: [number, number, number]; readonly std: [number, number, number] };
  /** Factor applied to raw pixel values before the mean/std step (1/255). */
  readonly inputScale: number;
  /** Channel widths of the encoder levels, shallowest first. */
  readonly widths: readonly number[];
  /** Name of each output class, by channel. */
  readonly classNames: readonly string[];
};

/** Encoder widths per model. */
export const MODEL_WIDTHS: Readonly<Record<ModelName, readonly number[]>> = {
  'unet-s': [16, 32, 64, 128],
  'unet-m': [32, 64, 128, 256],
};

/**
 * Default class names: one class → `building` (probability of a building pixel); four → the RAMP-style
 * background / footprint / boundary / contact masks; otherwise `class_<i>`.
 */
export function defaultClassNames(classes: number): string[] {
  if (classes === 1) return ['building'];
  if (classes === 4) return ['background', 'footprint', 'boundary', 'contact'];
  return Array.from({ length: classes }, (_, i) => `class_${i}`);
}

/**
 * Checks a model name.
 * @throws AppError listing the known models
 */
export function checkModelName(name: string): ModelName {
  if (!(MODEL_NAMES as readonly string[]).includes(name))
    invalid(`unknown model ${name}; known models: ${MODEL_NAMES.join(', ')}`);
  return name as ModelName;
}

/**
 * Builds the spec of a model from user options.
 * @param options - classes (1 or 2–255); inputSize (a multiple of 2^(levels−1), default 256); classNames (default
 * from {@link defaultClassNames})
 * @throws AppError for an unknown name, a bad class count, input size or class-name list
 */
export function createModelSpec(
  name: string,
  options: { classes: number; inputSize?: number; classNames?: readonly string[] },
): ModelSpec {
  const model = checkModelName(name);
  const widths = MODEL_WIDTHS[model];
  const { classes } = options;
  if (!Number.isInteger(classes) || classes < 1 || classes > 255)
    invalid(`classes must be an integer from 1 to 255, got ${classes}`);
  const inputSize = options.inputSize ?? 256;
  const multiple = 2 ** (widths.length - 1);
  if (!Number.isInteger(inputSize) || inputSize < multiple || inputSize % multiple !== 0)
    invalid(`input size of ${model} must be a positive multiple of ${multiple}, got ${inputSize}`);
  const classNames = options.classNames ?? defaultClassNames(classes);
  if (classNames.length !== classes) invalid(`classNames needs ${classes} names, got ${classNames.length}`);
  return {
    name: model,
    inChannels: 3,
    classes,
    inputSize,
    normalization: { mean: [...IMAGENET_NORMALIZATION.mean], std: [...IMAGENET_NORMALIZATION.std] },
    inputScale: IMAGENET_NORMALIZATION.scale,
    widths,
    classNames: [...classNames],
  };
}
