/** @module imagery/remote-source — an ImagerySource over XYZ/TMS URL templates (from a template or a TileJSON). */
import { MAX_ZOOM, tileBounds, tileKey } from '../geo/index.ts';
import type { BBox, Tile } from '../geo/index.ts';
import { AppError, invalid } from '../shared/index.ts';
import type { ImageryKind, ImageryOptions, ImagerySource } from './imagery-source.ts';
import type { RasterRGB } from './raster.ts';
import { createTileCache } from './tile-cache.ts';
import {
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_RETRY_DELAY_MS,
  DEFAULT_TILE_MAX_BYTES,
  DEFAULT_TILE_RETRIES,
  DEFAULT_TILE_TIMEOUT_MS,
  fetchTileImage,
} from './tile-fetcher.ts';
import type { TileFetchSettings } from './tile-fetcher.ts';
import { expandTileUrl } from './tile-url-template.ts';
import type { TileUrlTemplate } from './tile-url-template.ts';

/** What a remote source is built from. */
export type RemoteSourceInit = {
  kind: Extract<ImageryKind, 'xyz' | 'tms' | 'tilejson'>;
  label: string;
  /** One or more equivalent templates (TileJSON may list several); tiles are spread over them by (x + y). */
  templates: TileUrlTemplate[];
  minzoom?: number;
  maxzoom?: number;
  bounds?: BBox;
};

/**
 * Resolves the fetch settings of a remote source from user options, filling every default.
 * @param options - the imagery options
 * @throws AppError INVALID_PARAMETER_VALUE for a negative timeout, retry count or size
 */
export function resolveFetchSettings(options: ImageryOptions): TileFetchSettings {
  const settings: TileFetchSettings = {
    allowPrivateNetwork: options.allowPrivateNetwork ?? false,
    trustedOrigins: options.trustedOrigins ?? [],
    timeoutMs: options.timeoutMs ?? DEFAULT_TILE_TIMEOUT_MS,
    retries: options.retries ?? DEFAULT_TILE_RETRIES,
    retryDelayMs: options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
    maxBytes: options.maxBytes ?? DEFAULT_TILE_MAX_BYTES,
    cache: options.cacheDir === undefined ? undefined : createTileCache(options.cacheDir),
  };
  if (!(settings.timeoutMs > 0)) invalid(`timeoutMs ${settings.timeoutMs} must be positive`);
  if (!Number.isInteger(settings.retries) || settings.retries < 0)
    invalid(`retries ${settings.retries} must be a non-negative integer`);
  if (!(settings.maxBytes > 0)) invalid(`maxBytes ${settings.maxBytes} must be positive`);
  if (!(settings.retryDelayMs >= 0)) invalid(`retryDelayMs ${settings.retryDelayMs} must not be negative`);
  return settings;
}

/** Tiles from HTTP(S) URL templates; serves any tile in its zoom range and bounds. */
export class RemoteTileSource implements ImagerySource {
  readonly kind: RemoteSourceInit['kind'];
  readonly label: string;
  readonly minzoom: number;
  readonly maxzoom: number;
  readonly bounds: BBox | undefined;
  readonly #templates: TileUrlTemplate[];
  readonly #settings: TileFetchSettings;

  /**
   * @param init - templates and metadata; zooms default to 0..30 (TileJSON's defaults)
   * @param settings - resolved fetch settings ({@link resolveFetchSettings})
   * @throws AppError INVALID_PARAMETER_VALUE when no template is given or the zoom range is inverted
   */
  constructor(init: RemoteSourceInit, settings: TileFetchSettings) {
    if (init.templates.length === 0) invalid(`imagery source ${init.label} has no tile URL template`);
    this.kind = init.kind;
    this.label = init.label;
    this.minzoom = init.minzoom ?? 0;
    this.maxzoom = init.maxzoom ?? MAX_ZOOM;
    if (this.minzoom > this.maxzoom)
      invalid(`imagery source ${init.label} has minzoom ${this.minzoom} above maxzoom ${this.maxzoom}`);
    this.bounds = init.bounds;
    this.#templates = init.templates;
    this.#settings = settings;
  }

  /** Remote sources serve any tile in range: there is no list. */
  listTiles(): undefined {
    return undefined;
  }

  /** The URL a tile is fetched from (secrets included; redact before showing it). */
  urlOf(tile: Tile): string {
    const template = this.#templates[(tile.x + tile.y) % this.#templates.length] ?? this.#templates[0];
    if (!template) invalid(`imagery source ${this.label} has no tile URL template`);
    return expandTileUrl(template, tile);
  }

  /**
   * Fetches one tile (cache first, retries on transient failures).
   * @throws AppError INVALID_PARAMETER_VALUE for a malformed tile, RESOURCE_DOES_NOT_EXIST outside the zoom range or
   *   bounds or on HTTP 404, UPSTREAM_FAILURE/TIMEOUT/PERMISSION_DENIED from the fetch
   */
  async readTile(tile: Tile, signal?: AbortSignal): Promise<RasterRGB> {
    checkTile(tile);
    if (tile.z < this.minzoom || tile.z > this.maxzoom)
      throw new AppError(
        'RESOURCE_DOES_NOT_EXIST',
        `tile ${tileKey(tile)} is outside zooms ${this.minzoom}..${this.maxzoom} of ${this.label}`,
      );
    if (this.bounds && !tileTouchesBounds(tile, this.bounds))
      throw new AppError(
        'RESOURCE_DOES_NOT_EXIST',
        `tile ${tileKey(tile)} is outside the bounds [${this.bounds.join(', ')}] of ${this.label}`,
      );
    return fetchTileImage(this.urlOf(tile), tileKey(tile), this.#settings, signal);
  }
}

/**
 * Checks that a tile has integer coordinates inside the grid of its zoom.
 * @throws AppError INVALID_PARAMETER_VALUE naming the tile otherwise
 */
export function checkTile(tile: Tile): void {
  const { x, y, z } = tile;
  const ok = Number.isInteger(z) && z >= 0 && z <= MAX_ZOOM && Number.isInteger(x) && Number.isInteger(y);
  if (!ok || x < 0 || y < 0 || x >= 2 ** z || y >= 2 ** z)
    invalid(`tile ${x}/${y}/${z} (x/y/z) is not a valid tile`);
}

/** True when the tile's area meets the bounds; bounds with west > east cross the antimeridian. */
function tileTouchesBounds(tile: Tile, bounds: BBox): boolean {
  const [w, s, e, n] = tileBounds(tile);
  const [bw, bs, be, bn] = bounds;
  if (s >= bn || n <= bs) return false;
  if (bw <= be) return w < be && e > bw;
  return e > bw || w < be;
}
