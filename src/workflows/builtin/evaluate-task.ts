/**
 * @module workflows/builtin/evaluate-task — `evaluate@1`: a checkpoint scored on a dataset's validation split (the
 * split training used: same seed and ratio) with the standard pixel and object metrics.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { downloadPrefix } from '../../storage/index.ts';
import { defineTask } from '../task-definition.ts';
import type { TaskContext } from '../task-definition.ts';
import { attemptKey, downloadBlob, logProgress } from './task-io.ts';
import { blobUriSchema, metricsSchema, prefixUriSchema, seedSchema, valRatioSchema } from './task-schemas.ts';

const inputs = z.object({
  checkpoint: blobUriSchema.describe('URI of a checkpoint (train’s checkpoint)'),
  dataset: prefixUriSchema.describe('URI of the dataset folder the model was trained on'),
  val_ratio: valRatioSchema.default(0.2),
  seed: seedSchema.default(42),
  batch_size: z.number().int().min(1).max(1024).default(8).describe('chips per inference run'),
});

const outputs = z.object({
  metrics: metricsSchema,
  metrics_uri: blobUriSchema.describe('URI of metrics.json'),
  chips: z.number().int().describe('validation chips scored'),
});

type Inputs = z.infer<typeof inputs>;
type Outputs = z.infer<typeof outputs>;

/** `evaluate@1`: scores a checkpoint on the validation split of its dataset. */
export const evaluateTask = defineTask({
  name: 'evaluate',
  version: '1',
  description:
    'Scores a checkpoint on the validation split of a dataset: pixel IoU, precision, recall and object F1, precision, recall.',
  inputs,
  outputs,
  retries: { retries: 1, backoffMs: 5000 },
  timeoutMs: 2 * 3_600_000,
  resources: { cpu: 1, memoryMb: 2048 },
  run: evaluateRun,
});

async function evaluateRun(input: Inputs, context: TaskContext): Promise<Outputs> {
  const ml = await import('../../ml/index.ts');
  const checkpoint = join(context.workDir, 'checkpoint.safetensors');
  const modelDir = join(context.workDir, 'model');
  const datasetDir = join(context.workDir, 'dataset');
  await Promise.all([
    downloadBlob(context.blobs, input.checkpoint, checkpoint),
    downloadPrefix(context.blobs, input.dataset, datasetDir),
  ]);
  await ml.exportCheckpoint(checkpoint, modelDir, {});
  const result = await ml.evaluateModel({
    model: modelDir,
    datasetDir,
    valRatio: input.val_ratio,
    seed: input.seed,
    batchSize: input.batch_size,
    progress: logProgress(context.log),
    signal: context.signal,
  });
  const key = attemptKey(context, 'metrics.json');
  const stored = await context.blobs.put(key, `${JSON.stringify(result.metrics, null, 2)}\n`, {
    contentType: 'application/json',
  });
  const m = result.metrics;
  context.log(
    `${result.chips} validation chips: pixel IoU ${m.pixel_iou.toFixed(3)}, object F1 ${m.object_f1.toFixed(3)}`,
  );
  return { metrics: { ...result.metrics }, metrics_uri: stored.uri, chips: result.chips };
}
