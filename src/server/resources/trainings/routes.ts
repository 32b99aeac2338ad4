/**
 * @module server/resources/trainings/routes — `/api/trainings`: start (launch the training workflow with validated
 * parameters and limits), list, status, logs, live events (SSE), cancel, metrics (from the MLflow run).
 */
import { z } from 'zod';
import { route } from '../../http/route.ts';
import type { Route } from '../../http/route.ts';
import { streamExecutionEvents } from '../../routes/execution-events.ts';
import type { RouteDeps } from '../../routes/route-deps.ts';
import { pageRequest, pageSchema, pagingQuery } from '../common/paging.ts';
import { userViewerOf, viewerOf } from '../common/request-viewer.ts';
import { idSchema, ownedShape, privateSchema, trainingZoomSchema } from '../common/schemas.ts';
import type { TrainingRecord } from './store.ts';
import type { TrainingService } from './service.ts';

const phases = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'] as const;

/** Limits of a training started through the API. */
export const TRAINING_LIMITS = { maxEpochs: 100, maxBatchSize: 32 } as const;

const startBody = z.strictObject({
  dataset_id: idSchema.describe('the dataset to train on (its imagery, AOIs and labels)'),
  model_name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'letters, digits, dot, dash and underscore, at most 128')
    .describe('registered model the new version goes to (created when missing)'),
  base_model: z.string().min(1).max(200).default('unet-s').describe('base model to finetune, default unet-s'),
  zooms: z
    .array(trainingZoomSchema)
    .min(1)
    .max(4)
    .optional()
    .describe('zoom levels of the chips, 18–21 (default the dataset’s)'),
  epochs: z.number().int().min(1).max(TRAINING_LIMITS.maxEpochs).default(10).describe('epochs, 1–100'),
  batch_size: z
    .number()
    .int()
    .min(1)
    .max(TRAINING_LIMITS.maxBatchSize)
    .default(8)
    .describe('chips per step, 1–32'),
  lr: z.number().gt(0).max(0.1).default(0.001).describe('peak learning rate, at most 0.1'),
  val_ratio: z.number().min(0.05).max(0.5).default(0.2).describe('share held out for validation'),
  freeze_encoder: z.boolean().default(false).describe('train only the decoder and head'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31)
    .default(42)
    .describe('seed'),
  weights: z
    .enum(['builtin', 'none'])
    .default('builtin')
    .describe('start from the base model’s shipped weights (builtin) or from scratch (none)'),
  private: privateSchema,
});

const listQuery = z.object({
  ...pagingQuery,
  dataset_id: idSchema.optional().describe('only trainings of this dataset'),
  model_name: z.string().min(1).max(256).optional().describe('only trainings of this model'),
  phase: z.enum(phases).optional().describe('only trainings in this phase'),
});

const logsQuery = z.object({
  after_id: z.coerce.number().int().min(0).default(0).describe('continue after this log line id'),
  node: z.string().min(1).max(100).optional().describe('only this node’s lines'),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000).describe('most lines'),
});

const eventsQuery = z.object({
  after: z.coerce.number().int().min(0).optional().describe('continue after this event id'),
});

const trainingParams = z.object({ id: idSchema.describe('training id') });

const trainingSchema = z.object({
  id: z.string(),
  dataset_id: z.string(),
  execution_id: z.string(),
  model_name: z.string(),
  base_model: z.string(),
  params: z.record(z.string(), z.unknown()),
  phase: z.enum(phases),
  run_id: z.string().nullable(),
  run_url: z.string().nullable().describe('the MLflow run (REST)'),
  model_version: z.number().nullable(),
  metrics: z.record(z.string(), z.number()).nullable(),
  stac_item_id: z.string().nullable(),
  stac_item_url: z.string().nullable(),
  ...ownedShape,
  updated_at: z.string(),
});

/**
 * A training as the API answers it.
 * @param t - the record
 * @param publicUrl - the server's URL (links)
 */
export function trainingJson(t: TrainingRecord, publicUrl: string): z.input<typeof trainingSchema> {
  return {
    id: t.id,
    dataset_id: t.dataset_id,
    execution_id: t.execution_id,
    model_name: t.model_name,
    base_model: t.base_model,
    params: t.params,
    phase: t.phase,
    run_id: t.run_id,
    run_url:
      t.run_id === null
        ? null
        : `${publicUrl}/api/2.0/mlflow/runs/get?run_id=${encodeURIComponent(t.run_id)}`,
    model_version: t.model_version,
    metrics: t.metrics,
    stac_item_id: t.stac_item_id,
    stac_item_url:
      t.stac_item_id === null
        ? null
        : `${publicUrl}/stac/collections/local-models/items/${encodeURIComponent(t.stac_item_id)}`,
    owner_id: t.owner_id,
    private: t.private,
    created_at: t.created_at.toISOString(),
    updated_at: t.updated_at.toISOString(),
  };
}

/**
 * The training routes.
 * @param trainings - the training service
 * @param deps - public URL and open streams
 * @returns start, list, status, logs, events, cancel, metrics
 */
export function trainingRoutes(trainings: TrainingService, deps: RouteDeps): Route[] {
  const tags = ['trainings'];
  const json = (t: TrainingRecord): z.input<typeof trainingSchema> => trainingJson(t, deps.publicUrl());
  return [
    route({
      method: 'POST',
      url: '/api/trainings',
      operationId: 'startTraining',
      summary: 'start a training: finetune a base model on a dataset (building-detection-training@1)',
      description:
        'Checks the dataset (AOIs, labels, area limit), the base model (built in, compatible with the dataset) and ' +
        'the model name (yours or new), merges the labels with the dataset’s label offset, opens an MLflow run and ' +
        'launches the workflow. Follow it at /api/trainings/{id}/events.',
      tags,
      auth: 'required',
      body: startBody,
      status: 201,
      responses: { 201: { description: 'queued', schema: trainingSchema } },
      handler: async ({ body, request }) => json(await trainings.start(userViewerOf(request), body)),
    }),
    route({
      method: 'GET',
      url: '/api/trainings',
      operationId: 'listTrainings',
      summary: 'trainings, newest first, by dataset, model and phase',
      tags,
      auth: 'optional',
      query: listQuery,
      responses: { 200: { description: 'a page', schema: pageSchema(trainingSchema) } },
      handler: async ({ query, request }) => {
        const page = await trainings.list(viewerOf(request), {
          ...pageRequest(query),
          datasetId: query.dataset_id,
          modelName: query.model_name,
          phase: query.phase,
        });
        return { ...page, items: page.items.map(json) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/trainings/:id',
      operationId: 'getTraining',
      summary: 'a training with its execution (phase, nodes, error)',
      tags,
      auth: 'optional',
      params: trainingParams,
      handler: async ({ params, request }) => {
        const { training, execution } = await trainings.status(viewerOf(request), params.id);
        return {
          ...json(training),
          execution: {
            phase: execution.phase,
            error: execution.error,
            started_at: execution.startedAt?.toISOString() ?? null,
            ended_at: execution.endedAt?.toISOString() ?? null,
            nodes: execution.nodes.map((n) => ({
              id: n.id,
              phase: n.phase,
              cached: n.cached,
              error: n.error,
            })),
          },
        };
      },
    }),
    ...trainingFollowRoutes(trainings, deps),
  ];
}

function trainingFollowRoutes(trainings: TrainingService, deps: RouteDeps): Route[] {
  const tags = ['trainings'];
  return [
    route({
      method: 'GET',
      url: '/api/trainings/:id/logs',
      operationId: 'getTrainingLogs',
      summary: 'log lines of the training’s tasks',
      tags,
      auth: 'optional',
      params: trainingParams,
      query: logsQuery,
      handler: async ({ params, query, request }) => {
        const items = await trainings.logs(viewerOf(request), params.id, {
          afterId: query.after_id,
          limit: query.limit,
          nodeId: query.node,
        });
        return { items, next_after_id: items.at(-1)?.id ?? query.after_id };
      },
    }),
    route({
      method: 'GET',
      url: '/api/trainings/:id/events',
      operationId: 'streamTrainingEvents',
      summary: 'live progress of a training (Server-Sent Events of its execution, `task.metrics` per epoch)',
      tags,
      auth: 'optional',
      params: trainingParams,
      query: eventsQuery,
      responses: { 200: { description: 'the event stream', contentType: 'text/event-stream' } },
      handler: async ({ params, query, request, reply }) => {
        const training = await trainings.get(viewerOf(request), params.id);
        const header = request.headers['last-event-id'];
        const last = typeof header === 'string' && /^\d{1,15}$/.test(header) ? Number(header) : undefined;
        await streamExecutionEvents(
          deps.streams,
          deps.controlPlane,
          training.execution_id,
          last ?? query.after ?? 0,
          request,
          reply,
        );
      },
    }),
    route({
      method: 'POST',
      url: '/api/trainings/:id/cancel',
      operationId: 'cancelTraining',
      summary: 'cancel a training (owner or admin)',
      tags,
      auth: 'required',
      params: trainingParams,
      responses: {
        200: { description: 'the phase afterwards', schema: z.object({ id: z.string(), phase: z.string() }) },
      },
      handler: async ({ params, request }) => ({
        id: params.id,
        phase: await trainings.cancel(userViewerOf(request), params.id),
      }),
    }),
    route({
      method: 'GET',
      url: '/api/trainings/:id/metrics',
      operationId: 'getTrainingMetrics',
      summary: 'metric histories of the training’s MLflow run (step = epoch; eval_* = final evaluation)',
      tags,
      auth: 'optional',
      params: trainingParams,
      handler: async ({ params, request }) => {
        const m = await trainings.metrics(viewerOf(request), params.id);
        const latest = Object.fromEntries(
          Object.entries(m.history).map(([key, points]) => [key, points.at(-1)?.value ?? null]),
        );
        return {
          run_id: m.runId,
          experiment_id: m.experimentId,
          run_url:
            m.runId === null
              ? null
              : `${deps.publicUrl()}/api/2.0/mlflow/runs/get?run_id=${encodeURIComponent(m.runId)}`,
          latest,
          history: m.history,
        };
      },
    }),
  ];
}
