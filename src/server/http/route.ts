/**
 * @module server/http/route — one HTTP operation declared once: method, path, zod schemas of params, query and
 * body, and a named handler. The same declaration validates requests (400 naming the failing field) and yields the
 * OpenAPI operation.
 */
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { invalid } from '../../shared/index.ts';

/** HTTP methods routes use. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What an operation requires: nothing, an optional user (private reads), or a user (writes). */
export type AuthRequirement = 'none' | 'optional' | 'required';

/** One documented response. */
export type ResponseDoc = {
  description: string;
  /** Body schema (JSON), or none. */
  schema?: z.ZodType;
  /** Content type when not `application/json` (e.g. `text/event-stream`). */
  contentType?: string;
};

/** The documentation side of a route: everything OpenAPI needs. */
export type RouteDoc = {
  method: HttpMethod;
  /** Fastify path syntax: `/api/executions/:id`, a trailing `*` for the rest of the path. */
  url: string;
  operationId: string;
  summary: string;
  description?: string;
  /** OpenAPI tags, e.g. `executions`. */
  tags: readonly string[];
  auth: AuthRequirement;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Request body content types, default `application/json`. */
  bodyContentTypes?: readonly string[];
  /** Responses by status code. */
  responses: Readonly<Record<number, ResponseDoc>>;
};

/** A route as the server mounts it. */
export type Route = RouteDoc & {
  /** Success status, default 200 (204 sends no body). */
  status: number;
  /**
   * Parses the request and runs the handler; returns the body to send, or the reply when the handler sent it.
   * @throws AppError INVALID_PARAMETER_VALUE naming the failing field, or what the handler throws
   */
  handle(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
};

/** What a handler receives: the parsed parts and the raw request and reply. */
export type RouteInput<P, Q, B> = {
  params: P;
  query: Q;
  body: B;
  request: FastifyRequest;
  reply: FastifyReply;
};

/** A route declaration with its schemas and handler. */
export type RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> = Omit<
  RouteDoc,
  'params' | 'query' | 'body' | 'responses' | 'auth'
> & {
  auth?: AuthRequirement;
  params?: P;
  query?: Q;
  body?: B;
  status?: number;
  responses?: Readonly<Record<number, ResponseDoc>>;
  handler(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<unknown>;
};

const unknownSchema = z.unknown();

/**
 * Declares a route.
 * @param spec - method, url, docs, schemas (default: anything) and handler
 * @returns the route, parsing with the same schemas it documents
 * @example
 * route({ method: 'GET', url: '/api/things/:id', operationId: 'getThing', summary: 'a thing', tags: ['things'],
 *   params: z.object({ id: z.string() }), handler: ({ params }) => things.get(params.id) });
 */
export function route<
  P extends z.ZodType = z.ZodUnknown,
  Q extends z.ZodType = z.ZodUnknown,
  B extends z.ZodType = z.ZodUnknown,
>(spec: RouteSpec<P, Q, B>): Route {
  const status = spec.status ?? 200;
  const { handler, ...doc } = spec;
  return {
    ...doc,
    auth: spec.auth ?? 'none',
    status,
    responses: spec.responses ?? { [status]: { description: 'success' } },
    async handle(request, reply) {
      const params = parsePart(spec.params ?? unknownSchema, request.params, 'path parameter');
      const query = parsePart(spec.query ?? unknownSchema, request.query, 'query parameter');
      // Node discards the unread rest of the request once the error response is sent.
      if (spec.body !== undefined && request.body instanceof Readable)
        invalid(
          `request body must be JSON (Content-Type: application/json), got ${request.headers['content-type'] ?? 'none'}`,
        );
      const body = parsePart(spec.body ?? unknownSchema, request.body, 'body field');
      const result = await handler({
        params: params as z.output<P>,
        query: query as z.output<Q>,
        body: body as z.output<B>,
        request,
        reply,
      });
      return reply.sent ? reply : result;
    },
  };
}

/**
 * Parses one part of a request with its schema.
 * @param schema - the zod schema
 * @param value - the raw value
 * @param where - names the part in messages (`query parameter`, `body field`, `path parameter`)
 * @returns the parsed value
 * @throws AppError INVALID_PARAMETER_VALUE naming the first failing field, with every issue in `details`
 */
export function parsePart(schema: z.ZodType, value: unknown, where: string): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    field: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const first = issues[0] ?? { field: '', message: 'invalid' };
  const name = first.field === '' ? where.replace(/ (field|parameter)$/, '') : `${where} ${first.field}`;
  return invalid(`invalid ${name}: ${first.message}`, { issues });
}
