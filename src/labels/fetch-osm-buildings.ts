/**
 * @module labels/fetch-osm-buildings — fetches the OpenStreetMap buildings of an area from an Overpass API endpoint,
 * with a deadline, retries with backoff on 429/5xx/timeouts (Retry-After honoured) and one-line errors.
 */
import type { Polygonal } from '../geo/index.ts';
import {
  AppError,
  type Progress,
  type SafeResponse,
  isAppError,
  safeFetch,
  silentProgress,
} from '../shared/index.ts';
import { keepLabelsInAoi, needsAoiFilter } from './aoi-filter.ts';
import type { LabelCollection } from './label-types.ts';
import { assertAoiArea, bboxToPolygon } from './parse-aoi.ts';
import { type OsmArea, buildOverpassQuery, queriesByBBox } from './overpass-query.ts';
import { type OverpassSkips, overpassRuntimeError, overpassToLabels } from './overpass-to-labels.ts';
import { retryDelayMs, sleep } from './retry-delay.ts';

/** Options of {@link fetchOsmBuildings}. */
export type FetchOsmOptions = {
  /** Overpass API interpreter URL (config `overpassUrl`, env FAIR_OVERPASS_URL). */
  endpoint: string;
  /** Allow an endpoint on a private or loopback address (config `allowPrivateNetwork`). */
  allowPrivateNetwork: boolean;
  /** Deadline of each attempt, also sent as the query's `[timeout:N]`; default 180000 ms. */
  timeoutMs?: number;
  /** Further attempts after a 429, a 5xx, a timeout or a connection failure; default 3. */
  retries?: number;
  /** First backoff delay, doubled on each retry when the server sends no Retry-After; default 2000 ms. */
  backoffMs?: number;
  /** Longest wait between attempts, Retry-After included; default 60000 ms. */
  maxRetryDelayMs?: number;
  /** Largest response accepted, default 256 MiB. */
  maxResponseBytes?: number;
  /** Largest area accepted in km², default 100. */
  maxAreaKm2?: number;
  /** Cancels the fetch, waits included. */
  signal?: AbortSignal;
  /** Receives one tick per attempt and a summary at the end. */
  progress?: Progress;
};

/** A fetch with its details: the labels, what was skipped, the query and the attempts it took. */
export type OsmFetchReport = {
  labels: LabelCollection;
  skipped: OverpassSkips & { outsideAoi: number };
  query: string;
  attempts: number;
  bytes: number;
};

const DEFAULT_TIMEOUT_MS = 180_000;
const DEFAULT_RETRIES = 3;
const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

/**
 * Fetches the buildings of an area from OpenStreetMap through the Overpass API: building ways and building
 * multipolygon relations, with their OSM ids and tags. See {@link fetchOsmBuildingsReport}.
 * @returns the labels
 * @example
 * const labels = await fetchOsmBuildings([85.5188, 27.6292, 85.5233, 27.6344], {
 *   endpoint: config.overpassUrl, allowPrivateNetwork: config.allowPrivateNetwork });
 */
export async function fetchOsmBuildings(area: OsmArea, options: FetchOsmOptions): Promise<LabelCollection> {
  return (await fetchOsmBuildingsReport(area, options)).labels;
}

/**
 * Fetches the buildings of an area and reports what was skipped. POSTs `data=<query>` (see
 * {@link buildOverpassQuery}) and converts the JSON (see {@link overpassToLabels}); for a polygonal area, labels
 * in its holes (or outside it, when the query used its bbox) are dropped.
 * @param area - a bbox `[west, south, east, north]` or a Polygon/MultiPolygon in EPSG:4326
 * @param options - endpoint and network policy, deadline and retry settings (see {@link FetchOsmOptions})
 * @returns the labels with counts of skipped elements, the query, the number of attempts and the response size
 * @throws AppError INVALID_PARAMETER_VALUE for a bad area or endpoint; LIMIT_EXCEEDED for an area over the limit or
 * a response over `maxResponseBytes`; PERMISSION_DENIED for a private endpoint that is not allowed
 * @throws AppError TIMEOUT when every attempt timed out; UPSTREAM_FAILURE naming the endpoint for 429 or 5xx after
 * the retries, other HTTP errors, malformed JSON, or an Overpass runtime error (`remark`) in the response
 */
export async function fetchOsmBuildingsReport(
  area: OsmArea,
  options: FetchOsmOptions,
): Promise<OsmFetchReport> {
  const aoi: Polygonal = Array.isArray(area) ? bboxToPolygon(area) : area;
  assertAoiArea(aoi, options.maxAreaKm2);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0))
    throw new AppError('INVALID_PARAMETER_VALUE', `timeoutMs must be positive, got ${timeoutMs}`);
  const query = buildOverpassQuery(area, Math.max(1, Math.ceil(timeoutMs / 1000)));
  const progress = options.progress ?? silentProgress;
  progress.start(1, 'overpass');
  const { body, attempts } = await postWithRetries(query, timeoutMs, options, progress);
  const response = parseResponse(body, options.endpoint);
  const converted = overpassToLabels(response);
  const labels =
    !Array.isArray(area) && needsAoiFilter(area, queriesByBBox(area))
      ? keepLabelsInAoi(converted.labels, area)
      : converted.labels;
  const outsideAoi = converted.labels.features.length - labels.features.length;
  progress.tick(1);
  progress.done(`${labels.features.length} buildings`);
  return { labels, skipped: { ...converted.skipped, outsideAoi }, query, attempts, bytes: body.length };
}

type Attempt =
  { ok: true; body: Buffer } | { ok: false; error: AppError; retryable: boolean; retryAfter?: string };

async function postWithRetries(
  query: string,
  timeoutMs: number,
  options: FetchOsmOptions,
  progress: Progress,
): Promise<{ body: Buffer; attempts: number }> {
  const retries = options.retries ?? DEFAULT_RETRIES;
  if (!(Number.isInteger(retries) && retries >= 0))
    throw new AppError('INVALID_PARAMETER_VALUE', `retries must be a whole number >= 0, got ${retries}`);
  for (let attempt = 0; ; attempt++) {
    const outcome = await postOnce(query, timeoutMs, options, attempt + 1);
    if (outcome.ok) return { body: outcome.body, attempts: attempt + 1 };
    if (!outcome.retryable || attempt >= retries) throw outcome.error;
    const delay = retryDelayMs(attempt, outcome.retryAfter, options.backoffMs, options.maxRetryDelayMs);
    progress.tick(
      0,
      `retry ${attempt + 1}/${retries} in ${(delay / 1000).toFixed(1)}s: ${outcome.error.message}`,
    );
    await sleep(delay, options.signal);
  }
}

/** One POST; failures worth retrying come back as values, the others are thrown. */
async function postOnce(
  query: string,
  timeoutMs: number,
  options: FetchOsmOptions,
  attempts: number,
): Promise<Attempt> {
  const { endpoint, signal } = options;
  let response: SafeResponse;
  try {
    response = await safeFetch(endpoint, {
      allowPrivateNetwork: options.allowPrivateNetwork,
      timeoutMs,
      maxBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      method: 'POST',
      body: `data=${encodeURIComponent(query)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted || !(isAppError(error, 'TIMEOUT') || isAppError(error, 'UPSTREAM_FAILURE')))
      throw error;
    const failure =
      error.code === 'TIMEOUT'
        ? new AppError(
            'TIMEOUT',
            `Overpass endpoint ${endpoint} did not answer within ${timeoutMs} ms (${plural(attempts, 'attempt')}); try a smaller area or a longer timeout`,
          )
        : new AppError('UPSTREAM_FAILURE', `${error.message} (${plural(attempts, 'attempt')})`);
    return { ok: false, error: failure, retryable: true };
  }
  if (response.status >= 200 && response.status < 300) return { ok: true, body: response.body };
  const retryAfter = response.headers['retry-after'];
  return {
    ok: false,
    error: statusError(endpoint, response.status, response.body, attempts),
    retryable: retryableStatus(response.status),
    ...(retryAfter !== undefined ? { retryAfter } : {}),
  };
}

/** Whether an HTTP status is worth another attempt. */
function retryableStatus(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

function statusError(endpoint: string, status: number, body: Buffer, attempts: number): AppError {
  if (status === 429)
    return new AppError(
      'UPSTREAM_FAILURE',
      `Overpass endpoint ${endpoint} is rate-limiting requests (HTTP 429, ${plural(attempts, 'attempt')}); wait a few minutes or use another endpoint (FAIR_OVERPASS_URL)`,
      { status },
    );
  const text = snippet(body);
  const tried = retryableStatus(status) ? ` after ${plural(attempts, 'attempt')}` : '';
  return new AppError(
    'UPSTREAM_FAILURE',
    `Overpass endpoint ${endpoint} answered HTTP ${status}${tried}${text ? `: ${text}` : ''}`,
    {
      status,
    },
  );
}

/**
 * Parses an Overpass response body and refuses runtime errors reported inside it.
 * @throws AppError UPSTREAM_FAILURE naming the endpoint
 */
function parseResponse(body: Buffer, endpoint: string): unknown {
  let response: unknown;
  try {
    response = JSON.parse(body.toString('utf8'));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new AppError(
      'UPSTREAM_FAILURE',
      `Overpass endpoint ${endpoint} returned malformed JSON (${why}): ${snippet(body)}`,
    );
  }
  const remark = overpassRuntimeError(response);
  if (remark !== undefined)
    throw new AppError(
      'UPSTREAM_FAILURE',
      `Overpass endpoint ${endpoint} reported "${remark.trim()}"; try a smaller area or a longer timeout`,
    );
  if (!Array.isArray((response as { elements?: unknown } | null)?.elements))
    throw new AppError(
      'UPSTREAM_FAILURE',
      `Overpass endpoint ${endpoint} returned JSON without an "elements" array`,
    );
  return response;
}

/** The first words of a body as one line, HTML tags removed. */
function snippet(body: Buffer): string {
  const text = body
    .subarray(0, 2000)
    .toString('utf8')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
