/** @module server/routes/meta-routes — health, the OpenAPI document and the docs page. */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Database } from '../../db/index.ts';
import { route } from '../http/route.ts';
import type { Route } from '../http/route.ts';
import { renderDocsPage } from '../openapi/docs-page.ts';
import type { OpenApiObject } from '../openapi/openapi-document.ts';

const healthSchema = z.object({ status: z.literal('ok'), database: z.string(), auth: z.string() });

/**
 * The meta routes.
 * @param db - the database (its engine is reported)
 * @param authMode - `single-user` or `multi-user`
 * @param document - builds the OpenAPI document of every mounted route
 * @returns health, openapi.json and docs
 */
export function metaRoutes(db: Database, authMode: string, document: () => OpenApiObject): Route[] {
  return [
    route({
      method: 'GET',
      url: '/api/health',
      operationId: 'health',
      summary: 'the server is up; database engine and auth mode',
      tags: ['meta'],
      responses: { 200: { description: 'up', schema: healthSchema } },
      handler: async () => ({ status: 'ok', database: db.engine, auth: authMode }),
    }),
    route({
      method: 'GET',
      url: '/api/openapi.json',
      operationId: 'openApiDocument',
      summary: 'this API as an OpenAPI 3.1 document',
      tags: ['meta'],
      handler: async () => document(),
    }),
    route({
      method: 'GET',
      url: '/api/docs',
      operationId: 'docsPage',
      summary: 'this API as an HTML page',
      tags: ['meta'],
      responses: { 200: { description: 'HTML', contentType: 'text/html' } },
      handler: async ({ reply }) => docsPage(reply, document()),
    }),
  ];
}

function docsPage(reply: FastifyReply, document: OpenApiObject): FastifyReply {
  return reply.type('text/html; charset=utf-8').send(renderDocsPage(document));
}
