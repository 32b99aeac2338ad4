/**
 * @module workflows/builtin/resolve-model-task — `resolve_model@1` (runs on the worker): a registered model name and
 * optional version → the model folder and facts of that version (the latest when no version is given).
 */
import { z } from 'zod';
import { AppError } from '../../shared/index.ts';
import { defineTask } from '../task-definition.ts';
import type { TaskContext } from '../task-definition.ts';
import { metricsSchema, prefixUriSchema } from './task-schemas.ts';

const inputs = z.object({
  name: z.string().min(1).describe('registered model name'),
  version: z.number().int().min(1).optional().describe('model version (default the latest)'),
});

const outputs = z.object({
  model_dir: prefixUriSchema.describe('URI of the model folder (model.onnx + model.json)'),
  model_name: z.string().describe('registered model name'),
  model_version: z.number().int().describe('the version resolved'),
  metrics: metricsSchema,
});

type Inputs = z.infer<typeof inputs>;
type Outputs = z.infer<typeof outputs>;

/** `resolve_model@1`: looks a model version up (placement `worker`, cache off: the latest version changes). */
export const resolveModelTask = defineTask({
  name: 'resolve_model',
  version: '1',
  description:
    'Finds a registered model version (the latest when no version is given) and returns its model folder.',
  inputs,
  outputs,
  placement: 'worker',
  cache: false,
  timeoutMs: 60_000,
  retries: { retries: 2, backoffMs: 1000 },
  resources: { cpu: 1, memoryMb: 256 },
  run: resolveModelRun,
});

async function resolveModelRun(input: Inputs, context: TaskContext): Promise<Outputs> {
  if (context.hooks === undefined)
    throw new AppError(
      'INTERNAL_ERROR',
      'task resolve_model needs the control plane hooks (placement worker)',
    );
  const found = await context.hooks.resolveModelVersion(input.name, input.version);
  const onnx = found.artifacts['model.onnx'];
  const modelDir =
    found.artifacts['model_dir'] ??
    (onnx === undefined ? undefined : onnx.slice(0, onnx.lastIndexOf('/') + 1));
  if (modelDir === undefined)
    throw new AppError(
      'RESOURCE_DOES_NOT_EXIST',
      `model ${found.name} version ${found.version} has no model_dir or model.onnx artifact`,
    );
  context.log(`resolved ${found.name} version ${found.version}: ${modelDir}`);
  return {
    model_dir: modelDir,
    model_name: found.name,
    model_version: found.version,
    metrics: found.metrics,
  };
}
