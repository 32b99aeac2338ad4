/**
 * @module server/resources/feedback/routes — `/api/feedback`: accept or reject a predicted building, list verdicts
 * per model version, dataset or prediction (with their counts), delete one's own.
 */
import { z } from 'zod';
import { route } from '../../http/route.ts';
import type { Route } from '../../http/route.ts';
import { pageRequest, pagingQuery } from '../common/paging.ts';
import { userViewerOf, viewerOf } from '../common/request-viewer.ts';
import { idSchema, polygonalSchema } from '../common/schemas.ts';
import type { Polygonal } from '../../../geo/index.ts';
import type { FeedbackService } from './service.ts';
import type { FeedbackRecord } from './store.ts';

const verdicts = ['accepted', 'rejected'] as const;

const giveBody = z.strictObject({
  prediction_id: idSchema.describe('the prediction'),
  feature_id: z
    .union([z.number().int().min(0), z.string().min(1).max(20)])
    .describe('the building’s id in the prediction’s results'),
  verdict: z.enum(verdicts).describe('accepted or rejected'),
  geometry: polygonalSchema.optional().describe('the building as corrected (default the predicted outline)'),
  comment: z.string().max(2000).default('').describe('free text'),
});

const listQuery = z.object({
  ...pagingQuery,
  model_name: z.string().min(1).max(256).optional().describe('only feedback on this model'),
  model_version: z.coerce.number().int().min(1).optional().describe('only feedback on this version'),
  dataset_id: idSchema.optional().describe('only feedback on models trained on this dataset'),
  prediction_id: idSchema.optional().describe('only feedback on this prediction'),
  verdict: z.enum(verdicts).optional().describe('only this verdict'),
});

const feedbackSchema = z.object({
  id: z.string(),
  prediction_id: z.string(),
  feature_id: z.string(),
  verdict: z.enum(verdicts),
  geometry: z.unknown(),
  comment: z.string(),
  model_name: z.string(),
  model_version: z.number(),
  dataset_id: z.string().nullable(),
  config: z.record(z.string(), z.unknown()).describe('the prediction’s confidence, tolerance, area, zoom'),
  owner_id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});

function feedbackJson(f: FeedbackRecord): z.input<typeof feedbackSchema> {
  const { seq: _seq, created_at, updated_at, ...rest } = f;
  return { ...rest, created_at: created_at.toISOString(), updated_at: updated_at.toISOString() };
}

/**
 * The feedback routes.
 * @param feedback - the feedback service
 * @returns give, list, get, delete
 */
export function feedbackRoutes(feedback: FeedbackService): Route[] {
  const tags = ['feedback'];
  const params = z.object({ id: idSchema.describe('feedback id') });
  return [
    route({
      method: 'POST',
      url: '/api/feedback',
      operationId: 'giveFeedback',
      summary: 'accept or reject a predicted building (your earlier verdict on it is replaced)',
      tags,
      auth: 'required',
      body: giveBody,
      status: 201,
      responses: { 201: { description: 'recorded', schema: feedbackSchema } },
      handler: async ({ body, request }) =>
        feedbackJson(
          await feedback.give(userViewerOf(request), {
            ...body,
            geometry: body.geometry as Polygonal | undefined,
          }),
        ),
    }),
    route({
      method: 'GET',
      url: '/api/feedback',
      operationId: 'listFeedback',
      summary: 'verdicts, newest first, by model version, dataset or prediction, with their counts',
      tags,
      auth: 'optional',
      query: listQuery,
      responses: {
        200: {
          description: 'a page and the counts of the whole selection',
          schema: z.object({
            items: z.array(feedbackSchema),
            next_page_token: z.string().nullable(),
            counts: z.object({ accepted: z.number(), rejected: z.number() }),
          }),
        },
      },
      handler: async ({ query, request }) => {
        const page = await feedback.list(viewerOf(request), {
          ...pageRequest(query),
          modelName: query.model_name,
          modelVersion: query.model_version,
          datasetId: query.dataset_id,
          predictionId: query.prediction_id,
          verdict: query.verdict,
        });
        return { ...page, items: page.items.map(feedbackJson) };
      },
    }),
    route({
      method: 'GET',
      url: '/api/feedback/:id',
      operationId: 'getFeedback',
      summary: 'one verdict',
      tags,
      auth: 'optional',
      params,
      responses: { 200: { description: 'the verdict', schema: feedbackSchema } },
      handler: async ({ params: p, request }) => feedbackJson(await feedback.get(viewerOf(request), p.id)),
    }),
    route({
      method: 'DELETE',
      url: '/api/feedback/:id',
      operationId: 'deleteFeedback',
      summary: 'delete a verdict (its author or an admin)',
      tags,
      auth: 'required',
      params,
      status: 204,
      responses: { 204: { description: 'deleted' } },
      handler: ({ params: p, request }) => feedback.remove(userViewerOf(request), p.id),
    }),
  ];
}
