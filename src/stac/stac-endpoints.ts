/**
 * @module stac/stac-endpoints — the STAC API as a table of endpoints the HTTP layer mounts (`/stac`,
 * `/stac/conformance`, `/stac/collections…`, `/stac/search` GET and POST): each handler parses the request, calls
 * the API logic and returns the response body as UTF-8 JSON, which the HTTP layer sends as it is. Item pages are
 * assembled from cached item texts, and whole pages are kept while the catalog is unchanged (see
 * {@link StacEndpointsOptions.pageCacheSize}). Errors are AppErrors; render them with `stacErrorResponse`.
 */
import { AppError, codeToStatus } from '../shared/index.ts';
import type { ErrorCode } from '../shared/index.ts';
import type { StacBackend } from './backend.ts';
import { ByteCache } from './byte-cache.ts';
import {
  conformance,
  getCollection,
  getItem,
  landingPage,
  listCollections,
  searchItemsJson,
} from './stac-api.ts';
import type { SearchContext, StacApiOptions } from './stac-api.ts';
import { parseSearchBody, parseSearchQuery } from './search-request.ts';
import type { QueryParams, StacSearch } from './search-request.ts';
import { MediaTypes } from './stac-constants.ts';

/** Path prefix of every STAC endpoint. */
export const STAC_API_PREFIX = '/stac';

/** A request as the HTTP layer hands it over: path parameters (`:id`, `:itemId`), query string and JSON body. */
export type StacRequest = { params?: Record<string, string>; query?: QueryParams; body?: unknown };

/** Options of {@link stacEndpoints}. */
export type StacEndpointsOptions = StacApiOptions & {
  /**
   * Served items kept as JSON (valid while the item's digest is unchanged), default 20,000 (and at most 64 MB); 0
   * turns this off.
   */
  itemCacheSize?: number;
  /**
   * Search pages kept whole, default 256 (and at most 64 MB); 0 turns this off. A page is served from memory while
   * the backend's `changeCount()` is unchanged (any item written by this process, or announced by another), and for
   * at most {@link PAGE_MAX_AGE_MS}, which bounds how stale a page can be should an announcement be lost.
   */
  pageCacheSize?: number;
};

/** Longest time a search page is served from memory. */
export const PAGE_MAX_AGE_MS = 2000;

/** One endpoint: method, path (`:name` marks a path parameter), the media type of its answer, and the handler. */
export type StacEndpoint = {
  method: 'GET' | 'POST';
  path: string;
  /** `application/json` or `application/geo+json` (items and item pages): the Content-Type to send. */
  contentType: string;
  /**
   * Handles one request.
   * @returns the response body, UTF-8 JSON to send unchanged with `contentType`
   * @throws AppError: INVALID_PARAMETER_VALUE (400) naming the bad parameter, RESOURCE_DOES_NOT_EXIST (404),
   *   LIMIT_EXCEEDED (413) for an oversized `intersects`
   */
  handle(request: StacRequest): Promise<Buffer>;
};

/**
 * The STAC API endpoints, bound to a backend.
 * @param backend - the item store
 * @param options - public base URL of `/stac` (links), OpenAPI URL, limits, item and page cache sizes
 * @returns the endpoint table
 * @example
 * for (const e of stacEndpoints(backend, { baseUrl: 'http://localhost:8080/stac' }))
 *   app.route({ method: e.method, url: e.path, handler: async (req, reply) =>
 *     reply.type(e.contentType).send(await e.handle({ params: req.params, query: req.query, body: req.body })) });
 */
export function stacEndpoints(backend: StacBackend, options: StacEndpointsOptions): StacEndpoint[] {
  const limits = options.limits ?? {};
  const items = new ByteCache({ maxEntries: options.itemCacheSize ?? 20_000, maxBytes: 64 * 2 ** 20 });
  const pages = new ByteCache({ maxEntries: options.pageCacheSize ?? 256, maxBytes: 64 * 2 ** 20 });
  const text = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
  const search = async (query: StacSearch, context: SearchContext): Promise<Buffer> => {
    // The tag changes with every item change and every PAGE_MAX_AGE_MS; the search was parsed, so equal searches
    // have equal keys whatever order their parameters came in.
    const key = JSON.stringify([context, query]);
    const tag = `${backend.changeCount()}@${Math.floor(Date.now() / PAGE_MAX_AGE_MS)}`;
    const cached = pages.get(key, tag);
    if (cached !== undefined) return cached;
    const page = await searchItemsJson(backend, options, query, context, items);
    pages.set(key, tag, page);
    return page;
  };
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
        return search(parseSearchQuery(request.query ?? {}, 'items', limits), {
          scope: 'items',
          method: 'GET',
          collection,
        });
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
      handle: (request) =>
        search(parseSearchQuery(request.query ?? {}, 'search', limits), { scope: 'search', method: 'GET' }),
    },
    {
      method: 'POST',
      path: `${STAC_API_PREFIX}/search`,
      contentType: geojson,
      handle: (request) => search(parseSearchBody(request.body, limits), { scope: 'search', method: 'POST' }),
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
