/** @module server/resources/stats/routes — `/api/stats`: the platform's KPIs. */
import { z } from 'zod';
import { route } from '../../http/route.ts';
import type { Route } from '../../http/route.ts';
import { readStats } from './service.ts';
import type { StatsSources } from './service.ts';

const countsSchema = z.record(z.string(), z.number());
const statsSchema = z.object({
  datasets: z.number(),
  trainings: z.object({ total: z.number(), by_phase: countsSchema }),
  model_versions: z.object({ total: z.number(), by_stage: countsSchema }),
  predictions: z.number(),
  predicted_features: z.number(),
  feedback: z.object({
    accepted: z.number(),
    rejected: z.number(),
    total: z.number(),
    acceptance_rate: z
      .number()
      .nullable()
      .describe('accepted / (accepted + rejected), null without feedback'),
  }),
});

/**
 * The stats route.
 * @param sources - the counters of each resource
 * @returns `GET /api/stats`
 */
export function statsRoutes(sources: StatsSources): Route[] {
  return [
    route({
      method: 'GET',
      url: '/api/stats',
      operationId: 'getStats',
      summary:
        'KPIs: datasets, trainings by phase, model versions by stage, predictions, feedback and acceptance',
      tags: ['stats'],
      responses: { 200: { description: 'the figures', schema: statsSchema } },
      handler: () => readStats(sources),
    }),
  ];
}
