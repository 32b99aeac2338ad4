/**
 * @module server/resources/predictions/routes — `/api/predictions`: predict on the fly (small area) or as a job,
 * list, status, results as GeoJSON or OSM XML (`?format=osm`, for JOSM).
 */
import { z } from 'zod';
import { toOsmXml } from '../../../predict/index.ts';
import { buildingSettingsShape, minAreaSchema } from '../../../workflows/index.ts';
import type { OutputFeature } from '../../../predict/index.ts';
import { route } from '../../http/route.ts';
import type { Route } from '../../http/route.ts';
import { pageRequest, pageSchema, pagingQuery } from '../common/paging.ts';
import { userViewerOf, viewerOf } from '../common/request-viewer.ts';
import {
  bboxSchema,
  idSchema,
  ownedShape,
  polygonalSchema,
  privateSchema,
  trainingZoomSchema,
} from '../common/schemas.ts';
import type { PredictionService } from './service.ts';
import type { PredictionRecord } from './store.ts';

const statuses = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'] as const;

const createBody = z
  .strictObject({
    model_name: z.string().min(1).max(256).describe('registered model'),
    model_version: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('version (default the Production version, else the highest)'),
    bbox: bboxSchema.optional().describe('area as a bbox (or give aoi)'),
    aoi: polygonalSchema.optional().describe('area as a GeoJSON Polygon/MultiPolygon (or give bbox)'),
    imagery: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .describe('tile URL template or TileJSON URL (default the imagery of the version’s training dataset)'),
    zoom: trainingZoomSchema
      .optional()
      .describe('tile zoom, 18–21 (default the dataset’s first zoom, else 19)'),
    ...buildingSettingsShape,
    min_area: minAreaSchema,
    async: z
      .boolean()
      .default(false)
      .describe('run as a job (building-prediction@1) instead of on the fly (areas up to 0.5 km²)'),
    private: privateSchema,
  })
  .refine((b) => (b.bbox === undefined) !== (b.aoi === undefined), {
    message: 'give the area as either bbox or aoi',
    path: ['bbox'],
  });

const listQuery = z.object({
  ...pagingQuery,
  model_name: z.string().min(1).max(256).optional().describe('only predictions of this model'),
  model_version: z.coerce.number().int().min(1).optional().describe('only predictions of this version'),
  status: z.enum(statuses).optional().describe('only predictions in this status'),
});

const resultsQuery = z.object({
  format: z
    .enum(['geojson', 'osm'])
    .default('geojson')
    .describe('geojson (default) or osm (OSM XML for JOSM)'),
});

const predictionParams = z.object({ id: idSchema.describe('prediction id') });

const predictionSchema = z.object({
  id: z.string(),
  mode: z.enum(['sync', 'job']),
  model_name: z.string(),
  model_version: z.number(),
  dataset_id: z.string().nullable(),
  execution_id: z.string().nullable(),
  status: z.enum(statuses),
  imagery: z.string(),
  area: z.unknown(),
  config: z.object({
    confidence: z.number().nullable(),
    tolerance: z.number(),
    area: z.number(),
    zoom: z.number(),
    orthogonalize: z.boolean(),
  }),
  features: z.number().nullable(),
  error: z.string().nullable(),
  results_path: z.string(),
  ...ownedShape,
  ended_at: z.string().nullable(),
});

/**
 * A prediction as the API answers it.
 * @param p - the record
 */
export function predictionJson(p: PredictionRecord): z.input<typeof predictionSchema> {
  return {
    id: p.id,
    mode: p.mode,
    model_name: p.model_name,
    model_version: p.model_version,
    dataset_id: p.dataset_id,
    execution_id: p.execution_id,
    status: p.status,
    imagery: p.imagery,
    area: p.area,
    config: p.config,
    features: p.features,
    error: p.error,
    results_path: `/api/predictions/${p.id}/results`,
    owner_id: p.owner_id,
    private: p.private,
    created_at: p.created_at.toISOString(),
    ended_at: p.ended_at?.toISOString() ?? null,
  };
}

/**
 * The prediction routes.
 * @param predictions - the prediction service
 * @returns create, list, get, results
 */
export function predictionRoutes(predictions: PredictionService): Route[] {
  const tags = ['predictions'];
  return [
    route({
      method: 'POST',
      url: '/api/predictions',
      operationId: 'createPrediction',
      summary:
        'predict buildings with a model version: on the fly (≤ 0.5 km², answered when done) or as a job',
      tags,
      auth: 'required',
      body: createBody,
      status: 201,
      responses: {
        201: { description: 'done (on the fly) or queued (job)', schema: predictionSchema },
        429: {
          description:
            'RESOURCE_EXHAUSTED: 4 predictions on the fly are running or waiting; retry later or send "async": true',
        },
      },
      handler: async ({ body, request }) => {
        const { bbox, aoi, ...rest } = body;
        const area = bbox ?? aoi;
        return predictionJson(
          await predictions.create(userViewerOf(request), {
            ...rest,
            area: area as NonNullable<typeof area>,
          }),
        );
      },
    }),
    route({
      method: 'GET',
      url: '/api/predictions',
      operationId: 'listPredictions',
      summary: 'predictions, newest first, by model, version and status',
      tags,
      auth: 'optional',
      query: listQuery,
      responses: { 200: { description: 'a page', schema: pageSchema(predictionSchema) } },
      handler: async ({ query, request }) => {
        const page = await predictions.list(viewerOf(request), {
          ...pageRequest(query),
          modelName: query.model_name,
          modelVersion: query.model_version,
          status: query.status,
        });
        return { ...page, items: page.items.map(predictionJson) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/predictions/:id',
      operationId: 'getPrediction',
      summary: 'a prediction: status, settings, building count',
      tags,
      auth: 'optional',
      params: predictionParams,
      responses: { 200: { description: 'the prediction', schema: predictionSchema } },
      handler: async ({ params, request }) =>
        predictionJson(await predictions.get(viewerOf(request), params.id)),
    }),
    route({
      method: 'GET',
      url: '/api/predictions/:id/results',
      operationId: 'getPredictionResults',
      summary: 'the predicted buildings as GeoJSON (features numbered by id) or OSM XML (`format=osm`)',
      tags,
      auth: 'optional',
      params: predictionParams,
      query: resultsQuery,
      responses: {
        200: { description: 'GeoJSON FeatureCollection, or OSM XML', contentType: 'application/geo+json' },
      },
      handler: async ({ params, query, request, reply }) => {
        const { prediction, collection } = await predictions.results(viewerOf(request), params.id);
        if (query.format === 'osm')
          return reply
            .type('application/xml; charset=utf-8')
            .header('content-disposition', `attachment; filename="prediction-${prediction.id}.osm"`)
            .send(toOsmXml(collection.features as unknown as OutputFeature[], { source: 'fAIr' }));
        return reply.type('application/geo+json').send(collection);
      },
    }),
  ];
}
