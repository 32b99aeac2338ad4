/**
 * @module workflows/builtin/export-onnx-task — `export_onnx@1`: a checkpoint → the model folder that inference and
 * the registry use (`model.onnx`, `model.json` with the metrics, `metrics.json`).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { uploadDirectory } from '../../storage/index.ts';
import { defineTask } from '../task-definition.ts';
import type { TaskContext } from '../task-definition.ts';
import { attemptKey, downloadBlob } from './task-io.ts';
import { blobUriSchema, metricsSchema, prefixUriSchema, recordSchema } from './task-schemas.ts';

const inputs = z.object({
  checkpoint: blobUriSchema.describe('URI of the checkpoint to export'),
  metrics: metricsSchema.default({}).describe('metrics written into model.json and metrics.json'),
  name: z.string().min(1).max(200).optional().describe('model name in model.json (default the architecture)'),
  training: recordSchema.default({}).describe('training settings written into model.json'),
});

const outputs = z.object({
  model: blobUriSchema.describe('URI of model.onnx'),
  model_card: blobUriSchema.describe('URI of model.json'),
  model_dir: prefixUriSchema.describe('URI of the model folder'),
});

type Inputs = z.infer<typeof inputs>;
type Outputs = z.infer<typeof outputs>;

/** `export_onnx@1`: exports a checkpoint as an ONNX model folder. */
export const exportOnnxTask = defineTask({
  name: 'export_onnx',
  version: '1',
  description:
    'Exports a checkpoint as an inference model: model.onnx (BatchNorm folded) and its card model.json.',
  inputs,
  outputs,
  timeoutMs: 30 * 60_000,
  resources: { cpu: 1, memoryMb: 2048 },
  run: exportOnnxRun,
});

async function exportOnnxRun(input: Inputs, context: TaskContext): Promise<Outputs> {
  const ml = await import('../../ml/index.ts');
  const checkpoint = join(context.workDir, 'checkpoint.safetensors');
  const dir = join(context.workDir, 'model');
  await downloadBlob(context.blobs, input.checkpoint, checkpoint);
  const { card } = await ml.exportCheckpoint(checkpoint, dir, {
    ...(input.name === undefined ? {} : { name: input.name }),
    training: input.training,
    metrics: input.metrics,
  });
  await writeFile(join(dir, ml.TRAIN_FILES.metrics), `${JSON.stringify(input.metrics, null, 2)}\n`);
  const key = attemptKey(context, 'model');
  const uploaded = await uploadDirectory(context.blobs, dir, key);
  context.log(`exported ${card.name} (${card.architecture}, ${card.onnx.bytes} bytes) to ${uploaded.uri}`);
  return {
    model: context.blobs.uriOf(`${key}/${ml.MODEL_ONNX_FILE}`),
    model_card: context.blobs.uriOf(`${key}/${ml.MODEL_CARD_FILE}`),
    model_dir: uploaded.uri,
  };
}
