/**
 * @module ml/trainer/train-options — the options of `trainModel`, their defaults and validation, and the callbacks a
 * training run reports through (issue 3 §4).
 */
import type { MaskKind } from '../../datasets/index.ts';
import { invalid } from '../../shared/index.ts';
import type { Progress } from '../../shared/index.ts';
import type { SegmentationMetrics } from '../metrics/index.ts';
import { checkModelName } from '../models/index.ts';
import type { ModelName } from '../models/index.ts';
import { parseLrSchedule } from '../train/index.ts';
import type { LrSchedule } from '../train/index.ts';

/** The validation score early stopping and the best checkpoint follow. */
export type MonitorMetric = 'object_f1' | 'pixel_iou' | 'val_loss';
/** Every monitor name. */
export const MONITOR_METRICS: readonly MonitorMetric[] = ['object_f1', 'pixel_iou', 'val_loss'];

/** The optimisers a run can use (AdamW = Adam with decoupled weight decay). */
export type OptimizerName = 'adamw' | 'adam' | 'sgd';
/** Every optimiser name. */
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['adamw', 'adam', 'sgd'];

/**
 * Training losses by name, each for one mask kind (see `LossSpec` in ml/graph): binary masks `bce-dice` (default),
 * `bce` or `dice`; multi-class masks `ce-dice` (class-weighted softmax cross-entropy plus the mean soft Dice of the
 * building classes, default) or `ce` (the cross-entropy alone). On Banepa, Dice added 0.010-0.016 hold-out object F1
 * in each of three seeds.
 */
export type LossName = 'bce' | 'bce-dice' | 'dice' | 'ce' | 'ce-dice';
/** The mask kind each loss trains. */
export const LOSS_MASK_KIND: Readonly<Record<LossName, MaskKind>> = {
  bce: 'binary',
  'bce-dice': 'binary',
  dice: 'binary',
  ce: 'multi',
  'ce-dice': 'multi',
};
/** Every loss name. */
export const LOSS_NAMES = Object.keys(LOSS_MASK_KIND) as readonly LossName[];

/** Augmentation of training chips (validation chips are never augmented). */
export type AugmentSettings = {
  /** Random horizontal/vertical flips. */
  flips: boolean;
  /** Random quarter turns. */
  rotations: boolean;
  /** Brightness jitter amplitude in [0, 1]. */
  brightness: number;
  /** Contrast jitter amplitude in [0, 1]. */
  contrast: number;
};

/** Augmentation used when none is given: all 8 symmetries of the square and ±10 % brightness and contrast. */
export const DEFAULT_AUGMENT: AugmentSettings = {
  flips: true,
  rotations: true,
  brightness: 0.1,
  contrast: 0.1,
};

/** Early stopping: stop after `patience` validated epochs without improvement of `monitor` by more than `minDelta`. */
export type EarlyStopping = {
  /** Epochs without improvement before stopping, default 10; 0 turns early stopping off. */
  patience?: number;
  /** Score to follow, default `val_loss` for multi-class datasets and `pixel_iou` for binary ones. */
  monitor?: MonitorMetric;
  /** Smallest change that counts as an improvement, default 0. */
  minDelta?: number;
};

/** Options of `trainModel`. */
export type TrainOptions = {
  /** Dataset folder (`dataset.json`, chips, masks). */
  datasetDir: string;
  /** Output folder for checkpoints, model, metrics and history (created when missing). */
  out: string;
  /** Architecture, default `unet-s`. */
  model?: ModelName;
  /** Base checkpoint to start from (weights only; a head with another class count is re-initialised). */
  base?: string;
  /**
   * A default base: used like `base` when the file exists and its architecture and classes match the model,
   * otherwise training starts from scratch (with a note). Ignored when `base` or `resume` is given.
   */
  baseIfCompatible?: string;
  /** `checkpoint.last.safetensors` of an earlier run to continue exactly where it stopped. */
  resume?: string;
  /** Epochs, default 20. */
  epochs?: number;
  /** Chips per training step, default 8. */
  batchSize?: number;
  /** Peak learning rate, default 1e-3. */
  lr?: number;
  /** Learning-rate schedule, default cosine to lr/100 with a linear warm-up over 5 % of the steps (at most 200). */
  schedule?: LrSchedule;
  /** Optimiser, default `adamw`. */
  optimizer?: OptimizerName;
  /** Weight decay (decoupled for AdamW, L2 otherwise), default 1e-4. */
  weightDecay?: number;
  /** Clip the global gradient norm to this value, default no clipping. */
  gradientClip?: number;
  /** Loss, default `bce-dice` for binary masks and `ce-dice` for multi-class masks (see {@link LossName}). */
  loss?: LossName;
  /** Share of chips (by spatial block of tiles) held out for validation, in (0, 1), default 0.2. */
  valRatio?: number;
  /** Seed of initialisation, split, shuffling and augmentation, default 42. */
  seed?: number;
  /** Train only the decoder and head; encoder weights and BatchNorm statistics stay as loaded, default false. */
  freezeEncoder?: boolean;
  /** Augmentation: true (default settings), false (none) or settings, default true. */
  augment?: boolean | Partial<AugmentSettings>;
  /** Early stopping, or false for none; default `{ patience: 10 }`. */
  earlyStopping?: EarlyStopping | false;
  /** onnxruntime intra-op threads, default one per core. */
  threads?: number;
  /** Expected chip size; the dataset's chip size must equal it, default the dataset's. */
  inputSize?: number;
  /** Name written into model.json, default `<model>-<dataset folder name>`. */
  name?: string;
  /** Stops the run after the current step; the last checkpoint is written. */
  signal?: AbortSignal;
};

/** What `onStep` receives after every optimiser step. */
export type StepReport = {
  /** 1-based epoch. */
  epoch: number;
  /** 1-based global step. */
  step: number;
  /** 1-based step within the epoch. */
  stepInEpoch: number;
  loss: number;
  lr: number;
  /** Wall time of the step (batch assembly, forward, backward, update). */
  ms: number;
};

/** What `onEpoch` receives after every validated epoch. */
export type EpochReport = {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  metrics: SegmentationMetrics;
  /** Learning rate of the epoch's last step. */
  lr: number;
  /** True when this epoch is the best so far (its weights are in `checkpoint.best.safetensors`). */
  best: boolean;
  seconds: number;
};

/** Where a run reports to; every callback is optional. */
export type TrainCallbacks = {
  onStep?: (report: StepReport) => void;
  onEpoch?: (report: EpochReport) => void;
  /** One-line notes (base checkpoint choices, head re-initialisation, early stop). */
  onNote?: (message: string) => void;
  /** Progress in steps, with `epoch e/E loss x` as info. */
  progress?: Progress;
};

/** Options with every default filled in (the dataset-dependent ones are resolved later). */
export type ResolvedOptions = {
  model: ModelName;
  epochs: number;
  batchSize: number;
  lr: number;
  schedule: LrSchedule | undefined;
  optimizer: OptimizerName;
  weightDecay: number;
  gradientClip: number | undefined;
  /** The loss asked for, undefined for the mask kind's default. */
  loss: LossName | undefined;
  valRatio: number;
  seed: number;
  freezeEncoder: boolean;
  augment: AugmentSettings;
  patience: number;
  monitor: MonitorMetric | undefined;
  minDelta: number;
};

function positiveInteger(what: string, value: number, max = 1_000_000): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max)
    invalid(`${what} must be an integer from 1 to ${max}, got ${value}`);
  return value;
}

function nonNegative(what: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0)) invalid(`${what} must be a finite number >= 0, got ${value}`);
  return value;
}

function pickOne<T extends string>(what: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    invalid(`${what} ${value} is unknown; use ${allowed.join(', ')}`);
  return value as T;
}

function resolveAugment(augment: TrainOptions['augment']): AugmentSettings {
  if (augment === false) return { flips: false, rotations: false, brightness: 0, contrast: 0 };
  const settings = { ...DEFAULT_AUGMENT, ...(augment === true || augment === undefined ? {} : augment) };
  for (const key of ['brightness', 'contrast'] as const) {
    const v = settings[key];
    if (!(Number.isFinite(v) && v >= 0 && v <= 1)) invalid(`augment ${key} must be in [0, 1], got ${v}`);
  }
  return settings;
}

/**
 * Validates options and fills in defaults.
 * @param options - the caller's options
 * @returns resolved options
 * @throws AppError INVALID_PARAMETER_VALUE naming the first bad option
 */
export function resolveTrainOptions(options: TrainOptions): ResolvedOptions {
  if (typeof options.datasetDir !== 'string' || options.datasetDir === '')
    invalid('datasetDir must name a dataset folder');
  if (typeof options.out !== 'string' || options.out === '') invalid('out must name an output folder');
  if (options.base !== undefined && options.resume !== undefined)
    invalid('give either base or resume, not both');
  const lr = options.lr ?? 1e-3;
  if (!(Number.isFinite(lr) && lr > 0)) invalid(`learning rate must be a positive number, got ${lr}`);
  const valRatio = options.valRatio ?? 0.2;
  if (!(valRatio > 0 && valRatio < 1))
    invalid(`validation ratio must be between 0 and 1 (exclusive), got ${valRatio}`);
  const seed = options.seed ?? 42;
  if (!Number.isSafeInteger(seed) || seed < 0) invalid(`seed must be an integer >= 0, got ${seed}`);
  const gradientClip = options.gradientClip;
  if (gradientClip !== undefined && !(Number.isFinite(gradientClip) && gradientClip > 0))
    invalid(`gradient clip must be a positive number, got ${gradientClip}`);
  if (options.threads !== undefined) positiveInteger('threads', options.threads, 256);
  if (options.inputSize !== undefined) positiveInteger('input size', options.inputSize, 8192);
  const stopping = options.earlyStopping === false ? { patience: 0 } : (options.earlyStopping ?? {});
  const patience = stopping.patience ?? 10;
  if (!Number.isSafeInteger(patience) || patience < 0)
    invalid(`early-stopping patience must be an integer >= 0, got ${patience}`);
  return {
    model: checkModelName(options.model ?? 'unet-s'),
    epochs: positiveInteger('epochs', options.epochs ?? 20, 100_000),
    batchSize: positiveInteger('batch size', options.batchSize ?? 8, 1024),
    lr,
    schedule: options.schedule === undefined ? undefined : parseLrSchedule(options.schedule),
    optimizer: pickOne('optimizer', options.optimizer ?? 'adamw', OPTIMIZER_NAMES),
    weightDecay: nonNegative('weight decay', options.weightDecay ?? 1e-4),
    gradientClip,
    loss: options.loss === undefined ? undefined : pickOne('loss', options.loss, LOSS_NAMES),
    valRatio,
    seed,
    freezeEncoder: options.freezeEncoder ?? false,
    augment: resolveAugment(options.augment),
    patience,
    monitor:
      stopping.monitor === undefined ? undefined : pickOne('monitor', stopping.monitor, MONITOR_METRICS),
    minDelta: nonNegative('early-stopping minDelta', stopping.minDelta ?? 0),
  };
}

/**
 * The default schedule of a run: cosine decay to lr/100 after a linear warm-up over 5 % of the steps (1 to 200).
 * @param totalSteps - planned optimiser steps
 * @param lr - the peak learning rate
 */
export function defaultSchedule(totalSteps: number, lr: number): LrSchedule {
  const warmupSteps = Math.min(200, Math.max(1, Math.round(totalSteps * 0.05)));
  return { kind: 'cosine', warmupSteps, minLr: lr / 100 };
}
