/**
 * @module imagery/tile-fetcher — fetches one tile image over HTTP(S): cache first, retries with exponential backoff
 * and jitter on timeouts, connection errors, 5xx and 429 (honouring Retry-After up to a cap), never on 404.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, isAppError, safeFetch } from '../shared/index.ts';
import type { SafeResponse } from '../shared/index.ts';
import { decodeImage } from './raster.ts';
import type { RasterRGB } from './raster.ts';
import type { TileCache } from './tile-cache.ts';
import { redactUrl } from './tile-url-template.ts';

/** Resolved fetch settings of a remote source (every option has its value). */
export type TileFetchSettings = {
  allowPrivateNetwork: boolean;
  trustedOrigins: string[];
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  maxRetryAfterMs: number;
  maxBytes: number;
  cache: TileCache | undefined;
};

/** Default per-attempt deadline of a tile request, ms. */
export const DEFAULT_TILE_TIMEOUT_MS = 20_000;
/** Default number of retries after the first attempt. */
export const DEFAULT_TILE_RETRIES = 3;
/** Default first backoff delay, ms. */
export const DEFAULT_RETRY_DELAY_MS = 500;
/** Default cap on Retry-After, ms. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 30_000;
/** Default largest tile body, bytes (32 MiB). */
export const DEFAULT_TILE_MAX_BYTES = 32 * 1024 * 1024;

/**
 * Fetches and decodes the image at `url`, using and filling the cache. Cached bytes that no longer decode are dropped
 * and fetched again.
 * @param url - the tile URL
 * @param what - the tile as `z/x/y`, for messages
 * @param settings - resolved settings
 * @param signal - aborts the fetch (and any backoff wait)
 * @returns the decoded tile at the size the server sent
 * @throws AppError RESOURCE_DOES_NOT_EXIST on 404/410/204, UPSTREAM_FAILURE for other failures, not-an-image bodies
 *   and exhausted retries, TIMEOUT when the last attempt timed out, PERMISSION_DENIED for refused addresses
 */
export async function fetchTileImage(
  url: string,
  what: string,
  settings: TileFetchSettings,
  signal?: AbortSignal,
): Promise<RasterRGB> {
  const cached = await settings.cache?.get(url);
  if (cached) {
    try {
      return await decodeImage(cached, `cached tile ${what}`);
    } catch {
      await settings.cache?.remove(url);
    }
  }
  const bytes = await fetchTileBytes(url, what, settings, signal);
  let image: RasterRGB;
  try {
    image = await decodeImage(bytes, `tile ${what} from ${redactUrl(url)}`);
  } catch (error) {
    throw new AppError('UPSTREAM_FAILURE', error instanceof Error ? error.message : String(error), {
      url: redactUrl(url),
    });
  }
  // The cache is best effort: a full or read-only disk must not fail a tile that arrived.
  await settings.cache?.put(url, bytes).catch(() => undefined);
  return image;
}

/**
 * Fetches the body of a tile with retries.
 * @throws AppError as {@link fetchTileImage}
 */
export async function fetchTileBytes(
  url: string,
  what: string,
  settings: TileFetchSettings,
  signal?: AbortSignal,
): Promise<Buffer> {
  const shown = redactUrl(url);
  for (let attempt = 0; ; attempt++) {
    const last = attempt >= settings.retries;
    let response: SafeResponse;
    try {
      response = await safeFetch(url, {
        allowPrivateNetwork: settings.allowPrivateNetwork,
        trustedOrigins: settings.trustedOrigins,
        timeoutMs: settings.timeoutMs,
        maxBytes: settings.maxBytes,
        headers: { accept: 'image/png,image/jpeg,image/webp,image/tiff,image/*;q=0.8' },
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (last || signal?.aborted || !isTransient(error)) throw error;
      await wait(backoffMs(attempt, settings.retryDelayMs), signal);
      continue;
    }
    const { status } = response;
    if (status >= 200 && status < 300 && status !== 204) return response.body;
    if (status === 404 || status === 410 || status === 204)
      throw new AppError('RESOURCE_DOES_NOT_EXIST', `tile ${what} not found at ${shown} (HTTP ${status})`, {
        status,
      });
    if (status !== 429 && status < 500)
      throw new AppError('UPSTREAM_FAILURE', `tile ${what} refused by ${shown} (HTTP ${status})`, { status });
    if (last)
      throw new AppError(
        'UPSTREAM_FAILURE',
        `tile ${what} failed at ${shown}: HTTP ${status} after ${attempt + 1} attempts`,
        { status },
      );
    const retryAfter = parseRetryAfter(response.headers['retry-after']);
    const delay =
      retryAfter === undefined
        ? backoffMs(attempt, settings.retryDelayMs)
        : Math.min(retryAfter, settings.maxRetryAfterMs);
    await wait(delay, signal);
  }
}

function isTransient(error: unknown): boolean {
  return isAppError(error, 'TIMEOUT') || isAppError(error, 'UPSTREAM_FAILURE');
}

/**
 * Backoff before retry number `attempt + 1`: `baseMs × 2^attempt`, scaled by a random factor in [0.5, 1) so many
 * clients do not retry in lockstep.
 * @param attempt - 0 for the first retry
 * @param baseMs - the first delay
 */
export function backoffMs(attempt: number, baseMs: number): number {
  return baseMs * 2 ** attempt * (0.5 + Math.random() / 2);
}

/**
 * Milliseconds to wait from a `Retry-After` header: delta-seconds or an HTTP date.
 * @param value - the header value
 * @param now - the current time in ms, default `Date.now()`
 * @returns the delay (0 for dates in the past), or undefined when absent or unparseable
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

async function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    const reason: unknown = signal?.reason;
    throw reason instanceof Error ? reason : error;
  }
}
