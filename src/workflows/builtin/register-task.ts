/**
 * @module workflows/builtin/register-task — `register@1` (runs on the worker): records an exported model as the next
 * version of a registered model name, through the control plane's hooks.
 */
import { z } from 'zod';
import { AppError } from '../../shared/index.ts';
import { defineTask } from '../task-definition.ts';
import type { TaskContext } from '../task-definition.ts';
import { blobUriSchema, metricsSchema, prefixUriSchema, recordSchema } from './task-schemas.ts';

const inputs = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'letters, digits, dot, dash and underscore, at most 128')
    .describe('registered model name, e.g. banepa-buildings'),
  model: blobUriSchema.describe('URI of model.onnx'),
  model_card: blobUriSchema.describe('URI of model.json'),
  model_dir: prefixUriSchema.describe('URI of the model folder'),
  metrics: metricsSchema,
  checkpoint: blobUriSchema.optional().describe('URI of the checkpoint the model was exported from'),
  metrics_uri: blobUriSchema.optional().describe('URI of metrics.json'),
  curves: blobUriSchema.optional().describe('URI of the training curves (history.png)'),
  history: blobUriSchema.optional().describe('URI of history.json'),
  dataset: prefixUriSchema.optional().describe('URI of the training dataset'),
  training: recordSchema.default({}).describe('training settings and outcome'),
});

const outputs = z.object({
  model_name: z.string().describe('registered model name'),
  model_version: z.number().int().describe('the new version number (1, 2, … per name)'),
});

type Inputs = z.infer<typeof inputs>;
type Outputs = z.infer<typeof outputs>;

/** `register@1`: registers a model version (placement `worker`: it needs the control plane's hooks; cache off). */
export const registerTask = defineTask({
  name: 'register',
  version: '1',
  description:
    'Registers an exported model as the next version of a model name, with its artifacts, metrics and source.',
  inputs,
  outputs,
  placement: 'worker',
  cache: false,
  timeoutMs: 60_000,
  retries: { retries: 2, backoffMs: 1000 },
  resources: { cpu: 1, memoryMb: 256 },
  run: registerRun,
});

async function registerRun(input: Inputs, context: TaskContext): Promise<Outputs> {
  if (context.hooks === undefined)
    throw new AppError('INTERNAL_ERROR', 'task register needs the control plane hooks (placement worker)');
  const optional: Record<string, string | undefined> = {
    checkpoint: input.checkpoint,
    'metrics.json': input.metrics_uri,
    'history.png': input.curves,
    'history.json': input.history,
  };
  const artifacts: Record<string, string> = {
    model_dir: input.model_dir,
    'model.onnx': input.model,
    'model.json': input.model_card,
  };
  for (const [key, uri] of Object.entries(optional)) if (uri !== undefined) artifacts[key] = uri;
  const registered = await context.hooks.registerModelVersion(
    {
      name: input.name,
      artifacts,
      metrics: input.metrics,
      source: {
        ...(input.dataset === undefined ? {} : { dataset: input.dataset }),
        training: input.training,
      },
    },
    { executionId: context.executionId, nodeId: context.nodeId },
  );
  context.log(`registered ${registered.name} version ${registered.version}`);
  return { model_name: registered.name, model_version: registered.version };
}
