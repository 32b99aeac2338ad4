/**
 * @module server/resources/models/routes — `/api/models` (registered models, versions, promote, publish, files) and
 * `/api/base-models`. Parse (zod) → model service → JSON.
 */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { STAGES } from '../../../registry/index.ts';
import type { BaseModel, ModelVersion, RegisteredModel } from '../../../registry/index.ts';
import { localModelItemId } from '../../../stac/index.ts';
import { route } from '../../http/route.ts';
import type { Route } from '../../http/route.ts';
import { pageSchema } from '../common/paging.ts';
import { userViewerOf, viewerOf } from '../common/request-viewer.ts';
import type { FileStream, ModelService } from './service.ts';

const nameSchema = z.string().min(1).max(256).describe('registered model name');
const versionSchema = z.string().regex(/^[1-9][0-9]{0,9}$/, 'must be a version number').describe('version number');
const modelParams = z.object({ name: nameSchema });
const versionParams = z.object({ name: nameSchema, version: versionSchema });
const fileParams = versionParams.extend({ file: z.string().min(1).max(100).describe('file name') });
const baseParams = z.object({ id: z.string().min(1).max(200).describe('base model id') });
const baseFileParams = baseParams.extend({ file: z.string().min(1).max(100).describe('file name') });

const registryPaging = {
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('page size, 1–200, default 50'),
  page_token: z.string().min(1).max(500).optional().describe('`next_page_token` of the previous page'),
};
const listQuery = z.object({
  ...registryPaging,
  name: z.string().min(1).max(256).optional().describe('only names containing this text (any case)'),
});
const versionsQuery = z.object({
  ...registryPaging,
  stage: z.enum(STAGES).optional().describe('only versions in this stage'),
});
const promoteBody = z.strictObject({
  stage: z.enum(STAGES).describe('target stage; Production passes the publish gate and archives the previous one'),
  archive_existing_versions: z
    .boolean()
    .default(false)
    .describe('also archive the other versions in the target stage (Staging; Production always does)'),
});

const versionSchemaJson = z.object({
  name: z.string(),
  version: z.string(),
  stage: z.enum(STAGES),
  description: z.string().nullable(),
  user_id: z.string().nullable(),
  run_id: z.string().nullable(),
  execution_id: z.string().nullable(),
  dataset_id: z.string().nullable(),
  base_model: z.string().nullable(),
  metrics: z.record(z.string(), z.number()),
  aliases: z.array(z.string()),
  files: z.array(z.string()),
  stac_item_id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
const modelSchemaJson = z.object({
  name: z.string(),
  description: z.string().nullable(),
  owner_id: z.string().nullable(),
  private: z.boolean(),
  latest_versions: z.array(versionSchemaJson),
  aliases: z.array(z.object({ alias: z.string(), version: z.string() })),
  tags: z.array(z.object({ key: z.string(), value: z.string() })),
  created_at: z.string(),
  updated_at: z.string(),
});

/**
 * A model version as the API answers it.
 * @param v - the registry's version
 */
export function versionJson(v: ModelVersion): z.input<typeof versionSchemaJson> {
  return {
    name: v.name,
    version: v.version,
    stage: v.current_stage,
    description: v.description,
    user_id: v.user_id,
    run_id: v.run_id,
    execution_id: v.fair.execution_id,
    dataset_id: v.fair.dataset_id,
    base_model: v.fair.base_model_id,
    metrics: v.fair.metrics,
    aliases: v.aliases,
    files: Object.keys(v.fair.artifacts).filter((k) => k !== 'model_dir'),
    stac_item_id: localModelItemId(v.name, v.version),
    created_at: new Date(v.creation_timestamp).toISOString(),
    updated_at: new Date(v.last_updated_timestamp).toISOString(),
  };
}

function modelJson(m: RegisteredModel): z.input<typeof modelSchemaJson> {
  return {
    name: m.name,
    description: m.description,
    owner_id: m.fair.owner_id,
    private: m.fair.private,
    latest_versions: m.latest_versions.map(versionJson),
    aliases: m.aliases,
    tags: m.tags,
    created_at: new Date(m.creation_timestamp).toISOString(),
    updated_at: new Date(m.last_updated_timestamp).toISOString(),
  };
}

function baseModelJson(b: BaseModel): Record<string, unknown> {
  return {
    id: b.id,
    source: b.source,
    title: b.title,
    description: b.description,
    architecture: b.architecture,
    tasks: b.tasks,
    keywords: b.keywords,
    framework: b.framework,
    framework_version: b.frameworkVersion,
    total_parameters: b.totalParameters,
    input: { bands: b.input.bands, chip_size: b.input.chipSize, chip_multiple: b.input.chipMultiple },
    classes: b.classes,
    license: b.license,
    version: b.version,
    files: b.source === 'builtin' ? Object.keys(b.artifacts) : [],
  };
}

function sendFile(reply: FastifyReply, file: FileStream): FastifyReply {
  return reply.type(file.contentType).header('content-length', String(file.size)).send(file.body);
}

/**
 * The model routes.
 * @param models - the model service
 * @returns models, versions, promote, publish, files, base models
 */
export function modelRoutes(models: ModelService): Route[] {
  return [...modelReadRoutes(models), ...modelWriteRoutes(models), ...baseModelRoutes(models)];
}

function modelReadRoutes(models: ModelService): Route[] {
  const tags = ['models'];
  return [
    route({
      method: 'GET',
      url: '/api/models',
      operationId: 'listModels',
      summary: 'registered models (private ones of others left out)',
      tags,
      auth: 'optional',
      query: listQuery,
      responses: { 200: { description: 'a page', schema: pageSchema(modelSchemaJson) } },
      handler: async ({ query, request }) => {
        const page = await models.list(viewerOf(request), {
          limit: query.limit,
          pageToken: query.page_token,
          nameContains: query.name,
        });
        return { ...page, items: page.items.map(modelJson) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/models/:name',
      operationId: 'getModel',
      summary: 'a registered model with its latest version per stage',
      tags,
      auth: 'optional',
      params: modelParams,
      responses: { 200: { description: 'the model', schema: modelSchemaJson } },
      handler: async ({ params, request }) => modelJson(await models.get(viewerOf(request), params.name)),
    }),
    route({
      method: 'GET',
      url: '/api/models/:name/versions',
      operationId: 'listModelVersions',
      summary: 'versions of a model, highest first',
      tags,
      auth: 'optional',
      params: modelParams,
      query: versionsQuery,
      responses: { 200: { description: 'a page', schema: pageSchema(versionSchemaJson) } },
      handler: async ({ params, query, request }) => {
        const page = await models.listVersions(viewerOf(request), params.name, {
          limit: query.limit,
          pageToken: query.page_token,
          stage: query.stage,
        });
        return { ...page, items: page.items.map(versionJson) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/models/:name/versions/:version',
      operationId: 'getModelVersion',
      summary: 'a model version: stage, metrics, lineage, files',
      tags,
      auth: 'optional',
      params: versionParams,
      responses: { 200: { description: 'the version', schema: versionSchemaJson } },
      handler: async ({ params, request }) =>
        versionJson(await models.getVersion(viewerOf(request), params.name, params.version)),
    }),
    route({
      method: 'GET',
      url: '/api/models/:name/versions/:version/files/:file',
      operationId: 'getModelVersionFile',
      summary: 'a file of a model version (model.onnx for browser inference, model.json, checkpoint, …)',
      tags,
      auth: 'optional',
      params: fileParams,
      responses: { 200: { description: 'the file', contentType: 'application/octet-stream' } },
      handler: async ({ params, request, reply }) =>
        sendFile(reply, await models.versionFile(viewerOf(request), params.name, params.version, params.file)),
    }),
  ];
}

function modelWriteRoutes(models: ModelService): Route[] {
  const tags = ['models'];
  return [
    route({
      method: 'POST',
      url: '/api/models/:name/versions/:version/promote',
      operationId: 'promoteModelVersion',
      summary: 'move a version to a stage (Production: publish gate, previous Production archived)',
      tags,
      auth: 'required',
      params: versionParams,
      body: promoteBody,
      responses: { 200: { description: 'the version in its new stage', schema: versionSchemaJson } },
      handler: async ({ params, body, request }) =>
        versionJson(
          await models.promote(
            userViewerOf(request),
            params.name,
            params.version,
            body.stage,
            body.archive_existing_versions,
          ),
        ),
    }),
    route({
      method: 'POST',
      url: '/api/models/:name/versions/:version/publish',
      operationId: 'publishModelVersion',
      summary: 'publish (or refresh) the version’s STAC item in local-models, with its dataset and base model',
      tags,
      auth: 'required',
      params: versionParams,
      responses: {
        200: {
          description: 'published',
          schema: z.object({ item_id: z.string(), item_path: z.string() }),
        },
      },
      handler: async ({ params, request }) => {
        const id = await models.publish(userViewerOf(request), params.name, params.version);
        return { item_id: id, item_path: `/stac/collections/local-models/items/${encodeURIComponent(id)}` };
      },
    }),
  ];
}

function baseModelRoutes(models: ModelService): Route[] {
  const tags = ['models'];
  return [
    route({
      method: 'GET',
      url: '/api/base-models',
      operationId: 'listBaseModels',
      summary: 'base models to finetune: built-in ones, then imported STAC-MLM items',
      tags,
      handler: async () => ({ items: (await models.listBaseModels()).map(baseModelJson) }),
    }),
    route({
      method: 'GET',
      url: '/api/base-models/:id',
      operationId: 'getBaseModel',
      summary: 'a base model',
      tags,
      params: baseParams,
      handler: async ({ params }) => baseModelJson(await models.getBaseModel(params.id)),
    }),
    route({
      method: 'GET',
      url: '/api/base-models/:id/files/:file',
      operationId: 'getBaseModelFile',
      summary: 'a shipped file of a built-in base model (model.onnx, model.json, checkpoint)',
      tags,
      params: baseFileParams,
      responses: { 200: { description: 'the file', contentType: 'application/octet-stream' } },
      handler: async ({ params, reply }) => sendFile(reply, await models.baseModelFile(params.id, params.file)),
    }),
  ];
}
