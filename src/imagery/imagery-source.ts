/** @module imagery/imagery-source — the interface every imagery source implements, and the options that open one. */
import type { BBox, Tile } from '../geo/index.ts';
import type { RasterRGB } from './raster.ts';

/** Options for opening an imagery source; each has a default suited to public tile servers. */
export type ImageryOptions = {
  /** Allow tile URLs on private, loopback and link-local addresses (config `allowPrivateNetwork`), default false. */
  allowPrivateNetwork?: boolean;
  /** Directory of the on-disk tile cache (config `tileCacheDir`); no cache when absent. */
  cacheDir?: string;
  /** Per-attempt deadline of one tile request, default 20000 ms. */
  timeoutMs?: number;
  /** Retries after the first attempt on timeouts, connection errors, 5xx and 429, default 3. */
  retries?: number;
  /** Largest tile (or TileJSON) body accepted, default 32 MiB. */
  maxBytes?: number;
  /** Values for `{s}` in URL templates, default `a`, `b`, `c`. */
  subdomains?: string[];
  /** First backoff delay; later ones double, each with jitter, default 500 ms. */
  retryDelayMs?: number;
  /** Cap on a server's `Retry-After`, default 30000 ms. */
  maxRetryAfterMs?: number;
  /** Origins exempt from the private-address check (an operator's internal tile server), default none. */
  trustedOrigins?: string[];
};

/** The kinds of imagery source. */
export type ImageryKind = 'xyz' | 'tms' | 'tilejson' | 'folder' | 'geotiff';

/** A source of imagery tiles, remote (XYZ/TMS/TileJSON) or local (a folder of chips, a GeoTIFF). */
export interface ImagerySource {
  /** What kind of source this is. */
  readonly kind: ImageryKind;
  /** A human-readable name: the URL template with secrets redacted, or the path. */
  readonly label: string;
  /** Smallest zoom served. */
  readonly minzoom: number;
  /** Largest zoom served. */
  readonly maxzoom: number;
  /** Extent in EPSG:4326 `[w, s, e, n]`, when known. */
  readonly bounds: BBox | undefined;
  /** The tiles a folder or GeoTIFF holds; undefined for remote sources (they serve any tile in range). */
  listTiles(): Tile[] | undefined;
  /**
   * Reads one tile as RGB: remote tiles at the size the server sends, folder chips at their native size, GeoTIFF tiles
   * resampled to 256 px.
   * @throws AppError RESOURCE_DOES_NOT_EXIST when the source has no such tile; others as the source reports
   */
  readTile(tile: Tile, signal?: AbortSignal): Promise<RasterRGB>;
}
