/**
 * @module registry/mlflow-registry-api — the MLflow model registry REST API (`/api/2.0/mlflow/registered-models/…`,
 * `/api/2.0/mlflow/model-versions/…`) as a table of endpoints the HTTP layer mounts, shaped as the tracking
 * domain's `mlflowEndpoints`: each handler parses the request as `model_registry.proto` defines it, calls the
 * service and returns MLflow's JSON. Errors are AppErrors; render them with `mlflowErrorResponse` (tracking).
 */
import type { z } from 'zod';
import type { JsonObject, MlflowRequest } from '../tracking/index.ts';
import { MLFLOW_API_PREFIX } from '../tracking/index.ts';
import type { Viewer } from './entities.ts';
import { modelVersionJson, registeredModelJson, withoutEmpty } from './mlflow-registry-json.ts';
import { parseRegistryRequest, queryToRequest, registryRequests } from './mlflow-registry-requests.ts';
import type { RegistryRequestSpec } from './mlflow-registry-requests.ts';
import type { Access, RegistryService } from './registry-service.ts';

/** HTTP methods of the registry API (the protos use PATCH for updates and DELETE for deletions). */
export type RegistryMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * A request as the HTTP layer hands it over: the query (GET), the parsed JSON body (POST, PATCH, DELETE — MLflow
 * clients send DELETE parameters as a JSON body; a DELETE without one reads the query), and optionally who asks.
 */
export type RegistryRequest = MlflowRequest & {
  /** The signed-in user: private models of others are hidden and writes need the owner; absent: no checks. */
  viewer?: Viewer | undefined;
};

/** One endpoint: method, full path, and the handler returning the JSON response body. */
export type RegistryEndpoint = {
  method: RegistryMethod;
  path: string;
  /**
   * Handles one request.
   * @throws AppError with MLflow's error codes
   */
  handle(request: RegistryRequest): Promise<JsonObject>;
};

type Req<K extends keyof typeof registryRequests> = z.infer<(typeof registryRequests)[K]['schema']>;
type Handler<T extends z.ZodType> = (
  service: RegistryService,
  request: z.infer<T>,
  access: Access,
) => Promise<JsonObject>;

/**
 * The endpoints of the MLflow model registry API, bound to a service.
 * @param service - the registry service
 * @returns the endpoint table (registered models, model versions, aliases)
 * @example
 * for (const e of registryEndpoints(registry)) mount(e.method, e.path, (req) => e.handle({ query: req.query, body: req.body }));
 */
export function registryEndpoints(service: RegistryService): RegistryEndpoint[] {
  const endpoint = <T extends z.ZodType>(
    method: RegistryMethod,
    path: string,
    spec: RegistryRequestSpec<T>,
    handler: Handler<T>,
  ): RegistryEndpoint => ({
    method,
    path: `${MLFLOW_API_PREFIX}/${path}`,
    async handle(request) {
      const input = readsQuery(method, request.body) ? queryToRequest(request.query ?? {}) : request.body;
      return handler(service, parseRegistryRequest(spec, input), { viewer: request.viewer });
    },
  });
  const r = registryRequests;
  return [
    endpoint('POST', 'registered-models/create', r.createRegisteredModel, createRegisteredModel),
    endpoint('POST', 'registered-models/rename', r.renameRegisteredModel, renameRegisteredModel),
    endpoint('PATCH', 'registered-models/update', r.updateRegisteredModel, updateRegisteredModel),
    endpoint('DELETE', 'registered-models/delete', r.name, deleteRegisteredModel),
    endpoint('GET', 'registered-models/get', r.name, getRegisteredModel),
    endpoint('GET', 'registered-models/search', r.searchRegisteredModels, searchRegisteredModels),
    endpoint('POST', 'registered-models/get-latest-versions', r.getLatestVersions, getLatestVersions),
    endpoint('GET', 'registered-models/get-latest-versions', r.getLatestVersions, getLatestVersions),
    endpoint('POST', 'registered-models/set-tag', r.setRegisteredModelTag, setRegisteredModelTag),
    endpoint('DELETE', 'registered-models/delete-tag', r.deleteRegisteredModelTag, deleteRegisteredModelTag),
    endpoint('POST', 'registered-models/alias', r.setAlias, setAlias),
    endpoint('DELETE', 'registered-models/alias', r.alias, deleteAlias),
    endpoint('GET', 'registered-models/alias', r.alias, getByAlias),
    endpoint('POST', 'model-versions/create', r.createModelVersion, createModelVersion),
    endpoint('PATCH', 'model-versions/update', r.updateModelVersion, updateModelVersion),
    endpoint('POST', 'model-versions/transition-stage', r.transitionStage, transitionStage),
    endpoint('DELETE', 'model-versions/delete', r.nameVersion, deleteModelVersion),
    endpoint('GET', 'model-versions/get', r.nameVersion, getModelVersion),
    endpoint('GET', 'model-versions/search', r.searchModelVersions, searchModelVersions),
    endpoint('GET', 'model-versions/get-download-uri', r.nameVersion, getDownloadUri),
    endpoint('POST', 'model-versions/set-tag', r.setModelVersionTag, setModelVersionTag),
    endpoint('DELETE', 'model-versions/delete-tag', r.deleteModelVersionTag, deleteModelVersionTag),
  ];
}

/** GET reads the query; DELETE too when it came without a JSON body. */
function readsQuery(method: RegistryMethod, body: unknown): boolean {
  return method === 'GET' || (method === 'DELETE' && (body === undefined || body === null || body === ''));
}

async function createRegisteredModel(
  service: RegistryService,
  r: Req<'createRegisteredModel'>,
  access: Access,
): Promise<JsonObject> {
  const model = await service.createRegisteredModel({
    name: r.name,
    tags: r.tags,
    description: r.description,
    ...access,
  });
  return { registered_model: registeredModelJson(model) };
}

async function renameRegisteredModel(
  service: RegistryService,
  r: Req<'renameRegisteredModel'>,
  access: Access,
): Promise<JsonObject> {
  return {
    registered_model: registeredModelJson(await service.renameRegisteredModel(r.name, r.new_name, access)),
  };
}

async function updateRegisteredModel(
  service: RegistryService,
  r: Req<'updateRegisteredModel'>,
  access: Access,
): Promise<JsonObject> {
  const update = r.description === undefined ? {} : { description: r.description };
  return {
    registered_model: registeredModelJson(await service.updateRegisteredModel(r.name, update, access)),
  };
}

async function deleteRegisteredModel(
  service: RegistryService,
  r: Req<'name'>,
  access: Access,
): Promise<JsonObject> {
  await service.deleteRegisteredModel(r.name, access);
  return {};
}

async function getRegisteredModel(
  service: RegistryService,
  r: Req<'name'>,
  access: Access,
): Promise<JsonObject> {
  return { registered_model: registeredModelJson(await service.getRegisteredModel(r.name, access)) };
}

async function searchRegisteredModels(
  service: RegistryService,
  r: Req<'searchRegisteredModels'>,
  access: Access,
): Promise<JsonObject> {
  const page = await service.searchRegisteredModels({
    filter: r.filter,
    maxResults: r.max_results,
    orderBy: r.order_by,
    pageToken: r.page_token,
    ...access,
  });
  return withoutEmpty({
    registered_models: page.items.map(registeredModelJson),
    next_page_token: page.nextPageToken,
  });
}

async function getLatestVersions(
  service: RegistryService,
  r: Req<'getLatestVersions'>,
  access: Access,
): Promise<JsonObject> {
  const versions = await service.getLatestVersions(r.name, r.stages, access);
  return withoutEmpty({ model_versions: versions.map(modelVersionJson) });
}

async function setRegisteredModelTag(
  service: RegistryService,
  r: Req<'setRegisteredModelTag'>,
  access: Access,
): Promise<JsonObject> {
  await service.setRegisteredModelTag(r.name, r.key, r.value, access);
  return {};
}

async function deleteRegisteredModelTag(
  service: RegistryService,
  r: Req<'deleteRegisteredModelTag'>,
  access: Access,
): Promise<JsonObject> {
  await service.deleteRegisteredModelTag(r.name, r.key, access);
  return {};
}

async function setAlias(service: RegistryService, r: Req<'setAlias'>, access: Access): Promise<JsonObject> {
  await service.setRegisteredModelAlias(r.name, r.alias, r.version, access);
  return {};
}

async function deleteAlias(service: RegistryService, r: Req<'alias'>, access: Access): Promise<JsonObject> {
  await service.deleteRegisteredModelAlias(r.name, r.alias, access);
  return {};
}

async function getByAlias(service: RegistryService, r: Req<'alias'>, access: Access): Promise<JsonObject> {
  return { model_version: modelVersionJson(await service.getModelVersionByAlias(r.name, r.alias, access)) };
}

async function createModelVersion(
  service: RegistryService,
  r: Req<'createModelVersion'>,
  access: Access,
): Promise<JsonObject> {
  const version = await service.createModelVersion({
    name: r.name,
    source: r.source,
    runId: r.run_id,
    runLink: r.run_link,
    description: r.description,
    tags: r.tags,
    ...access,
  });
  return { model_version: modelVersionJson(version) };
}

async function updateModelVersion(
  service: RegistryService,
  r: Req<'updateModelVersion'>,
  access: Access,
): Promise<JsonObject> {
  const version =
    r.description === undefined
      ? await service.getModelVersion(r.name, r.version, access)
      : await service.updateModelVersion(r.name, r.version, r.description, access);
  return { model_version: modelVersionJson(version) };
}

async function transitionStage(
  service: RegistryService,
  r: Req<'transitionStage'>,
  access: Access,
): Promise<JsonObject> {
  const version = await service.transitionModelVersionStage(
    r.name,
    r.version,
    r.stage,
    { archiveExistingVersions: r.archive_existing_versions },
    access,
  );
  return { model_version: modelVersionJson(version) };
}

async function deleteModelVersion(
  service: RegistryService,
  r: Req<'nameVersion'>,
  access: Access,
): Promise<JsonObject> {
  await service.deleteModelVersion(r.name, r.version, access);
  return {};
}

async function getModelVersion(
  service: RegistryService,
  r: Req<'nameVersion'>,
  access: Access,
): Promise<JsonObject> {
  return { model_version: modelVersionJson(await service.getModelVersion(r.name, r.version, access)) };
}

async function searchModelVersions(
  service: RegistryService,
  r: Req<'searchModelVersions'>,
  access: Access,
): Promise<JsonObject> {
  const page = await service.searchModelVersions({
    filter: r.filter,
    maxResults: r.max_results,
    orderBy: r.order_by,
    pageToken: r.page_token,
    ...access,
  });
  return withoutEmpty({
    model_versions: page.items.map(modelVersionJson),
    next_page_token: page.nextPageToken,
  });
}

async function getDownloadUri(
  service: RegistryService,
  r: Req<'nameVersion'>,
  access: Access,
): Promise<JsonObject> {
  return { artifact_uri: await service.getModelVersionDownloadUri(r.name, r.version, access) };
}

async function setModelVersionTag(
  service: RegistryService,
  r: Req<'setModelVersionTag'>,
  access: Access,
): Promise<JsonObject> {
  await service.setModelVersionTag(r.name, r.version, r.key, r.value, access);
  return {};
}

async function deleteModelVersionTag(
  service: RegistryService,
  r: Req<'deleteModelVersionTag'>,
  access: Access,
): Promise<JsonObject> {
  await service.deleteModelVersionTag(r.name, r.version, r.key, access);
  return {};
}
