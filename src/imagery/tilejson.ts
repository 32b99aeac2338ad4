/** @module imagery/tilejson — reads a TileJSON document (tiles, bounds, minzoom, maxzoom, scheme) from a URL. */
import { z } from 'zod';
import { MAX_ZOOM } from '../geo/index.ts';
import type { BBox } from '../geo/index.ts';
import { AppError, invalid, safeFetch } from '../shared/index.ts';
import { describeBytes, sniffImageFormat } from './raster.ts';
import type { RemoteSourceInit } from './remote-source.ts';
import type { TileFetchSettings } from './tile-fetcher.ts';
import { decodeBraces, parseTileTemplate, redactUrl } from './tile-url-template.ts';

const zoom = z.number().int().min(0).max(MAX_ZOOM);

/** The TileJSON fields fAIr uses (https://github.com/mapbox/tilejson-spec, 2.x and 3.0). */
const tileJsonSchema = z.object({
  tiles: z.array(z.string().min(1)).min(1),
  name: z.string().optional(),
  minzoom: zoom.optional(),
  maxzoom: zoom.optional(),
  bounds: z
    .tuple([
      z.number().min(-180).max(180),
      z.number().min(-90).max(90),
      z.number().min(-180).max(180),
      z.number().min(-90).max(90),
    ])
    .refine(([, s, , n]) => s < n, 'south must be below north')
    .optional(),
  scheme: z.enum(['xyz', 'tms']).optional(),
});

/** A parsed TileJSON document. */
export type TileJson = z.infer<typeof tileJsonSchema>;

/**
 * Validates a parsed JSON value as TileJSON.
 * @param value - the parsed document
 * @param url - where it came from (for messages)
 * @returns the document, or undefined when it has no `tiles` array at all (it is some other JSON)
 * @throws AppError INVALID_PARAMETER_VALUE naming the URL and the first bad field
 */
export function parseTileJson(value: unknown, url: string): TileJson | undefined {
  if (typeof value !== 'object' || value === null || !('tiles' in value)) return undefined;
  const parsed = tileJsonSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    invalid(
      `TileJSON ${redactUrl(url)} has a bad field ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

/**
 * Turns a TileJSON document into remote source metadata; relative tile URLs are resolved against the document URL.
 * @param doc - the parsed TileJSON
 * @param url - its URL
 * @param subdomains - values for `{s}` (TileJSON itself lists alternatives as several `tiles`)
 * @throws AppError INVALID_PARAMETER_VALUE when a tile template is unusable or minzoom > maxzoom
 */
export function tileJsonToSource(doc: TileJson, url: string, subdomains?: string[]): RemoteSourceInit {
  const templates = doc.tiles.map((t) =>
    parseTileTemplate(decodeBraces(new URL(t, url).href), {
      scheme: doc.scheme ?? 'xyz',
      ...(subdomains ? { subdomains } : {}),
    }),
  );
  const init: RemoteSourceInit = { kind: 'tilejson', label: redactUrl(url), templates };
  if (doc.minzoom !== undefined) init.minzoom = doc.minzoom;
  if (doc.maxzoom !== undefined) init.maxzoom = doc.maxzoom;
  if (doc.bounds) init.bounds = [...doc.bounds] as BBox;
  return init;
}

/**
 * Fetches `url` and reads it as TileJSON.
 * @param url - an http(s) URL without tile placeholders
 * @param settings - fetch settings (private-network policy, timeout, size cap)
 * @param subdomains - values for `{s}`
 * @throws AppError INVALID_PARAMETER_VALUE when the URL serves an image, non-JSON or JSON without `tiles`;
 *   RESOURCE_DOES_NOT_EXIST on 404; UPSTREAM_FAILURE on other HTTP errors; errors of safeFetch
 */
export async function loadTileJson(
  url: string,
  settings: TileFetchSettings,
  subdomains?: string[],
): Promise<RemoteSourceInit> {
  const shown = redactUrl(url);
  const response = await safeFetch(url, {
    allowPrivateNetwork: settings.allowPrivateNetwork,
    trustedOrigins: settings.trustedOrigins,
    timeoutMs: settings.timeoutMs,
    maxBytes: Math.min(settings.maxBytes, 8 * 1024 * 1024),
    headers: { accept: 'application/json' },
  });
  if (response.status === 404)
    throw new AppError('RESOURCE_DOES_NOT_EXIST', `imagery URL ${shown} not found (HTTP 404)`);
  if (response.status < 200 || response.status >= 300)
    throw new AppError('UPSTREAM_FAILURE', `imagery URL ${shown} answered HTTP ${response.status}`);
  if (sniffImageFormat(response.body))
    invalid(
      `imagery URL ${shown} is a single image, not a tile source: use a template with {z}/{x}/{y} or a TileJSON URL`,
    );
  let value: unknown;
  try {
    value = JSON.parse(response.body.toString('utf8'));
  } catch {
    invalid(
      `imagery URL ${shown} is neither a tile URL template (no {z}/{x}/{y}) nor a TileJSON document (${describeBytes(response.body)})`,
    );
  }
  const doc = parseTileJson(value, url);
  if (!doc) invalid(`imagery URL ${shown} serves JSON without a "tiles" array, so it is not TileJSON`);
  return tileJsonToSource(doc, response.url, subdomains);
}
