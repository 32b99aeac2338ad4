/**
 * @module workflows/builtin/train-task — `train@1`: a dataset of the store → a trained model run (checkpoints,
 * history, curves), with every epoch's validation metrics emitted as `metrics` events.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { EpochReport, TrainOptions, TrainResult } from '../../ml/index.ts';
import { AppError, invalid } from '../../shared/index.ts';
import { downloadPrefix, uploadDirectory } from '../../storage/index.ts';
import { defineTask } from '../task-definition.ts';
import type { TaskContext } from '../task-definition.ts';
import { attemptKey, downloadBlob } from './task-io.ts';
import {
  blobUriSchema,
  metricsSchema,
  modelNameSchema,
  prefixUriSchema,
  recordSchema,
  seedSchema,
  valRatioSchema,
} from './task-schemas.ts';

const inputs = z.object({
  dataset: prefixUriSchema.describe('URI of a dataset folder (prepare_dataset’s dataset)'),
  model: modelNameSchema.default('unet-s'),
  base: z
    .string()
    .min(1)
    .default('builtin')
    .describe(
      'starting weights: builtin (the shipped models/base-<model> checkpoint, when it fits), none (from scratch), or a blob URI of a checkpoint',
    ),
  epochs: z.number().int().min(1).max(10_000).default(20).describe('epochs'),
  batch_size: z.number().int().min(1).max(1024).default(8).describe('chips per step'),
  lr: z.number().positive().max(1).default(0.001).describe('peak learning rate'),
  val_ratio: valRatioSchema.default(0.2),
  freeze_encoder: z.boolean().default(false).describe('train only the decoder and head (fine-tuning)'),
  seed: seedSchema.default(42),
});

const outputs = z.object({
  checkpoint: blobUriSchema.describe('URI of the best epoch’s checkpoint (weights only)'),
  history: blobUriSchema.describe('URI of history.json (every epoch’s losses and metrics)'),
  curves: blobUriSchema.describe('URI of history.png (training curves)'),
  run_dir: prefixUriSchema.describe('URI of the whole run folder (last checkpoint included)'),
  metrics: metricsSchema.describe('the best epoch’s validation metrics'),
  training: recordSchema.describe('training settings and outcome (for the model card and the registry)'),
});

type Inputs = z.infer<typeof inputs>;
type Outputs = z.infer<typeof outputs>;

/** `train@1`: trains a segmentation model; metrics of each epoch go to the execution's event stream. */
export const trainTask = defineTask({
  name: 'train',
  version: '1',
  description:
    'Trains a building segmentation model (U-Net) on a dataset, from a base checkpoint or from scratch; streams each epoch’s metrics.',
  inputs,
  outputs,
  retries: { retries: 1, backoffMs: 10_000 },
  timeoutMs: 24 * 3_600_000,
  resources: { cpu: 2, memoryMb: 4096 },
  run: trainRun,
});

async function trainRun(input: Inputs, context: TaskContext): Promise<Outputs> {
  const ml = await import('../../ml/index.ts');
  const datasetDir = join(context.workDir, 'dataset');
  const out = join(context.workDir, 'run');
  await downloadPrefix(context.blobs, input.dataset, datasetDir);
  const options: TrainOptions = {
    datasetDir,
    out,
    model: input.model,
    epochs: input.epochs,
    batchSize: input.batch_size,
    lr: input.lr,
    valRatio: input.val_ratio,
    freezeEncoder: input.freeze_encoder,
    seed: input.seed,
    signal: context.signal,
    ...(await baseOption(input, context)),
  };
  context.log(`training ${input.model} for ${input.epochs} epochs (base ${input.base})`);
  let lastLine = 0;
  const result = await ml.trainModel(options, {
    onNote: (note) => context.log(note),
    onStep: (step) => {
      if (Date.now() - lastLine < 10_000) return;
      lastLine = Date.now();
      context.log(`epoch ${step.epoch}/${input.epochs} step ${step.step} loss ${step.loss.toFixed(4)}`);
    },
    onEpoch: (report) => {
      context.emit({ type: 'metrics', data: epochMetrics(report) });
      context.log(
        `epoch ${report.epoch}/${input.epochs}: train loss ${report.trainLoss.toFixed(4)}, val loss ${report.valLoss.toFixed(4)}, ` +
          `pixel IoU ${report.metrics.pixel_iou.toFixed(3)}, object F1 ${report.metrics.object_f1.toFixed(3)}${report.best ? ' (best)' : ''}`,
      );
    },
  });
  return storeRun(result, input, context, out);
}

/** The base option of the trainer: the shipped checkpoint if it fits, none, or a checkpoint from the store. */
async function baseOption(
  input: Inputs,
  context: TaskContext,
): Promise<Pick<TrainOptions, 'base' | 'baseIfCompatible'>> {
  if (input.base === 'none') return {};
  if (input.base === 'builtin') {
    const ml = await import('../../ml/index.ts');
    return { baseIfCompatible: ml.shippedBaseCheckpoint(input.model) };
  }
  const path = join(context.workDir, 'base.safetensors');
  await downloadBlob(context.blobs, input.base, path);
  return { base: path };
}

/** One `metrics` event: snake_case keys, as the tracking hook logs them. */
function epochMetrics(report: EpochReport): Record<string, number | boolean> {
  return {
    epoch: report.epoch,
    train_loss: report.trainLoss,
    val_loss: report.valLoss,
    lr: report.lr,
    seconds: report.seconds,
    best: report.best,
    ...report.metrics,
  };
}

async function storeRun(
  result: TrainResult,
  input: Inputs,
  context: TaskContext,
  out: string,
): Promise<Outputs> {
  if (result.stopReason === 'aborted')
    throw context.signal.aborted
      ? context.signal.reason
      : new AppError('INTERNAL_ERROR', 'training was aborted');
  if (result.metrics === null || result.files.bestCheckpoint === undefined)
    invalid(`training on ${input.dataset} validated no epoch, so there is no model to keep`);
  const ml = await import('../../ml/index.ts');
  const key = attemptKey(context, 'run');
  const uploaded = await uploadDirectory(context.blobs, out, key);
  const uri = (file: string): string => context.blobs.uriOf(`${key}/${file}`);
  context.log(`stored the run (${uploaded.files} files) at ${uploaded.uri}`);
  return {
    checkpoint: uri(ml.TRAIN_FILES.bestCheckpoint),
    history: uri(ml.TRAIN_FILES.history),
    curves: uri(ml.TRAIN_FILES.picture),
    run_dir: uploaded.uri,
    metrics: result.metrics,
    training: JSON.parse(
      JSON.stringify({
        ...result.config,
        dataset: input.dataset,
        base: input.base,
        bestEpoch: result.history.bestEpoch,
        epochsRun: result.history.epochs.length,
        stopReason: result.stopReason,
      }),
    ) as Outputs['training'],
  };
}
