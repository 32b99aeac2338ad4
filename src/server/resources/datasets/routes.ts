/**
 * @module server/resources/datasets/routes — `/api/datasets`: CRUD, AOIs, label uploads and label sets, OSM label
 * jobs. Parse (zod) → dataset service → JSON.
 */
import { z } from 'zod';
import { route } from '../../http/route.ts';
import type { Route } from '../../http/route.ts';
import { pageRequest, pageSchema, pagingQuery } from '../common/paging.ts';
import { userViewerOf, viewerOf } from '../common/request-viewer.ts';
import { idSchema, ownedShape, privateSchema, trainingZoomSchema } from '../common/schemas.ts';
import type { DatasetService } from './service.ts';
import { MASK_KINDS } from './store.ts';
import type { AoiRecord, DatasetRecord, LabelJobRecord, LabelSetRecord } from './store.ts';

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

const offsetSchema = z
  .tuple([z.number().min(-1000).max(1000), z.number().min(-1000).max(1000)])
  .describe('label offset [east, north] in metres (EPSG:3857), applied to the labels to match the imagery');

const fields = {
  name: z.string().trim().min(1).max(200).describe('dataset name'),
  description: z.string().max(5000).describe('free text'),
  imagery: z
    .string()
    .min(1)
    .max(2000)
    .describe('XYZ/TMS tile URL template ({z}/{x}/{y}) or TileJSON URL, http(s)'),
  zooms: z.array(trainingZoomSchema).min(1).max(4).describe('zoom levels of the chips, 18–21'),
  mask_kind: z.enum(MASK_KINDS).describe('binary (building) or multi (footprint, boundary, contact)'),
  chip_size: z
    .number()
    .int()
    .min(64)
    .max(1024)
    .refine((n) => n % 32 === 0, 'must be a multiple of 32')
    .describe('chip size in pixels, a multiple of 32 from 64 to 1024'),
  label_offset: offsetSchema,
};

const createBody = z.strictObject({
  name: fields.name,
  description: fields.description.default(''),
  imagery: fields.imagery,
  zooms: fields.zooms.default([19]),
  mask_kind: fields.mask_kind.default('binary'),
  chip_size: fields.chip_size.default(256),
  label_offset: offsetSchema.default([0, 0]),
  private: privateSchema,
});

const patchBody = z.strictObject({
  name: fields.name.optional(),
  description: fields.description.optional(),
  imagery: fields.imagery.optional(),
  zooms: fields.zooms.optional(),
  mask_kind: fields.mask_kind.optional(),
  chip_size: fields.chip_size.optional(),
  label_offset: offsetSchema.optional(),
  private: z.boolean().optional(),
});

const listQuery = z.object({
  ...pagingQuery,
  owner: z.string().min(1).max(100).optional().describe('only datasets of this user id (`me`: yours)'),
  name: z.string().min(1).max(200).optional().describe('only names containing this text (any case)'),
});

/** A GeoJSON object; `labels/` checks the rest and names the bad feature. */
const geoJsonBody = (types: readonly [string, ...string[]]) =>
  z.looseObject({ type: z.enum(types).describe('GeoJSON type') });

const aoiBody = geoJsonBody(['Polygon', 'MultiPolygon', 'Feature', 'FeatureCollection']).describe(
  'the AOI: a GeoJSON Polygon/MultiPolygon, Feature or FeatureCollection in EPSG:4326',
);
const labelsBody = geoJsonBody(['FeatureCollection', 'Feature', 'Polygon', 'MultiPolygon']).describe(
  'building footprints: a GeoJSON FeatureCollection of Polygons/MultiPolygons in EPSG:4326',
);
const osmBody = z
  .strictObject({ aoi_id: idSchema.optional().describe('fetch this AOI only (default every AOI)') })
  .default({});

const datasetParams = z.object({ id: idSchema.describe('dataset id') });
const aoiParams = z.object({ id: idSchema.describe('dataset id'), aoiId: idSchema.describe('AOI id') });
const setParams = z.object({ id: idSchema.describe('dataset id'), setId: idSchema.describe('label set id') });
const jobParams = z.object({ id: idSchema.describe('dataset id'), jobId: idSchema.describe('job id') });

const datasetSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  imagery: z.string(),
  zooms: z.array(z.number()),
  mask_kind: z.enum(MASK_KINDS),
  chip_size: z.number(),
  label_offset: z.tuple([z.number(), z.number()]),
  ...ownedShape,
  updated_at: z.string(),
});
const aoiSchema = z.object({
  id: z.string(),
  dataset_id: z.string(),
  geometry: z.unknown(),
  area_km2: z.number(),
  bbox: z.array(z.number()),
  created_at: z.string(),
});
const labelSetSchema = z.object({
  id: z.string(),
  dataset_id: z.string(),
  source: z.enum(['upload', 'osm']),
  features: z.number(),
  repairs: z.number(),
  skipped: z.number(),
  aoi_id: z.string().nullable(),
  created_at: z.string(),
});
const jobSchema = z.object({
  id: z.string(),
  dataset_id: z.string(),
  aoi_id: z.string().nullable(),
  status: z.enum(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED']),
  error: z.string().nullable(),
  label_set_id: z.string().nullable(),
  created_at: z.string(),
  ended_at: z.string().nullable(),
});

/**
 * The dataset as the API answers it.
 * @param d - the record
 */
export function datasetJson(d: DatasetRecord): z.input<typeof datasetSchema> {
  return {
    id: d.id,
    name: d.name,
    description: d.description,
    imagery: d.imagery,
    zooms: d.zooms,
    mask_kind: d.mask_kind,
    chip_size: d.chip_size,
    label_offset: d.label_offset,
    owner_id: d.owner_id,
    private: d.private,
    created_at: d.created_at.toISOString(),
    updated_at: d.updated_at.toISOString(),
  };
}

function aoiJson(a: AoiRecord): z.input<typeof aoiSchema> {
  const { seq: _seq, created_at, ...rest } = a;
  return { ...rest, created_at: created_at.toISOString() };
}

function labelSetJson(s: LabelSetRecord): z.input<typeof labelSetSchema> {
  const { seq: _seq, uri: _uri, created_at, ...rest } = s;
  return { ...rest, created_at: created_at.toISOString() };
}

function jobJson(j: LabelJobRecord): z.input<typeof jobSchema> {
  const { seq: _seq, owner_id: _owner, created_at, ended_at, ...rest } = j;
  return { ...rest, created_at: created_at.toISOString(), ended_at: iso(ended_at) };
}

/**
 * The dataset routes.
 * @param datasets - the dataset service
 * @returns CRUD, AOIs, labels and OSM label jobs
 */
export function datasetRoutes(datasets: DatasetService): Route[] {
  return [...datasetCrudRoutes(datasets), ...aoiRoutes(datasets), ...labelRoutes(datasets)];
}

function datasetCrudRoutes(datasets: DatasetService): Route[] {
  const tags = ['datasets'];
  return [
    route({
      method: 'POST',
      url: '/api/datasets',
      operationId: 'createDataset',
      summary: 'create a dataset (imagery checked with the safe fetching rules)',
      tags,
      auth: 'required',
      body: createBody,
      status: 201,
      responses: { 201: { description: 'created', schema: datasetSchema } },
      handler: async ({ body, request }) => datasetJson(await datasets.create(userViewerOf(request), body)),
    }),
    route({
      method: 'GET',
      url: '/api/datasets',
      operationId: 'listDatasets',
      summary: 'datasets, newest first (private ones of others left out)',
      tags,
      auth: 'optional',
      query: listQuery,
      responses: { 200: { description: 'a page', schema: pageSchema(datasetSchema) } },
      handler: async ({ query, request }) => {
        const viewer = viewerOf(request);
        const page = await datasets.list(viewer, {
          ...pageRequest(query),
          ownerId: query.owner === 'me' ? (viewer.userId ?? '') : query.owner,
          nameContains: query.name,
        });
        return { ...page, items: page.items.map(datasetJson) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/datasets/:id',
      operationId: 'getDataset',
      summary: 'a dataset with its AOIs and label sets',
      tags,
      auth: 'optional',
      params: datasetParams,
      handler: async ({ params, request }) => {
        const material = await datasets.material(viewerOf(request), params.id);
        return {
          ...datasetJson(material.dataset),
          aois: material.aois.map(aoiJson),
          label_sets: material.labelSets.map(labelSetJson),
        };
      },
    }),
    route({
      method: 'PATCH',
      url: '/api/datasets/:id',
      operationId: 'updateDataset',
      summary: 'change a dataset (owner or admin)',
      tags,
      auth: 'required',
      params: datasetParams,
      body: patchBody,
      responses: { 200: { description: 'updated', schema: datasetSchema } },
      handler: async ({ params, body, request }) =>
        datasetJson(await datasets.update(userViewerOf(request), params.id, withoutUndefined(body))),
    }),
    route({
      method: 'DELETE',
      url: '/api/datasets/:id',
      operationId: 'deleteDataset',
      summary: 'delete a dataset with its AOIs and labels (owner or admin; 409 once trained on)',
      tags,
      auth: 'required',
      params: datasetParams,
      status: 204,
      responses: { 204: { description: 'deleted' } },
      handler: ({ params, request }) => datasets.remove(userViewerOf(request), params.id),
    }),
  ];
}

function aoiRoutes(datasets: DatasetService): Route[] {
  const tags = ['datasets'];
  return [
    route({
      method: 'POST',
      url: '/api/datasets/:id/aois',
      operationId: 'addDatasetAoi',
      summary:
        'add an area of interest (checked, repaired; area limit FAIR_MAX_AOI_KM2 for the dataset’s total)',
      tags,
      auth: 'required',
      params: datasetParams,
      body: aoiBody,
      bodyContentTypes: ['application/json', 'application/geo+json'],
      status: 201,
      responses: { 201: { description: 'added', schema: aoiSchema } },
      handler: async ({ params, body, request }) =>
        aoiJson(await datasets.addAoi(userViewerOf(request), params.id, body)),
    }),
    route({
      method: 'GET',
      url: '/api/datasets/:id/aois',
      operationId: 'listDatasetAois',
      summary: 'the dataset’s AOIs',
      tags,
      auth: 'optional',
      params: datasetParams,
      responses: { 200: { description: 'AOIs', schema: z.object({ items: z.array(aoiSchema) }) } },
      handler: async ({ params, request }) => ({
        items: (await datasets.listAois(viewerOf(request), params.id)).map(aoiJson),
      }),
    }),
    route({
      method: 'DELETE',
      url: '/api/datasets/:id/aois/:aoiId',
      operationId: 'deleteDatasetAoi',
      summary: 'delete an AOI',
      tags,
      auth: 'required',
      params: aoiParams,
      status: 204,
      responses: { 204: { description: 'deleted' } },
      handler: ({ params, request }) => datasets.removeAoi(userViewerOf(request), params.id, params.aoiId),
    }),
  ];
}

function labelRoutes(datasets: DatasetService): Route[] {
  const tags = ['datasets'];
  return [
    route({
      method: 'POST',
      url: '/api/datasets/:id/labels',
      operationId: 'uploadDatasetLabels',
      summary: 'upload building labels (GeoJSON; checked and repaired) as a new label set',
      tags,
      auth: 'required',
      params: datasetParams,
      body: labelsBody,
      bodyContentTypes: ['application/geo+json', 'application/json'],
      status: 201,
      responses: {
        201: {
          description: 'stored, with counts and what was repaired',
          schema: labelSetSchema.extend({ repair_notes: z.array(z.string()) }),
        },
      },
      handler: async ({ params, body, request }) => {
        const upload = await datasets.uploadLabels(userViewerOf(request), params.id, body);
        return { ...labelSetJson(upload.labelSet), repair_notes: upload.repairNotes };
      },
    }),
    route({
      method: 'GET',
      url: '/api/datasets/:id/labels',
      operationId: 'listDatasetLabelSets',
      summary: 'the dataset’s label sets with their counts',
      tags,
      auth: 'optional',
      params: datasetParams,
      responses: { 200: { description: 'label sets', schema: z.object({ items: z.array(labelSetSchema) }) } },
      handler: async ({ params, request }) => ({
        items: (await datasets.listLabelSets(viewerOf(request), params.id)).map(labelSetJson),
      }),
    }),
    route({
      method: 'GET',
      url: '/api/datasets/:id/labels/:setId',
      operationId: 'getDatasetLabelSet',
      summary: 'the buildings of a label set as GeoJSON',
      tags,
      auth: 'optional',
      params: setParams,
      responses: { 200: { description: 'FeatureCollection', contentType: 'application/geo+json' } },
      handler: async ({ params, request, reply }) => {
        const set = await datasets.getLabelSet(viewerOf(request), params.id, params.setId);
        return reply.type('application/geo+json').send(await datasets.readLabels(set));
      },
    }),
    route({
      method: 'DELETE',
      url: '/api/datasets/:id/labels/:setId',
      operationId: 'deleteDatasetLabelSet',
      summary: 'delete a label set',
      tags,
      auth: 'required',
      params: setParams,
      status: 204,
      responses: { 204: { description: 'deleted' } },
      handler: ({ params, request }) =>
        datasets.removeLabelSet(userViewerOf(request), params.id, params.setId),
    }),
    ...labelJobRoutes(datasets),
  ];
}

function labelJobRoutes(datasets: DatasetService): Route[] {
  const tags = ['datasets'];
  return [
    route({
      method: 'POST',
      url: '/api/datasets/:id/labels/osm',
      operationId: 'fetchDatasetOsmLabels',
      summary: 'fetch the OpenStreetMap buildings of the AOIs as a background job (poll the job)',
      tags,
      auth: 'required',
      params: datasetParams,
      body: osmBody,
      status: 202,
      responses: { 202: { description: 'the job, queued', schema: jobSchema } },
      handler: async ({ params, body, request }) =>
        jobJson(await datasets.startOsmFetch(userViewerOf(request), params.id, body.aoi_id)),
    }),
    route({
      method: 'GET',
      url: '/api/datasets/:id/label-jobs',
      operationId: 'listDatasetLabelJobs',
      summary: 'the dataset’s OSM label jobs, newest first',
      tags,
      auth: 'optional',
      params: datasetParams,
      responses: { 200: { description: 'jobs', schema: z.object({ items: z.array(jobSchema) }) } },
      handler: async ({ params, request }) => ({
        items: (await datasets.listLabelJobs(viewerOf(request), params.id)).map(jobJson),
      }),
    }),
    route({
      method: 'GET',
      url: '/api/datasets/:id/label-jobs/:jobId',
      operationId: 'getDatasetLabelJob',
      summary: 'an OSM label job: status, error, the label set it made',
      tags,
      auth: 'optional',
      params: jobParams,
      responses: { 200: { description: 'the job', schema: jobSchema } },
      handler: async ({ params, request }) =>
        jobJson(await datasets.getLabelJob(viewerOf(request), params.id, params.jobId)),
    }),
  ];
}

/** The fields that were given (zod leaves absent optional fields undefined). */
export function withoutUndefined<T extends Record<string, unknown>>(
  value: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
