/**
 * @module tracking/mlflow-endpoints — the MLflow tracking REST API (`/api/2.0/mlflow/…`) as a table of endpoints
 * the HTTP layer mounts: each handler parses the request as `service.proto` defines it, calls the service and
 * returns MLflow's JSON response. Errors are AppErrors; render them with `mlflowErrorResponse`.
 */
import type { z } from 'zod';
import type { ViewType } from './entities.ts';
import {
  experimentJson,
  fileInfoJson,
  metricJson,
  runInfoJson,
  runJson,
  withoutEmpty,
} from './mlflow-json.ts';
import type { JsonObject } from './mlflow-json.ts';
import { parseRequest, queryToRequest, requests, runIdOf } from './mlflow-requests.ts';
import type { QueryParams, RequestSpec } from './mlflow-requests.ts';
import { logMetric, logParam, setTag } from './run-logging.ts';
import type { Access, TrackingService, Viewer } from './tracking-service.ts';

/** Prefix of every tracking endpoint. */
export const MLFLOW_API_PREFIX = '/api/2.0/mlflow';

/**
 * A request as the HTTP layer hands it over: the query string (GET), the parsed JSON body (POST), and optionally who
 * asks (writes then follow the owner rules of `Access`; absent: no checks, the caller decided).
 */
export type MlflowRequest = { query?: QueryParams; body?: unknown; viewer?: Viewer | undefined };

/** One endpoint: method, full path, and the handler returning the JSON response body. */
export type MlflowEndpoint = {
  method: 'GET' | 'POST';
  path: string;
  /**
   * Handles one request.
   * @throws AppError with MLflow's error codes
   */
  handle(request: MlflowRequest): Promise<JsonObject>;
};

type Handler<T extends z.ZodType> = (
  service: TrackingService,
  request: z.infer<T>,
  access: Access,
) => Promise<JsonObject>;

/** Fields the protos declare `repeated`, for GET requests whose query repeats them. */
const repeatedFields = ['order_by', 'experiment_ids'];

/**
 * The endpoints of the MLflow tracking API, bound to a service.
 * @param service - the tracking service
 * @returns the endpoint table (experiments, runs, metrics and artifacts/list)
 * @example
 * for (const e of mlflowEndpoints(tracking)) app.on(e.method, e.path, async (c) => c.json(await e.handle({ query: c.req.queries(), body: await c.req.json() })));
 */
export function mlflowEndpoints(service: TrackingService): MlflowEndpoint[] {
  const endpoint = <T extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    spec: RequestSpec<T>,
    handler: Handler<T>,
  ): MlflowEndpoint => ({
    method,
    path: `${MLFLOW_API_PREFIX}/${path}`,
    async handle(request) {
      const input = method === 'GET' ? queryToRequest(request.query ?? {}, repeatedFields) : request.body;
      return handler(service, parseRequest(spec, input), { viewer: request.viewer });
    },
  });
  return [
    endpoint('POST', 'experiments/create', requests.createExperiment, createExperiment),
    endpoint('GET', 'experiments/get', requests.getExperiment, getExperiment),
    endpoint('GET', 'experiments/get-by-name', requests.getExperimentByName, getExperimentByName),
    endpoint('POST', 'experiments/search', requests.searchExperiments, searchExperiments),
    endpoint('GET', 'experiments/search', requests.searchExperiments, searchExperiments),
    // MLflow 1.x's listing, still called by older clients (the npm `mlflow` package): a search without a filter.
    endpoint('GET', 'experiments/list', requests.searchExperiments, searchExperiments),
    endpoint('POST', 'experiments/update', requests.updateExperiment, updateExperiment),
    endpoint('POST', 'experiments/delete', requests.experimentId, deleteExperiment),
    endpoint('POST', 'experiments/restore', requests.experimentId, restoreExperiment),
    endpoint('POST', 'experiments/set-experiment-tag', requests.setExperimentTag, setExperimentTag),
    endpoint('POST', 'experiments/delete-experiment-tag', requests.deleteExperimentTag, deleteExperimentTag),
    endpoint('POST', 'runs/create', requests.createRun, createRun),
    endpoint('GET', 'runs/get', requests.runId, getRun),
    endpoint('POST', 'runs/update', requests.updateRun, updateRun),
    endpoint('POST', 'runs/delete', requests.runId, deleteRun),
    endpoint('POST', 'runs/restore', requests.runId, restoreRun),
    endpoint('POST', 'runs/search', requests.searchRuns, searchRuns),
    endpoint('POST', 'runs/log-metric', requests.logMetric, logMetricHandler),
    endpoint('POST', 'runs/log-parameter', requests.logParam, logParamHandler),
    endpoint('POST', 'runs/log-batch', requests.logBatch, logBatch),
    endpoint('POST', 'runs/set-tag', requests.setTag, setTagHandler),
    endpoint('POST', 'runs/delete-tag', requests.deleteTag, deleteTag),
    endpoint('GET', 'metrics/get-history', requests.getMetricHistory, getMetricHistory),
    endpoint('GET', 'artifacts/list', requests.listArtifacts, listArtifacts),
  ];
}

type Req<K extends keyof typeof requests> = z.infer<(typeof requests)[K]['schema']>;

async function createExperiment(
  service: TrackingService,
  r: Req<'createExperiment'>,
  access: Access,
): Promise<JsonObject> {
  const id = await service.createExperiment({
    name: r.name,
    artifactLocation: r.artifact_location,
    tags: r.tags,
    viewer: access.viewer,
  });
  return { experiment_id: id };
}

async function getExperiment(service: TrackingService, r: Req<'getExperiment'>): Promise<JsonObject> {
  return { experiment: experimentJson(await service.getExperiment(r.experiment_id)) };
}

async function getExperimentByName(
  service: TrackingService,
  r: Req<'getExperimentByName'>,
): Promise<JsonObject> {
  return { experiment: experimentJson(await service.getExperimentByName(r.experiment_name)) };
}

async function searchExperiments(service: TrackingService, r: Req<'searchExperiments'>): Promise<JsonObject> {
  const page = await service.searchExperiments({
    filter: r.filter,
    orderBy: r.order_by,
    viewType: r.view_type as ViewType | undefined,
    maxResults: r.max_results,
    pageToken: r.page_token,
  });
  return withoutEmpty({ experiments: page.items.map(experimentJson), next_page_token: page.nextPageToken });
}

async function updateExperiment(
  service: TrackingService,
  r: Req<'updateExperiment'>,
  access: Access,
): Promise<JsonObject> {
  // Without a new name nothing changes: a read.
  if (r.new_name === undefined) await service.getExperiment(r.experiment_id);
  else await service.renameExperiment(r.experiment_id, r.new_name, access);
  return {};
}

async function deleteExperiment(
  service: TrackingService,
  r: Req<'experimentId'>,
  access: Access,
): Promise<JsonObject> {
  await service.deleteExperiment(r.experiment_id, access);
  return {};
}

async function restoreExperiment(
  service: TrackingService,
  r: Req<'experimentId'>,
  access: Access,
): Promise<JsonObject> {
  await service.restoreExperiment(r.experiment_id, access);
  return {};
}

async function setExperimentTag(
  service: TrackingService,
  r: Req<'setExperimentTag'>,
  access: Access,
): Promise<JsonObject> {
  await service.setExperimentTag(r.experiment_id, r.key, r.value, access);
  return {};
}

async function deleteExperimentTag(
  service: TrackingService,
  r: Req<'deleteExperimentTag'>,
  access: Access,
): Promise<JsonObject> {
  await service.deleteExperimentTag(r.experiment_id, r.key, access);
  return {};
}

async function createRun(service: TrackingService, r: Req<'createRun'>, access: Access): Promise<JsonObject> {
  const run = await service.createRun({
    experimentId: r.experiment_id || undefined,
    userId: r.user_id,
    runName: r.run_name,
    startTime: r.start_time,
    tags: r.tags,
    viewer: access.viewer,
  });
  return { run: runJson(run) };
}

async function getRun(service: TrackingService, r: Req<'runId'>): Promise<JsonObject> {
  return { run: runJson(await service.getRun(runIdOf(r))) };
}

async function updateRun(service: TrackingService, r: Req<'updateRun'>, access: Access): Promise<JsonObject> {
  const info = await service.updateRun(
    runIdOf(r),
    { status: r.status, endTime: r.end_time, runName: r.run_name },
    access,
  );
  return { run_info: runInfoJson(info) };
}

async function deleteRun(service: TrackingService, r: Req<'runId'>, access: Access): Promise<JsonObject> {
  await service.deleteRun(runIdOf(r), access);
  return {};
}

async function restoreRun(service: TrackingService, r: Req<'runId'>, access: Access): Promise<JsonObject> {
  await service.restoreRun(runIdOf(r), access);
  return {};
}

async function searchRuns(service: TrackingService, r: Req<'searchRuns'>): Promise<JsonObject> {
  const page = await service.searchRuns({
    experimentIds: r.experiment_ids ?? [],
    filter: r.filter,
    runViewType: r.run_view_type as ViewType | undefined,
    maxResults: r.max_results,
    orderBy: r.order_by,
    pageToken: r.page_token,
  });
  return withoutEmpty({ runs: page.items.map(runJson), next_page_token: page.nextPageToken });
}

async function logMetricHandler(
  service: TrackingService,
  r: Req<'logMetric'>,
  access: Access,
): Promise<JsonObject> {
  await logMetric(
    service,
    runIdOf(r),
    { key: r.key, value: r.value, timestamp: r.timestamp, step: r.step ?? 0 },
    access,
  );
  return {};
}

async function logParamHandler(
  service: TrackingService,
  r: Req<'logParam'>,
  access: Access,
): Promise<JsonObject> {
  await logParam(service, runIdOf(r), r.key, r.value, access);
  return {};
}

async function logBatch(service: TrackingService, r: Req<'logBatch'>, access: Access): Promise<JsonObject> {
  await service.logBatch(
    runIdOf(r),
    {
      metrics: (r.metrics ?? []).map((m) => ({
        key: m.key,
        value: m.value,
        timestamp: m.timestamp,
        step: m.step ?? 0,
      })),
      params: r.params ?? [],
      tags: r.tags ?? [],
    },
    access,
  );
  return {};
}

async function setTagHandler(
  service: TrackingService,
  r: Req<'setTag'>,
  access: Access,
): Promise<JsonObject> {
  await setTag(service, runIdOf(r), r.key, r.value, access);
  return {};
}

async function deleteTag(service: TrackingService, r: Req<'deleteTag'>, access: Access): Promise<JsonObject> {
  await service.deleteTag(r.run_id, r.key, access);
  return {};
}

async function getMetricHistory(service: TrackingService, r: Req<'getMetricHistory'>): Promise<JsonObject> {
  const page = await service.getMetricHistory(runIdOf(r), r.metric_key, {
    maxResults: r.max_results,
    pageToken: r.page_token,
  });
  return withoutEmpty({ metrics: page.items.map(metricJson), next_page_token: page.nextPageToken });
}

async function listArtifacts(service: TrackingService, r: Req<'listArtifacts'>): Promise<JsonObject> {
  const listing = await service.listArtifacts(runIdOf(r), r.path ?? '');
  return withoutEmpty({ root_uri: listing.rootUri, files: listing.files.map(fileInfoJson) });
}
