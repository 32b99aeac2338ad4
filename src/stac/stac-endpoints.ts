/**
 * @module stac/stac-endpoints — the STAC API as a table of endpoints the HTTP layer mounts (`/stac`,
 * `/stac/conformance`, `/stac/collections…`, `/stac/search` GET and POST): each handler parses the request, calls
 * the API logic and returns the response body as JSON text (item pages are assembled from cached item texts, so the
 * HTTP layer sends the text as it is). Errors are AppErrors; render them with `stacErrorResponse`.
 */
import { AppError, codeToStatus } from '../shared/index.ts';
import type { ErrorCode } from '../shared/index.ts';
import type { StacBackend } from './backend.ts';
import { ItemTextCache } from './item-text-cache.ts';
import {
  conformance,
  getCollection,
  getItem,
  landingPage,
  listCollections,
  searchItemsJson,
} from './stac-api.ts';
import type { StacApiOptions } from './stac-api.ts';
import { parseSearchBody, parseSearchQuery } from './search-request.ts';
import type { QueryParams } from './search-request.ts';
import { MediaTypes } from './stac-constants.ts';

/** Path prefix of every STAC endpoint. */
export const STAC_API_PREFIX = '/stac';

/** A request as the HTTP layer hands it over: path parameters (`:id`, `:itemId`), query string and JSON body. */
export type StacRequest = { params?: Record<string, string>; query?: QueryParams; body?: unknown };

/** Options of {@link stacEndpoints}. */
export type StacEndpointsOptions = StacApiOptions & {
  /** Served items kept as JSON text (see `ItemTextCache`), default 2000; 0 turns the cache off. */
  itemCacheSize?: number;
};

/** One endpoint: method, path (`:name` marks a path parameter), the media type of its answer, and the handler. */
export type StacEndpoint = {
  method: 'GET' | 'POST';
  path: string;
  /** `application/json` or `application/geo+json` (items and item pages): the Content-Type to send. */
  contentType: string;
  /**
   * Handles one request.
   * @returns the response body, JSON text to send unchanged with `contentType`
   * @throws AppError: INVALID_PARAMETER_VALUE (400) naming the bad parameter, RESOURCE_DOES_NOT_EXIST (404),
   *   LIMIT_EXCEEDED (413) for an oversized `intersects`
   */
  handle(request: StacRequest): Promise<string>;
};

/**
 * The STAC API endpoints, bound to a backend.
 * @param backend - the item store
 * @param options - public base URL of `/stac` (links), OpenAPI URL, limits, item cache size
 * @returns the endpoint table
 * @example
 * for (const e of stacEndpoints(backend, { baseUrl: 'http://localhost:8080/stac' }))
 *   app.route({ method: e.method, url: e.path, handler: async (req, reply) =>
 *     reply.type(e.contentType).send(await e.handle({ params: req.params, query: req.query, body: req.body })) });
 */
export function stacEndpoints(backend: StacBackend, options: StacEndpointsOptions): StacEndpoint[] {
  const limits = options.limits ?? {};
  const cache = new ItemTextCache(options.itemCacheSize);
  const text = (value: unknown): string => JSON.stringify(value);
  const param = (request: StacRequest, name: string): string => request.params?.[name] ?? '';
  const json = MediaTypes.json;
  const geojson = MediaTypes.geojson;
  return [
    {
      method: 'GET',
      path: STAC_API_PREFIX,
      contentType: json,
      handle: () => Promise.resolve(text(landingPage(options))),
    },
    {
      method: 'GET',
      path: `${STAC_API_PREFIX}/conformance`,
      contentType: json,
      handle: () => Promise.resolve(text(conformance())),
    },
    {
      method: 'GET',
      path: `${STAC_API_PREFIX}/collections`,
      contentType: json,
      handle: async () => text(await listCollections(backend, options)),
    },
    {
      method: 'GET',
      path: `${STAC_API_PREFIX}/collections/:id`,
      contentType: json,
      handle: async (request) => text(await getCollection(backend, options, param(request, 'id'))),
    },
    {
      method: 'GET',
      path: `${STAC_API_PREFIX}/collections/:id/items`,
      contentType: geojson,
      handle: async (request) => {
        const collection = param(request, 'id');
        const search = parseSearchQuery(request.query ?? {}, 'items', limits);
        return searchItemsJson(
          backend,
          options,
          search,
          { scope: 'items', method: 'GET', collection },
          cache,
        );
      },
    },
    {
      method: 'GET',
      path: `${STAC_API_PREFIX}/collections/:id/items/:itemId`,
      contentType: geojson,
      handle: async (request) =>
        text(await getItem(backend, options, param(request, 'id'), param(request, 'itemId'))),
    },
    {
      method: 'GET',
      path: `${STAC_API_PREFIX}/search`,
      contentType: geojson,
      handle: async (request) => {
        const search = parseSearchQuery(request.query ?? {}, 'search', limits);
        return searchItemsJson(backend, options, search, { scope: 'search', method: 'GET' }, cache);
      },
    },
    {
      method: 'POST',
      path: `${STAC_API_PREFIX}/search`,
      contentType: geojson,
      handle: async (request) => {
        const search = parseSearchBody(request.body, limits);
        return searchItemsJson(backend, options, search, { scope: 'search', method: 'POST' }, cache);
      },
    },
  ];
}

/**
 * The HTTP status and STAC error body of a failure: `{code, description}` (STAC API's error shape).
 * @param error - what a handler threw
 * @returns status from `codeToStatus` (INTERNAL_ERROR, 500, for anything that is not an AppError, whose message is
 *   not shown)
 */
export function stacErrorResponse(error: unknown): {
  status: number;
  body: { code: ErrorCode; description: string };
} {
  if (error instanceof AppError)
    return { status: codeToStatus[error.code], body: { code: error.code, description: error.message } };
  return { status: 500, body: { code: 'INTERNAL_ERROR', description: 'internal error' } };
}
