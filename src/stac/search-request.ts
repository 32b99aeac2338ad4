/**
 * @module stac/search-request — the parameters of `/search` (GET query and POST body) and of
 * `/collections/{id}/items`, parsed and checked into one `StacSearch`, and written back for paging links.
 */
import type { Geometry } from 'geojson';
import { invalid } from '../shared/index.ts';
import { parseDatetimeRange } from './datetime-range.ts';
import type { DatetimeRange } from './datetime-range.ts';
import { decodePageToken } from './page-token.ts';
import type { PageToken } from './page-token.ts';
import { checkGeometry } from './search-geometry.ts';
import { StacLimits } from './stac-constants.ts';
import type { Bbox, JsonObject } from './stac-types.ts';

/** A query string as the HTTP layer hands it over: repeated keys as arrays. */
export type QueryParams = Record<string, string | readonly string[] | undefined>;

/** A checked search. */
export type StacSearch = {
  /** Collection ids to search, all when absent. */
  collections?: string[];
  /** Item ids, any when absent. */
  ids?: string[];
  /** `[west, south, east, north]`; west > east crosses the antimeridian. */
  bbox?: Bbox;
  /** A GeoJSON geometry items must intersect. */
  intersects?: Geometry;
  /** The item's datetime (or start/end interval) must meet this range. */
  datetime?: DatetimeRange;
  /** The original `datetime` text, for paging links. */
  datetimeText?: string;
  /** Items must list every one of these `mlm:tasks`. */
  tasks?: string[];
  /** Items must list every one of these `keywords`. */
  keywords?: string[];
  /** Page size. */
  limit: number;
  /** Where the page starts, from a previous page's link. */
  token?: PageToken;
  /** The token text as given (paging links are built from the search, not from it). */
  tokenText?: string;
};

/** Where the parameters come from: the item search, or one collection's items. */
export type SearchScope = 'search' | 'items';

/** Limits a parser applies. */
export type SearchLimits = { maxLimit: number; maxIntersectsVertices: number };

const searchKeys = [
  'bbox',
  'intersects',
  'datetime',
  'limit',
  'token',
  'ids',
  'collections',
  'mlm:tasks',
  'keywords',
] as const;
const itemsKeys = ['bbox', 'datetime', 'limit', 'token', 'ids', 'mlm:tasks', 'keywords'] as const;

function defaults(limits: Partial<SearchLimits>): SearchLimits {
  return {
    maxLimit: limits.maxLimit ?? StacLimits.maxLimit,
    maxIntersectsVertices: limits.maxIntersectsVertices ?? StacLimits.maxIntersectsVertices,
  };
}

/**
 * Parses a GET query (`/search` or `/collections/{id}/items`). Lists are comma-separated (or repeated keys);
 * `intersects` is GeoJSON text.
 * @param query - the query parameters
 * @param scope - `search` (all parameters) or `items` (no `collections`, no `intersects`)
 * @param limits - page-size and geometry limits, default {@link StacLimits}
 * @returns the search
 * @throws AppError INVALID_PARAMETER_VALUE naming the parameter: unknown parameter, bbox not 4 or 6 numbers or
 *   with south > north or outside WGS84, both bbox and intersects, bad datetime, limit not an integer from 1 to
 *   the maximum, bad token, empty list entry; LIMIT_EXCEEDED for an intersects geometry over the vertex limit
 */
export function parseSearchQuery(
  query: QueryParams,
  scope: SearchScope = 'search',
  limits: Partial<SearchLimits> = {},
): StacSearch {
  const allowed: readonly string[] = scope === 'search' ? searchKeys : itemsKeys;
  const one = (key: string): string | undefined => {
    const value = query[key];
    if (value === undefined) return undefined;
    return typeof value === 'string' ? value : value.join(',');
  };
  for (const key of Object.keys(query))
    if (query[key] !== undefined && !allowed.includes(key))
      invalid(`query parameter ${key} is not supported; use ${allowed.join(', ')}`);
  const raw: Record<string, unknown> = {};
  const bbox = one('bbox');
  if (bbox !== undefined)
    raw['bbox'] = bbox.split(',').map((s) => (s.trim() === '' ? Number.NaN : Number(s)));
  const intersects = one('intersects');
  if (intersects !== undefined) raw['intersects'] = parseJson(intersects, 'intersects');
  const limit = one('limit');
  if (limit !== undefined) {
    if (!/^\s*\d{1,9}\s*$/.test(limit)) invalid(`limit ${limit} is not an integer`);
    raw['limit'] = Number(limit);
  }
  for (const key of ['datetime', 'token'] as const) {
    const value = one(key);
    if (value !== undefined) raw[key] = value;
  }
  for (const key of ['ids', 'collections', 'mlm:tasks', 'keywords'] as const) {
    const value = one(key);
    if (value !== undefined) raw[key] = value.split(',').map((s) => s.trim());
  }
  return checkSearch(raw, defaults(limits));
}

/**
 * Parses a POST `/search` body (STAC API item search JSON).
 * @param body - the parsed JSON body (undefined or `{}` for everything)
 * @param limits - page-size and geometry limits, default {@link StacLimits}
 * @returns the search
 * @throws AppError INVALID_PARAMETER_VALUE naming the field (as {@link parseSearchQuery}, plus wrong JSON types
 *   and unknown fields); LIMIT_EXCEEDED for an intersects geometry over the vertex limit
 */
export function parseSearchBody(body: unknown, limits: Partial<SearchLimits> = {}): StacSearch {
  if (body === undefined || body === null) return checkSearch({}, defaults(limits));
  if (typeof body !== 'object' || Array.isArray(body)) invalid('search body must be a JSON object');
  const raw = body as Record<string, unknown>;
  for (const key of Object.keys(raw))
    if (!(searchKeys as readonly string[]).includes(key))
      invalid(`search field ${key} is not supported; use ${searchKeys.join(', ')}`);
  return checkSearch(raw, defaults(limits));
}

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return invalid(`${field} is not valid JSON`);
  }
}

function checkSearch(raw: Record<string, unknown>, limits: SearchLimits): StacSearch {
  const search: StacSearch = { limit: checkLimit(raw['limit'], limits.maxLimit) };
  if (raw['bbox'] !== undefined && raw['intersects'] !== undefined)
    invalid('bbox and intersects cannot be used together');
  if (raw['bbox'] !== undefined) search.bbox = checkBbox(raw['bbox']);
  if (raw['intersects'] !== undefined)
    search.intersects = checkGeometry(raw['intersects'], limits.maxIntersectsVertices);
  if (raw['datetime'] !== undefined) {
    if (typeof raw['datetime'] !== 'string') invalid('datetime must be a string');
    search.datetime = parseDatetimeRange(raw['datetime']);
    search.datetimeText = raw['datetime'];
  }
  if (raw['token'] !== undefined) {
    if (typeof raw['token'] !== 'string') invalid('token must be a string');
    search.token = decodePageToken(raw['token']);
    search.tokenText = raw['token'];
  }
  const lists = [
    ['ids', 'ids'],
    ['collections', 'collections'],
    ['mlm:tasks', 'tasks'],
    ['keywords', 'keywords'],
  ] as const;
  for (const [field, key] of lists) if (raw[field] !== undefined) search[key] = checkList(raw[field], field);
  return search;
}

function checkLimit(value: unknown, max: number): number {
  if (value === undefined) return StacLimits.defaultLimit;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max)
    invalid(`limit ${String(value)} must be an integer from 1 to ${max}`);
  return value;
}

/**
 * Checks a bbox: 4 numbers (or 6, whose heights are dropped) in WGS84 with south ≤ north; west > east is a box
 * across the antimeridian.
 * @param value - the parsed bbox
 * @returns west, south, east, north
 * @throws AppError INVALID_PARAMETER_VALUE naming the problem
 */
export function checkBbox(value: unknown): Bbox {
  if (!Array.isArray(value) || (value.length !== 4 && value.length !== 6))
    invalid(`bbox must be 4 numbers (west,south,east,north) or 6 with heights`);
  const numbers = value as unknown[];
  if (!numbers.every((v) => typeof v === 'number' && Number.isFinite(v)))
    invalid(`bbox ${numbers.join(',')} must hold finite numbers`);
  const n = numbers as number[];
  const box = (n.length === 4 ? n : [n[0], n[1], n[3], n[4]]) as Bbox;
  const [w, s, e, north] = box;
  if (s > north) invalid(`bbox ${box.join(',')} is inverted: south ${s} is north of north ${north}`);
  if (w < -180 || e > 180 || w > 180 || e < -180 || s < -90 || north > 90)
    invalid(`bbox ${box.join(',')} is outside WGS84 bounds (-180,-90,180,90)`);
  return box;
}

function checkList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) invalid(`${field} must be an array of strings`);
  if (value.length > StacLimits.maxListEntries)
    invalid(`${field} has more than ${StacLimits.maxListEntries} entries`);
  for (const entry of value)
    if (typeof entry !== 'string' || entry === '') invalid(`${field} must hold non-empty strings`);
  return [...new Set(value as string[])];
}

/**
 * A search as GET query parameters (for `next`/`prev` links), with a token.
 * @param search - the search
 * @param token - the token of the linked page
 * @param scope - `items` leaves out `collections`
 * @returns the query string without `?`
 */
export function searchToQueryString(
  search: StacSearch,
  token: string,
  scope: SearchScope = 'search',
): string {
  const params = new URLSearchParams();
  if (search.collections && scope === 'search') params.set('collections', search.collections.join(','));
  if (search.ids) params.set('ids', search.ids.join(','));
  if (search.bbox) params.set('bbox', search.bbox.join(','));
  if (search.intersects) params.set('intersects', JSON.stringify(search.intersects));
  if (search.datetimeText !== undefined) params.set('datetime', search.datetimeText);
  if (search.tasks) params.set('mlm:tasks', search.tasks.join(','));
  if (search.keywords) params.set('keywords', search.keywords.join(','));
  params.set('limit', String(search.limit));
  params.set('token', token);
  return params.toString();
}

/**
 * A search as a POST body (for `next`/`prev` links of POST searches), with a token.
 * @param search - the search
 * @param token - the token of the linked page
 * @returns the JSON body
 */
export function searchToBody(search: StacSearch, token: string): JsonObject {
  const body: JsonObject = { limit: search.limit, token };
  if (search.collections) body['collections'] = [...search.collections];
  if (search.ids) body['ids'] = [...search.ids];
  if (search.bbox) body['bbox'] = [...search.bbox];
  if (search.intersects) body['intersects'] = structuredClone(search.intersects) as unknown as JsonObject;
  if (search.datetimeText !== undefined) body['datetime'] = search.datetimeText;
  if (search.tasks) body['mlm:tasks'] = [...search.tasks];
  if (search.keywords) body['keywords'] = [...search.keywords];
  return body;
}
