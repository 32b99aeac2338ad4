/**
 * @module server/routes/execution-routes — workflow executions over HTTP: launch, list (filters and paging), status,
 * logs, cancel, and live events over SSE. Launching records the user as owner; cancel needs the owner or an admin.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { invalid } from '../../shared/index.ts';
import type { ExecutionView, LogLine } from '../../workflows/index.ts';
import { currentUser, canRead, requireModify, requireRead, requireUser } from '../auth/access.ts';
import { route } from '../http/route.ts';
import type { Route } from '../http/route.ts';
import { streamExecutionEvents } from './execution-events.ts';
import type { RouteDeps } from './route-deps.ts';

/** Owner records of executions use this kind. */
export const EXECUTION_KIND = 'execution';

const phases = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'] as const;

const idParams = z.object({ id: z.string().min(1).max(200).describe('execution id') });

const listQuery = z.object({
  workflow: z
    .string()
    .min(1)
    .optional()
    .describe('only executions of this workflow: `name` or `name@version`'),
  phase: z.enum(phases).optional().describe('only executions in this phase'),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('page size, default 50'),
  page_token: z.string().min(1).optional().describe('`next_page_token` of the previous page'),
});

const launchBody = z.strictObject({
  workflow: z.string().min(1).describe('`name` (latest version) or `name@version`'),
  inputs: z
    .record(z.string(), z.unknown())
    .default({})
    .describe('launch inputs, checked against the workflow'),
  private: z.boolean().default(false).describe('only the owner and admins see it, default false'),
});

const logsQuery = z.object({
  after_id: z.coerce.number().int().min(0).default(0).describe('continue after this log line id'),
  node: z.string().min(1).optional().describe('only this node’s lines'),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000).describe('most lines, default 1000'),
});

const eventsQuery = z.object({
  after: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('continue after this event id (the `Last-Event-ID` header wins when both are given)'),
});

const summarySchema = z.object({
  id: z.string(),
  workflow: z.string().describe('`name@version`'),
  phase: z.enum(phases),
  relaunchOf: z.string().nullable(),
  resumed: z.boolean(),
  error: z.string().nullable(),
  createdAt: z.string().describe('ISO 8601'),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});
const pageSchema = z.object({ items: z.array(summarySchema), next_page_token: z.string().nullable() });
const launchedSchema = z.object({ id: z.string(), phase: z.enum(phases) });
const logLineSchema = z.object({
  id: z.number(),
  nodeId: z.string(),
  attempt: z.number(),
  line: z.string(),
  at: z.string(),
});
const logsSchema = z.object({ items: z.array(logLineSchema), next_after_id: z.number() });

/**
 * The execution routes.
 * @param deps - control plane, auth and open streams
 * @returns launch, list, get, logs, cancel and events
 */
export function executionRoutes(deps: RouteDeps): Route[] {
  const tags = ['executions'];
  return [
    route({
      method: 'POST',
      url: '/api/executions',
      operationId: 'launchExecution',
      summary: 'launch a workflow',
      tags,
      auth: 'required',
      body: launchBody,
      status: 201,
      responses: { 201: { description: 'queued', schema: launchedSchema } },
      handler: ({ body, request }) => launchExecution(deps, request, body),
    }),
    route({
      method: 'GET',
      url: '/api/executions',
      operationId: 'listExecutions',
      summary: 'executions, newest first, filtered by workflow and phase',
      tags,
      auth: 'optional',
      query: listQuery,
      responses: { 200: { description: 'a page', schema: pageSchema } },
      handler: ({ query, request }) => listExecutions(deps, request, query),
    }),
    route({
      method: 'GET',
      url: '/api/executions/:id',
      operationId: 'getExecution',
      summary: 'an execution: phase, inputs, outputs, nodes and attempts',
      tags,
      auth: 'optional',
      params: idParams,
      handler: ({ params, request }) => readableExecution(deps, request, params.id),
    }),
    route({
      method: 'GET',
      url: '/api/executions/:id/logs',
      operationId: 'getExecutionLogs',
      summary: 'log lines of an execution’s task attempts',
      tags,
      auth: 'optional',
      params: idParams,
      query: logsQuery,
      responses: { 200: { description: 'log lines', schema: logsSchema } },
      handler: ({ params, query, request }) => executionLogs(deps, request, params.id, query),
    }),
    route({
      method: 'POST',
      url: '/api/executions/:id/cancel',
      operationId: 'cancelExecution',
      summary: 'cancel an execution (owner or admin)',
      tags,
      auth: 'required',
      params: idParams,
      responses: { 200: { description: 'the phase afterwards', schema: launchedSchema } },
      handler: ({ params, request }) => cancelExecution(deps, request, params.id),
    }),
    route({
      method: 'GET',
      url: '/api/executions/:id/events',
      operationId: 'streamExecutionEvents',
      summary: 'live events of an execution (Server-Sent Events) until it ends',
      description:
        'Each SSE message has `id` = event id and `data` = the event as JSON ({id, executionId, nodeId, type, data, at}). ' +
        'Reconnecting with `Last-Event-ID` (or `?after=`) resumes after that event. The stream ends after the terminal ' +
        '`execution.*` event.',
      tags,
      auth: 'optional',
      params: idParams,
      query: eventsQuery,
      responses: { 200: { description: 'the event stream', contentType: 'text/event-stream' } },
      handler: ({ params, query, request, reply }) =>
        eventsOf(deps, request, params.id, query.after).then((afterId) =>
          streamExecutionEvents(deps.streams, deps.controlPlane, params.id, afterId, request, reply),
        ),
    }),
  ];
}

async function launchExecution(
  deps: RouteDeps,
  request: FastifyRequest,
  body: z.output<typeof launchBody>,
): Promise<z.input<typeof launchedSchema>> {
  const user = requireUser(request);
  const id = await deps.controlPlane.launch(body.workflow, body.inputs);
  await deps.auth.store.setOwner(EXECUTION_KIND, id, user.id, body.private);
  return { id, phase: 'QUEUED' };
}

async function listExecutions(
  deps: RouteDeps,
  request: FastifyRequest,
  query: z.output<typeof listQuery>,
): Promise<{ items: unknown[]; next_page_token: string | null }> {
  const page = await deps.controlPlane.listExecutions({
    limit: query.limit,
    ...(query.workflow === undefined ? {} : { workflow: query.workflow }),
    ...(query.phase === undefined ? {} : { phase: query.phase }),
    ...(query.page_token === undefined ? {} : { pageToken: query.page_token }),
  });
  const access = await deps.auth.store.accessOfMany(
    EXECUTION_KIND,
    page.items.map((e) => e.id),
  );
  const user = currentUser(request);
  const items = page.items.filter((e) =>
    canRead(user, access.get(e.id) ?? { ownerId: null, private: false }),
  );
  return { items, next_page_token: page.nextPageToken ?? null };
}

/** The execution, after checking it may be read (a private one of another user is reported missing). */
async function readableExecution(
  deps: RouteDeps,
  request: FastifyRequest,
  id: string,
): Promise<ExecutionView> {
  const execution = await deps.controlPlane.getExecution(id);
  requireRead(request, await deps.auth.store.accessOf(EXECUTION_KIND, id), `execution ${id}`);
  return execution;
}

async function executionLogs(
  deps: RouteDeps,
  request: FastifyRequest,
  id: string,
  query: z.output<typeof logsQuery>,
): Promise<{ items: LogLine[]; next_after_id: number }> {
  await readableExecution(deps, request, id);
  const items = await deps.controlPlane.logs(id, {
    afterId: query.after_id,
    limit: query.limit,
    ...(query.node === undefined ? {} : { nodeId: query.node }),
  });
  return { items, next_after_id: items.at(-1)?.id ?? query.after_id };
}

async function cancelExecution(
  deps: RouteDeps,
  request: FastifyRequest,
  id: string,
): Promise<{ id: string; phase: string }> {
  requireUser(request);
  await readableExecution(deps, request, id);
  requireModify(request, await deps.auth.store.accessOf(EXECUTION_KIND, id), `execution ${id}`);
  return { id, phase: await deps.controlPlane.cancel(id) };
}

/** Checks the execution may be read and returns the event id to continue after. */
async function eventsOf(
  deps: RouteDeps,
  request: FastifyRequest,
  id: string,
  after: number | undefined,
): Promise<number> {
  await readableExecution(deps, request, id);
  const header = request.headers['last-event-id'];
  if (header === undefined || header === '') return after ?? 0;
  const text = Array.isArray(header) ? (header[0] ?? '') : header;
  if (!/^\d{1,15}$/.test(text))
    invalid(`invalid header Last-Event-ID: ${JSON.stringify(text)} is not an event id`);
  return Number(text);
}
