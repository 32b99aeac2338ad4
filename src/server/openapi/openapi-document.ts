/**
 * @module server/openapi/openapi-document — the OpenAPI 3.1 document, built from the routes' own declarations (the
 * zod schemas that validate requests become parameters and request bodies), so the spec cannot drift from the code.
 */
import { z } from 'zod';
import type { RouteDoc } from '../http/route.ts';

/** A JSON object of the document. */
export type OpenApiObject = { [key: string]: unknown };

/** Title, version and server URL of the document. */
export type OpenApiInfo = { title: string; version: string; description: string; serverUrl: string };

/** The error responses every operation may give, by status. */
const errorStatuses: Readonly<Record<number, string>> = {
  400: 'INVALID_PARAMETER_VALUE: the message names the failing field',
  401: 'UNAUTHENTICATED: no or bad credentials',
  403: 'PERMISSION_DENIED: not the owner or an admin',
  404: 'RESOURCE_DOES_NOT_EXIST',
  413: 'LIMIT_EXCEEDED: body over the size or vertex limit',
};

const apiError = z
  .object({
    error: z.object({
      code: z.string().describe('one of the closed set of error codes, e.g. INVALID_PARAMETER_VALUE'),
      message: z.string().describe('one line naming the bad input'),
      details: z.unknown().describe('machine-readable context, or null'),
    }),
  })
  .describe('fAIr API error');
const mlflowError = z.object({ error_code: z.string(), message: z.string() }).describe('MLflow API error');
const stacError = z.object({ code: z.string(), description: z.string() }).describe('STAC API error');

/**
 * A zod schema as JSON Schema (draft 2020-12, OpenAPI 3.1's dialect), the input side (what clients send).
 * @param schema - the zod schema
 * @returns the JSON Schema without `$schema`
 */
export function jsonSchemaOf(schema: z.ZodType): OpenApiObject {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as OpenApiObject;
  delete json['$schema'];
  return json;
}

/**
 * The OpenAPI path of a Fastify URL: `:id` → `{id}`, a trailing `*` → `{path}`.
 * @param url - Fastify path syntax
 */
export function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{path}');
}

/**
 * Builds the document.
 * @param routes - every mounted route
 * @param info - title, version, description and server URL
 * @returns the OpenAPI 3.1 document
 */
export function buildOpenApiDocument(routes: readonly RouteDoc[], info: OpenApiInfo): OpenApiObject {
  const paths: Record<string, Record<string, OpenApiObject>> = {};
  for (const r of routes) {
    const path = openApiPath(r.url);
    (paths[path] ??= {})[r.method.toLowerCase()] = operationOf(r);
  }
  const tags = [...new Set(routes.flatMap((r) => r.tags))].sort().map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: info.description },
    servers: [{ url: info.serverUrl }],
    tags,
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'personal API token (POST /api/auth/tokens)' },
        session: { type: 'apiKey', in: 'cookie', name: 'fair_session', description: 'login session' },
      },
      schemas: {
        Error: jsonSchemaOf(apiError),
        MlflowError: jsonSchemaOf(mlflowError),
        StacError: jsonSchemaOf(stacError),
      },
    },
  };
}

function operationOf(r: RouteDoc): OpenApiObject {
  const operation: OpenApiObject = {
    operationId: r.operationId,
    summary: r.summary,
    tags: [...r.tags],
    parameters: [...parametersOf(r.params, 'path', r.url), ...parametersOf(r.query, 'query', r.url)],
    responses: responsesOf(r),
  };
  if (r.description !== undefined) operation['description'] = r.description;
  if (r.auth === 'required') operation['security'] = [{ bearer: [] }, { session: [] }];
  else if (r.auth === 'optional') operation['security'] = [{}, { bearer: [] }, { session: [] }];
  else operation['security'] = [];
  if (r.body !== undefined || r.bodyContentTypes !== undefined) {
    const schema = r.body === undefined ? {} : jsonSchemaOf(r.body);
    const types = r.bodyContentTypes ?? ['application/json'];
    operation['requestBody'] = {
      required: r.body !== undefined && !r.body.safeParse(undefined).success,
      content: Object.fromEntries(types.map((t) => [t, { schema }])),
    };
  }
  return operation;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query', url: string): OpenApiObject[] {
  if (schema === undefined) {
    if (where === 'query') return [];
    const names = [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
    if (url.endsWith('*')) names.push('path');
    return names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  }
  const json = jsonSchemaOf(schema);
  const properties = (json['properties'] ?? {}) as Record<string, OpenApiObject>;
  const required = new Set((json['required'] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const parameter: OpenApiObject = {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      schema: property,
    };
    if (typeof property['description'] === 'string') parameter['description'] = property['description'];
    return parameter;
  });
}

function responsesOf(r: RouteDoc): OpenApiObject {
  const family = r.url.startsWith('/api/2.0/mlflow')
    ? 'MlflowError'
    : r.url.startsWith('/stac')
      ? 'StacError'
      : 'Error';
  const responses: OpenApiObject = {};
  for (const [status, doc] of Object.entries(r.responses)) {
    const response: OpenApiObject = { description: doc.description };
    if (doc.schema !== undefined || doc.contentType !== undefined)
      response['content'] = {
        [doc.contentType ?? 'application/json']: {
          schema: doc.schema === undefined ? {} : jsonSchemaOf(doc.schema),
        },
      };
    // A route's own error statuses (e.g. 429) answer in its family's error shape.
    else if (Number(status) >= 400)
      response['content'] = { 'application/json': { schema: { $ref: `#/components/schemas/${family}` } } };
    responses[status] = response;
  }
  for (const [status, description] of Object.entries(errorStatuses)) {
    if (status === '401' && r.auth === 'none') continue;
    if (status === '403' && r.auth !== 'required') continue;
    responses[status] ??= {
      description,
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${family}` } } },
    };
  }
  return responses;
}
