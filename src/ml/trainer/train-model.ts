/**
 * @module ml/trainer/train-model — `trainModel`: the training loop of fAIr (issue 3 §4). Epochs of fixed-size
 * batches over the training split with augmentation, a validation pass after each epoch, the best and last
 * checkpoints, early stopping, exact resume, and the exported model with its metrics and curves.
 */
import { mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { AppError, silentProgress } from '../../shared/index.ts';
import { learningRateAt } from '../train/index.ts';
import { batchIndices, epochOrder, fillTrainingBatch, stepRng } from './batches.ts';
import { improves, monitoredValue } from './history.ts';
import type { EpochRecord, ReportedMetrics, StopReason, TrainingHistory } from './history.ts';
import type { RunConfig } from './run-config.ts';
import { prepareRun } from './run-setup.ts';
import type { RunSetup } from './run-setup.ts';
import { TRAIN_FILES, writeHistoryFiles, writeModelFiles } from './train-artifacts.ts';
import { resolveTrainOptions } from './train-options.ts';
import type { TrainCallbacks, TrainOptions } from './train-options.ts';
import { createTrainStepper } from './train-step.ts';
import type { TrainStepper } from './train-step.ts';
import {
  BEST_CHECKPOINT_FILE,
  LAST_CHECKPOINT_FILE,
  writeBestCheckpoint,
  writeLastCheckpoint,
} from './trainer-checkpoints.ts';
import { createValidator } from './validation.ts';
import { minBuildingPixels } from './chip-scoring.ts';
import type { Validator } from './validation.ts';

/** What a finished (or stopped) run returns. */
export type TrainResult = {
  /** The output folder. */
  out: string;
  /** Paths of the files written; model files are absent when no epoch was validated. */
  files: Partial<Record<keyof typeof TRAIN_FILES, string>>;
  /** The best epoch's reported validation metrics, null when no epoch was validated. */
  metrics: ReportedMetrics | null;
  history: TrainingHistory;
  stopReason: StopReason;
  config: RunConfig;
  /** Notes for the user (base checkpoint used or not, head re-initialised, resume point, early stop). */
  notes: string[];
};

type Loop = RunSetup & {
  options: TrainOptions;
  callbacks: TrainCallbacks;
  stepper: TrainStepper;
  validator: Validator;
  history: TrainingHistory;
  lastFiniteLoss: number | undefined;
};

function historyOf(setup: RunSetup, datasetDir: string): TrainingHistory {
  const { config, state } = setup;
  return {
    model: config.model,
    dataset: basename(resolve(datasetDir)),
    maskKind: config.maskKind,
    monitor: config.monitor,
    bestEpoch: state.bestEpoch,
    stopReason: 'completed',
    trainChips: config.trainChips,
    valChips: config.valChips,
    epochs: state.history,
  };
}

function frozenSets(setup: RunSetup): { frozen?: Set<string>; frozenStatistics?: Set<string> } {
  if (!setup.config.freezeEncoder) return {};
  const encoder = setup.decl.parameters().filter((p) => p.encoder);
  return {
    frozen: new Set(encoder.filter((p) => p.trainable).map((p) => p.name)),
    frozenStatistics: new Set(encoder.filter((p) => !p.trainable).map((p) => p.name)),
  };
}

function divergence(
  loop: Loop,
  epoch: number,
  stepInEpoch: number,
  loss: number,
  gradientNorm: number,
  lr: number,
): AppError {
  const where = `epoch ${epoch + 1}, step ${stepInEpoch + 1} of ${loop.stepsPerEpoch} (global step ${loop.state.step + 1})`;
  const what = Number.isFinite(loss)
    ? `the gradient norm is ${gradientNorm} (loss ${loss})`
    : `the loss is ${loss}`;
  const last =
    loop.lastFiniteLoss === undefined
      ? 'no finite loss before it'
      : `last finite loss ${loop.lastFiniteLoss.toPrecision(4)}`;
  return new AppError(
    'INVALID_PARAMETER_VALUE',
    `training diverged at ${where}: ${what}, ${last}; lower the learning rate (it was ${lr})`,
  );
}

/** Takes one step; throws when the loss or gradient is not finite. */
async function takeStep(
  loop: Loop,
  epoch: number,
  stepInEpoch: number,
  order: number[],
  tensors: { input: Float32Array; target: Float32Array },
) {
  const { config, state } = loop;
  const started = performance.now();
  const indices = batchIndices(order, stepInEpoch, config.batchSize);
  const settings = { normalization: loop.normalization, classes: config.classes, augment: config.augment };
  fillTrainingBatch(
    loop.train,
    indices,
    stepRng(config.seed, epoch, stepInEpoch),
    settings,
    tensors.input,
    tensors.target,
  );
  const lr = learningRateAt(config.schedule, config.lr, state.step, loop.totalSteps);
  const outcome = await loop.stepper.step(tensors.input, tensors.target, lr);
  if (!outcome.applied) throw divergence(loop, epoch, stepInEpoch, outcome.loss, outcome.gradientNorm, lr);
  loop.lastFiniteLoss = outcome.loss;
  state.step++;
  state.epochSteps++;
  state.epochLossSum += outcome.loss;
  const ms = performance.now() - started;
  loop.callbacks.onStep?.({
    epoch: epoch + 1,
    step: state.step,
    stepInEpoch: stepInEpoch + 1,
    loss: outcome.loss,
    lr,
    ms,
  });
  loop.callbacks.progress?.tick(1, `epoch ${epoch + 1}/${config.epochs} loss ${outcome.loss.toFixed(4)}`);
  return lr;
}

const lastPath = (loop: Loop): string => join(loop.options.out, LAST_CHECKPOINT_FILE);
const saveLast = (loop: Loop): Promise<void> =>
  writeLastCheckpoint(lastPath(loop), loop.decl, loop.params, loop.optimizer.state(), loop.state);

/** Validates, records the epoch, keeps the best weights; returns whether early stopping is due. */
async function finishEpoch(loop: Loop, epoch: number, lr: number, started: number): Promise<boolean> {
  const { config, state } = loop;
  const validation = await loop.validator.run(loop.params);
  const record: EpochRecord = {
    epoch: epoch + 1,
    steps: state.epochSteps,
    trainLoss: state.epochLossSum / Math.max(1, state.epochSteps),
    valLoss: validation.loss,
    lr,
    seconds: Math.round((performance.now() - started) / 10) / 100,
    metrics: validation.metrics,
  };
  state.history.push(record);
  state.epoch = epoch + 1;
  state.epochLossSum = 0;
  state.epochSteps = 0;
  const value = monitoredValue(record, config.monitor);
  const best = improves(config.monitor, value, state.bestValue ?? undefined, config.minDelta);
  if (best) {
    state.bestValue = value;
    state.bestEpoch = record.epoch;
    state.staleEpochs = 0;
    loop.bestParams = new Map([...loop.params].map(([k, v]) => [k, v.slice()]));
    const meta = { epoch: record.epoch, step: state.step, monitor: config.monitor, value };
    await writeBestCheckpoint(join(loop.options.out, BEST_CHECKPOINT_FILE), loop.decl, loop.bestParams, meta);
  } else state.staleEpochs++;
  await saveLast(loop);
  loop.history.bestEpoch = state.bestEpoch;
  await writeHistoryFiles(loop.options.out, loop.history);
  loop.callbacks.onEpoch?.({
    epoch: record.epoch,
    trainLoss: record.trainLoss,
    valLoss: record.valLoss,
    metrics: record.metrics,
    lr,
    best,
    seconds: record.seconds,
  });
  return config.patience > 0 && state.staleEpochs >= config.patience;
}

/** Runs the remaining epochs; returns why the loop ended. */
async function runEpochs(loop: Loop): Promise<StopReason> {
  const { config, state, train } = loop;
  const plane = train.size * train.size;
  const tensors = {
    input: new Float32Array(config.batchSize * 3 * plane),
    target: new Float32Array(config.batchSize * config.classes * plane),
  };
  for (let epoch = state.epoch; epoch < config.epochs; epoch++) {
    const started = performance.now();
    const order = epochOrder(train.count, config.seed, epoch);
    let lr = Number.NaN;
    for (let s = state.step - epoch * loop.stepsPerEpoch; s < loop.stepsPerEpoch; s++) {
      if (loop.options.signal?.aborted === true) {
        await saveLast(loop);
        return 'aborted';
      }
      lr = await takeStep(loop, epoch, s, order, tensors);
    }
    if (Number.isNaN(lr))
      lr = learningRateAt(config.schedule, config.lr, Math.max(0, state.step - 1), loop.totalSteps);
    if (await finishEpoch(loop, epoch, lr, started)) {
      const message = `early stop after epoch ${epoch + 1}: ${config.monitor} did not improve for ${config.patience} epochs (best epoch ${state.bestEpoch})`;
      loop.notes.push(message);
      loop.callbacks.onNote?.(message);
      return 'early-stopped';
    }
  }
  return 'completed';
}

/**
 * Trains a segmentation model on a dataset folder and writes into `out`: `checkpoint.best.safetensors`,
 * `checkpoint.last.safetensors`, `model.onnx` + `model.json` (best epoch), `metrics.json` (the reported keys of the
 * best epoch), `history.json` and `history.png`. Output channels and loss follow the dataset's masks (binary: one
 * sigmoid channel, BCE + Dice with a positive weight; multi: softmax over the classes with inverse-√frequency
 * weights). The validation split is spatial (blocks of tiles, seeded). The same options and seed give the same
 * numbers on the same machine; a run resumed from its last checkpoint continues exactly.
 * @param options - see {@link TrainOptions}; defaults: unet-s, 20 epochs, batch 8, lr 1e-3 (AdamW, weight decay
 *   1e-4, cosine with warm-up), val ratio 0.2, seed 42, flips + rotations + ±10 % jitter, patience 10
 * @param callbacks - per-step and per-epoch reports, notes, progress (all optional)
 * @returns metrics, history, why it stopped and the files written
 * @throws AppError for bad options, an empty or unreadable dataset, chip/mask size mismatches, an impossible split, a
 *   missing, corrupt or mismatched checkpoint, or a non-finite loss (naming the epoch and step)
 * @example
 * const result = await trainModel({ datasetDir: 'datasets/banepa', out: 'runs/banepa', epochs: 30 },
 *   { progress: createProgressBar(process.stderr) });
 * console.log(result.metrics?.object_f1);
 */
export async function trainModel(
  options: TrainOptions,
  callbacks: TrainCallbacks = {},
): Promise<TrainResult> {
  const resolved = resolveTrainOptions(options);
  const setup = await prepareRun(options, resolved);
  await mkdir(options.out, { recursive: true });
  for (const note of setup.notes) callbacks.onNote?.(note);
  const { decl, config } = setup;
  const threads = options.threads === undefined ? {} : { threads: options.threads };
  const stepper = await createTrainStepper({
    decl,
    batchSize: config.batchSize,
    loss: config.loss,
    optimizer: setup.optimizer,
    params: setup.params,
    ...frozenSets(setup),
    ...(config.gradientClip === null ? {} : { gradientClip: config.gradientClip }),
    ...threads,
  });
  const validator = await createValidator({
    decl,
    loss: config.loss,
    store: setup.val,
    truthKind: config.maskKind,
    normalization: setup.normalization,
    batchSize: config.batchSize,
    minPredictedPixels: minBuildingPixels(setup.manifest),
    ...threads,
  }).catch(async (error: unknown) => {
    await stepper.release();
    throw error;
  });
  const loop: Loop = {
    ...setup,
    options,
    callbacks,
    stepper,
    validator,
    history: historyOf(setup, options.datasetDir),
    lastFiniteLoss: undefined,
  };
  const progress = callbacks.progress ?? silentProgress;
  progress.start(setup.totalSteps - setup.state.step, 'step');
  let stopReason: StopReason;
  try {
    stopReason = await runEpochs(loop);
  } finally {
    await Promise.all([stepper.release(), validator.release()]);
  }
  progress.done(stopReason === 'completed' ? undefined : stopReason);
  return finish(loop, stopReason);
}

async function finish(loop: Loop, stopReason: StopReason): Promise<TrainResult> {
  const { options, history } = loop;
  history.stopReason = stopReason;
  history.bestEpoch = loop.state.bestEpoch;
  await writeHistoryFiles(options.out, history);
  const out = options.out;
  const files: TrainResult['files'] = {
    history: join(out, TRAIN_FILES.history),
    picture: join(out, TRAIN_FILES.picture),
    lastCheckpoint: join(out, TRAIN_FILES.lastCheckpoint),
  };
  let metrics: ReportedMetrics | null = null;
  if (loop.bestParams !== undefined && history.bestEpoch !== null) {
    const name = options.name ?? `${loop.config.model}-${history.dataset}`;
    metrics = await writeModelFiles(out, loop.decl, loop.bestParams, {
      name,
      config: loop.config,
      history,
      datasetDir: options.datasetDir,
    });
    for (const key of ['onnx', 'card', 'metrics', 'bestCheckpoint'] as const)
      files[key] = join(out, TRAIN_FILES[key]);
  }
  return { out, files, metrics, history, stopReason, config: loop.config, notes: loop.notes };
}
