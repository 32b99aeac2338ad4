/**
 * @module ml/trainer/run-setup — everything a run needs before its first step: the dataset and its spatial split in
 * memory, the model, the loss, the starting parameters (scratch, base or resume) and the optimiser (issue 3 §4, §7).
 */
import { dirname, join, resolve } from 'node:path';
import { maxClassValue, readDataset } from '../../datasets/index.ts';
import type { ChipEntry, DatasetManifest } from '../../datasets/index.ts';
import { invalid, pathExists } from '../../shared/index.ts';
import { readCheckpoint } from '../checkpoint/index.ts';
import { declareModel } from '../models/index.ts';
import type { ModelDeclaration } from '../models/index.ts';
import { createAdam, createSgd } from '../train/index.ts';
import type { Normalization, Optimizer } from '../train/index.ts';
import { stepsPerEpoch } from './batches.ts';
import { loadChipStore, storeMasks } from './chip-store.ts';
import type { ChipStore } from './chip-store.ts';
import { splitDatasetChips } from './dataset-split.ts';
import { resumedConfig } from './run-config.ts';
import type { RunConfig } from './run-config.ts';
import { defaultSchedule } from './train-options.ts';
import type { ResolvedOptions, TrainOptions } from './train-options.ts';
import {
  BEST_CHECKPOINT_FILE,
  baseMismatch,
  exactParameters,
  loadBaseParameters,
  readRunCheckpoint,
  writeBestCheckpoint,
} from './trainer-checkpoints.ts';
import type { RunState } from './trainer-checkpoints.ts';
import { trainingTarget } from './training-target.ts';

/** A run ready to take its first (or next) step. */
export type RunSetup = {
  manifest: DatasetManifest;
  decl: ModelDeclaration;
  config: RunConfig;
  train: ChipStore;
  val: ChipStore;
  normalization: Normalization;
  params: Map<string, Float32Array>;
  optimizer: Optimizer;
  state: RunState;
  /** Values of the best epoch so far, undefined before the first validation. */
  bestParams: Map<string, Float32Array> | undefined;
  stepsPerEpoch: number;
  totalSteps: number;
  notes: string[];
};

async function readManifest(options: TrainOptions): Promise<DatasetManifest> {
  const manifest = await readDataset(options.datasetDir);
  if (manifest.chips.length === 0) invalid(`dataset ${options.datasetDir} has no chips`);
  if (options.inputSize !== undefined && options.inputSize !== manifest.chipSize)
    invalid(
      `dataset ${options.datasetDir} has ${manifest.chipSize} px chips, but the model input is ${options.inputSize} px`,
    );
  return manifest;
}

function createOptimizer(config: RunConfig): Optimizer {
  if (config.optimizer === 'sgd') return createSgd({ momentum: 0.9, weightDecay: config.weightDecay });
  return createAdam({ weightDecay: config.weightDecay, decoupled: config.optimizer === 'adamw' });
}

function freshState(config: RunConfig): RunState {
  return {
    config,
    epoch: 0,
    step: 0,
    epochLossSum: 0,
    epochSteps: 0,
    bestValue: null,
    bestEpoch: null,
    staleEpochs: 0,
    history: [],
  };
}

type Start = { params: Map<string, Float32Array>; base: string | null; notes: string[] };

/** Starting parameters of a new run: an explicit base, a compatible default base, or seeded initialisation. */
async function startingParameters(
  options: TrainOptions,
  decl: ModelDeclaration,
  seed: number,
): Promise<Start> {
  const initial = decl.initParameters(seed);
  if (options.base !== undefined) {
    const { params, notes } = await loadBaseParameters(options.base, decl, initial);
    return { params, base: options.base, notes };
  }
  const fallback = options.baseIfCompatible;
  if (fallback === undefined) return { params: initial, base: null, notes: [] };
  if (!(await pathExists(fallback)))
    return {
      params: initial,
      base: null,
      notes: [`no base checkpoint at ${fallback}: training from scratch`],
    };
  const why = baseMismatch(await readCheckpoint(fallback), decl);
  if (why !== undefined)
    return {
      params: initial,
      base: null,
      notes: [`base checkpoint ${fallback} not used (${why}): training from scratch`],
    };
  const { params, notes } = await loadBaseParameters(fallback, decl, initial);
  return { params, base: fallback, notes };
}

function newConfig(
  resolved: ResolvedOptions,
  manifest: DatasetManifest,
  train: ChipStore,
  val: ChipStore,
): RunConfig {
  const target = trainingTarget(
    manifest.maskKind,
    maxClassValue(manifest) + 1,
    storeMasks(train),
    resolved.loss,
  );
  const steps = resolved.epochs * stepsPerEpoch(train.count, resolved.batchSize);
  return {
    model: resolved.model,
    maskKind: manifest.maskKind,
    classes: target.classes,
    inputSize: manifest.chipSize,
    epochs: resolved.epochs,
    batchSize: resolved.batchSize,
    lr: resolved.lr,
    schedule: resolved.schedule ?? defaultSchedule(steps, resolved.lr),
    optimizer: resolved.optimizer,
    weightDecay: resolved.weightDecay,
    gradientClip: resolved.gradientClip ?? null,
    loss: target.loss,
    valRatio: resolved.valRatio,
    seed: resolved.seed,
    freezeEncoder: resolved.freezeEncoder,
    augment: resolved.augment,
    monitor: resolved.monitor ?? (manifest.maskKind === 'multi' ? 'val_loss' : 'pixel_iou'),
    patience: resolved.patience,
    minDelta: resolved.minDelta,
    trainChips: train.count,
    valChips: val.count,
    base: null,
  };
}

async function loadSplit(options: TrainOptions, manifest: DatasetManifest, valRatio: number, seed: number) {
  const split = splitDatasetChips(manifest, options.datasetDir, valRatio, seed);
  const load = (entries: ChipEntry[]) =>
    loadChipStore(
      options.datasetDir,
      manifest,
      entries,
      options.signal === undefined ? {} : { signal: options.signal },
    );
  return { train: await load(split.train), val: await load(split.val) };
}

/** Best parameters of a resumed run, from the best checkpoint beside the resumed one (copied into `out`). */
async function resumedBest(options: TrainOptions, decl: ModelDeclaration, state: RunState, notes: string[]) {
  if (state.bestEpoch === null || state.bestValue === null || options.resume === undefined) return undefined;
  const path = join(dirname(options.resume), BEST_CHECKPOINT_FILE);
  if (!(await pathExists(path))) {
    notes.push(`${path} is missing: the best epoch restarts from the next validation`);
    state.bestValue = null;
    state.bestEpoch = null;
    return undefined;
  }
  const best = exactParameters(path, await readCheckpoint(path), decl);
  if (resolve(dirname(path)) !== resolve(options.out)) {
    const meta = {
      epoch: state.bestEpoch,
      step: state.step,
      monitor: state.config.monitor,
      value: state.bestValue,
    };
    await writeBestCheckpoint(join(options.out, BEST_CHECKPOINT_FILE), decl, best, meta);
  }
  return best;
}

/**
 * Prepares a run: reads and splits the dataset, loads both splits into memory, derives classes and loss, declares the
 * model and sets the starting parameters and optimiser — from the resume checkpoint (exactly where it stopped), a
 * base checkpoint, or seeded initialisation.
 * @param options - the caller's options
 * @param resolved - the same options with defaults
 * @returns the run
 * @throws AppError for an empty or unreadable dataset, chips of the wrong size, a chip size that is not the model
 *   input, an impossible split, or a checkpoint that is missing, corrupt or does not fit
 */
export async function prepareRun(options: TrainOptions, resolved: ResolvedOptions): Promise<RunSetup> {
  const manifest = await readManifest(options);
  const notes: string[] = [];
  const resumed = options.resume === undefined ? undefined : await readRunCheckpoint(options.resume);
  const storedConfig =
    resumed === undefined
      ? undefined
      : resumedConfig(resumed.state.config, options, resolved, options.resume as string);
  const { train, val } = await loadSplit(
    options,
    manifest,
    storedConfig?.valRatio ?? resolved.valRatio,
    storedConfig?.seed ?? resolved.seed,
  );
  const config = storedConfig ?? newConfig(resolved, manifest, train, val);
  if (config.trainChips !== train.count || config.inputSize !== manifest.chipSize)
    invalid(
      `resume from ${options.resume}: the run trained on ${config.trainChips} ${config.inputSize} px chips, the dataset now gives ${train.count} ${manifest.chipSize} px chips`,
    );
  const decl = declareModel(config.model, { classes: config.classes, inputSize: manifest.chipSize });
  const optimizer = createOptimizer(config);
  let params: Map<string, Float32Array>;
  let state: RunState;
  if (resumed !== undefined) {
    params = exactParameters(options.resume as string, resumed.loaded, decl);
    optimizer.load(resumed.loaded.optimizer as NonNullable<typeof resumed.loaded.optimizer>);
    state = { ...resumed.state, config };
    notes.push(`resuming ${options.resume} at epoch ${state.epoch + 1}, step ${state.step + 1}`);
  } else {
    const start = await startingParameters(options, decl, config.seed);
    params = start.params;
    config.base = start.base;
    notes.push(...start.notes);
    if (config.freezeEncoder && start.base === null)
      notes.push(
        'the encoder is frozen but starts from random weights: freeze it only when fine-tuning a base',
      );
    state = freshState(config);
  }
  const perEpoch = stepsPerEpoch(train.count, config.batchSize);
  const { spec } = decl;
  const k = 255 * spec.inputScale;
  const normalization = {
    mean: spec.normalization.mean.map((m) => m / k),
    std: spec.normalization.std.map((s) => s / k),
  };
  const bestParams = await resumedBest(options, decl, state, notes);
  return {
    manifest,
    decl,
    config,
    train,
    val,
    normalization,
    params,
    optimizer,
    state,
    bestParams,
    stepsPerEpoch: perEpoch,
    totalSteps: perEpoch * config.epochs,
    notes,
  };
}
