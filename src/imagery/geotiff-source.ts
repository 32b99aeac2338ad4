/**
 * @module imagery/geotiff-source — an ImagerySource over a north-up GeoTIFF in EPSG:4326 or EPSG:3857: lists the
 * tiles at the zoom that best matches its resolution and resamples (bilinear) onto 256-px web-mercator tiles, reading
 * from the overview that fits each zoom.
 */
import { readFile } from 'node:fs/promises';
import { fromFile } from 'geotiff';
import type { GeoTIFF, GeoTIFFImage } from 'geotiff';
import {
  EARTH_RADIUS,
  MAX_ZOOM,
  mercatorToLonLat,
  tileBounds3857,
  tileKey,
  tilesInBBox,
  tileToLonLat,
} from '../geo/index.ts';
import type { BBox, Tile } from '../geo/index.ts';
import { AppError, invalid } from '../shared/index.ts';
import { parseAuxXml } from './aux-xml.ts';
import type { ChipCrs, Georeference } from './aux-xml.ts';
import type { ImagerySource } from './imagery-source.ts';
import type { RasterRGB } from './raster.ts';
import { checkTile } from './remote-source.ts';
import { resampleBilinear, windowFor } from './resample.ts';
import { readWindowRgb } from './geotiff-pixels.ts';

/** Size of the tiles a GeoTIFF source produces, px. */
export const GEOTIFF_TILE_SIZE = 256;
/** Zooms above the native one that a GeoTIFF source still serves (upsampled). */
export const GEOTIFF_EXTRA_ZOOMS = 2;
/** Largest source window read for one tile, px per side: caps memory for tiles far coarser than the raster. */
export const MAX_WINDOW_PX = 4096;
const WORLD_3857 = 2 * Math.PI * EARTH_RADIUS;

/** One resolution level of the file: the full image or an overview. */
type Level = { image: GeoTIFFImage; width: number; height: number; resX: number; resY: number };

/** The georeferenced raster: CRS, NW origin and levels from finest to coarsest. */
type Grid = { crs: ChipCrs; originX: number; originY: number; levels: Level[] };

/** EPSG codes of web mercator under its historical names. */
const MERCATOR_CODES = new Set([3857, 900913, 3785, 102100, 102113]);

function crsFromGeoKeys(image: GeoTIFFImage, path: string): ChipCrs | undefined {
  const keys = image.getGeoKeys();
  if (!keys) return undefined;
  const projected: unknown = keys.ProjectedCSTypeGeoKey;
  const geographic: unknown = keys.GeographicTypeGeoKey;
  if (typeof projected === 'number' && MERCATOR_CODES.has(projected)) return 'EPSG:3857';
  if (typeof projected === 'number')
    invalid(
      `${path} is in EPSG:${projected}; reproject it to EPSG:4326 or EPSG:3857 (gdalwarp -t_srs EPSG:3857)`,
    );
  if (keys.GTModelTypeGeoKey === 1)
    invalid(`${path} uses a user-defined projection; reproject it to EPSG:4326 or EPSG:3857`);
  if (geographic === 4326 || geographic === undefined)
    return keys.GTModelTypeGeoKey === 2 || geographic === 4326 ? 'EPSG:4326' : undefined;
  invalid(`${path} is in geographic EPSG:${String(geographic)}; only EPSG:4326 and EPSG:3857 are supported`);
}

function transformFromTags(image: GeoTIFFImage, path: string): Georeference['geoTransform'] | undefined {
  const dir = image.getFileDirectory();
  const matrix = dir.getValue('ModelTransformation') as number[] | undefined;
  const pixelIsPoint = image.getGeoKeys()?.GTRasterTypeGeoKey === 2;
  let t: Georeference['geoTransform'];
  if (matrix) {
    if (matrix[1] !== 0 || matrix[4] !== 0)
      invalid(`${path} is rotated; only north-up GeoTIFFs are supported`);
    t = [matrix[3] ?? 0, matrix[0] ?? 0, 0, matrix[7] ?? 0, 0, matrix[5] ?? 0];
  } else {
    const tie = dir.getValue('ModelTiepoint') as number[] | undefined;
    const scale = dir.getValue('ModelPixelScale') as number[] | undefined;
    if (!tie || !scale || tie.length < 6 || scale.length < 2) return undefined;
    const [i = 0, j = 0, , x = 0, y = 0] = tie;
    const [sx = 0, sy = 0] = scale;
    t = [x - i * sx, sx, 0, y + j * sy, 0, -sy];
  }
  // PixelIsPoint rasters tie pixel centres; shift to the corner convention used everywhere else.
  return pixelIsPoint ? [t[0] - t[1] / 2, t[1], 0, t[3] - t[5] / 2, 0, t[5]] : t;
}

async function sidecarOf(path: string): Promise<Georeference | undefined> {
  const sidecar = `${path}.aux.xml`;
  let xml: string;
  try {
    xml = await readFile(sidecar, 'utf8');
  } catch {
    return undefined;
  }
  return parseAuxXml(xml, sidecar);
}

async function readGrid(tiff: GeoTIFF, path: string): Promise<Grid> {
  const main = await tiff.getImage(0);
  const sidecar = await sidecarOf(path);
  const crs = sidecar?.crs ?? crsFromGeoKeys(main, path);
  const transform = sidecar?.geoTransform ?? transformFromTags(main, path);
  if (!crs || !transform)
    invalid(`${path} is a TIFF without georeferencing (no GeoTIFF tags or .aux.xml sidecar)`);
  const [originX, resX, , originY, , resY] = transform;
  if (!(resX > 0) || !(resY < 0)) invalid(`${path} is not north-up (pixel size ${resX}, ${resY})`);
  const levels: Level[] = [{ image: main, width: main.getWidth(), height: main.getHeight(), resX, resY }];
  const count = await tiff.getImageCount();
  for (let i = 1; i < count; i++) {
    const image = await tiff.getImage(i);
    const subfileType = Number(image.getFileDirectory().getValue('NewSubfileType') ?? 0);
    if (subfileType & 4) continue; // a transparency mask, not an overview
    const width = image.getWidth();
    const height = image.getHeight();
    if (width >= main.getWidth()) continue;
    levels.push({
      image,
      width,
      height,
      resX: (resX * main.getWidth()) / width,
      resY: (resY * main.getHeight()) / height,
    });
  }
  levels.sort((a, b) => a.resX - b.resX);
  return { crs, originX, originY, levels };
}

/** World width in CRS units (360° or 2πR m), for turning resolution into zoom. */
function worldWidth(crs: ChipCrs): number {
  return crs === 'EPSG:3857' ? WORLD_3857 : 360;
}

/**
 * The zoom whose 256-px tiles best match a pixel size (nearest in log scale).
 * @param resX - pixel width in CRS units
 * @param crs - the CRS
 */
export function zoomForResolution(resX: number, crs: ChipCrs): number {
  const z = Math.round(Math.log2(worldWidth(crs) / (GEOTIFF_TILE_SIZE * resX)));
  return Math.max(0, Math.min(MAX_ZOOM, z));
}

/** A north-up GeoTIFF served as 256-px web-mercator tiles. Call {@link GeoTiffSource.close} when done. */
export class GeoTiffSource implements ImagerySource {
  readonly kind = 'geotiff';
  readonly label: string;
  readonly minzoom: number;
  readonly maxzoom: number;
  readonly bounds: BBox;
  /** The zoom whose resolution best matches the GeoTIFF's; {@link listTiles} lists tiles at it. */
  readonly nativeZoom: number;
  readonly #tiff: GeoTIFF;
  readonly #grid: Grid;

  /**
   * @param path - the file (label)
   * @param tiff - the opened file
   * @param grid - its georeferencing
   */
  private constructor(path: string, tiff: GeoTIFF, grid: Grid) {
    this.label = path;
    this.#tiff = tiff;
    this.#grid = grid;
    const finest = grid.levels[0];
    const coarsest = grid.levels.at(-1);
    if (!finest || !coarsest) invalid(`${path} has no image`);
    this.nativeZoom = zoomForResolution(finest.resX, grid.crs);
    const coarsestUsable = Math.ceil(Math.log2(worldWidth(grid.crs) / (MAX_WINDOW_PX * coarsest.resX)));
    this.minzoom = Math.max(0, Math.min(this.nativeZoom, coarsestUsable));
    this.maxzoom = Math.min(MAX_ZOOM, this.nativeZoom + GEOTIFF_EXTRA_ZOOMS);
    this.bounds = boundsOf(grid);
  }

  /**
   * Opens a GeoTIFF file (georeferenced by GeoTIFF tags or a GDAL `.aux.xml` sidecar).
   * @param path - the file
   * @throws AppError INVALID_PARAMETER_VALUE naming the file when it is not a TIFF, has no georeferencing, is rotated
   *   or is in a CRS other than EPSG:4326/EPSG:3857
   */
  static async open(path: string): Promise<GeoTiffSource> {
    let tiff: GeoTIFF;
    try {
      tiff = await fromFile(path);
    } catch (error) {
      invalid(
        `${path} cannot be read as a GeoTIFF: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    try {
      return new GeoTiffSource(path, tiff, await readGrid(tiff, path));
    } catch (error) {
      await tiff.close();
      if (error instanceof AppError) throw error;
      invalid(
        `${path} cannot be read as a GeoTIFF: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** Tiles at {@link nativeZoom} whose area overlaps the raster. */
  listTiles(): Tile[] {
    const [w, s, e, n] = this.bounds;
    // Shrink by a sliver so a raster that ends exactly on a tile edge does not list the next row or column.
    const eps = 1e-9;
    return tilesInBBox([w + eps, s + eps, e - eps, n - eps], this.nativeZoom);
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.#tiff.close();
  }

  /**
   * Resamples the raster onto one 256-px tile (bilinear); parts outside the raster are black.
   * @throws AppError RESOURCE_DOES_NOT_EXIST when the tile is outside the zoom range or misses the raster;
   *   INVALID_PARAMETER_VALUE when its pixels cannot be decoded
   */
  async readTile(tile: Tile, signal?: AbortSignal): Promise<RasterRGB> {
    checkTile(tile);
    if (tile.z < this.minzoom || tile.z > this.maxzoom)
      throw new AppError(
        'RESOURCE_DOES_NOT_EXIST',
        `tile ${tileKey(tile)} is outside zooms ${this.minzoom}..${this.maxzoom} of ${this.label}`,
      );
    const level = this.#levelFor(tile);
    const { xs, ys } = this.#sourceCoordinates(tile, level);
    const window = windowFor(xs, ys, level);
    if (!window)
      throw new AppError('RESOURCE_DOES_NOT_EXIST', `tile ${tileKey(tile)} does not overlap ${this.label}`);
    const pixels = await readWindowRgb(level.image, window, this.label, signal);
    const size = { width: GEOTIFF_TILE_SIZE, height: GEOTIFF_TILE_SIZE };
    const source = {
      left: window[0],
      top: window[1],
      width: window[2] - window[0],
      height: window[3] - window[1],
      data: pixels,
    };
    return resampleBilinear(
      source,
      level,
      size,
      (i) => xs[i] ?? -1,
      (j) => ys[j] ?? -1,
    );
  }

  /** The coarsest level still at least as fine as the tile's pixels (so no detail is lost). */
  #levelFor(tile: Tile): Level {
    const tilePixel = worldWidth(this.#grid.crs) / 2 ** tile.z / GEOTIFF_TILE_SIZE;
    const levels = this.#grid.levels;
    let chosen = levels[0] as Level;
    for (const level of levels) if (level.resX <= tilePixel * 1.01) chosen = level;
    return chosen;
  }

  /** Source pixel coordinates of each output column and row centre. */
  #sourceCoordinates(tile: Tile, level: Level): { xs: number[]; ys: number[] } {
    const { crs, originX, originY } = this.#grid;
    const n = GEOTIFF_TILE_SIZE;
    const xs: number[] = [];
    const ys: number[] = [];
    if (crs === 'EPSG:3857') {
      const [minX, , maxX, maxY] = tileBounds3857(tile);
      const step = (maxX - minX) / n;
      for (let k = 0; k < n; k++) {
        xs.push((minX + (k + 0.5) * step - originX) / level.resX);
        ys.push((maxY - (k + 0.5) * step - originY) / level.resY);
      }
    } else {
      for (let k = 0; k < n; k++) {
        const [lon] = tileToLonLat(tile.x + (k + 0.5) / n, tile.y, tile.z);
        const [, lat] = tileToLonLat(tile.x, tile.y + (k + 0.5) / n, tile.z);
        xs.push((lon - originX) / level.resX);
        ys.push((lat - originY) / level.resY);
      }
    }
    return { xs, ys };
  }
}

function boundsOf(grid: Grid): BBox {
  const main = grid.levels[0] as Level;
  const east = grid.originX + main.width * main.resX;
  const south = grid.originY + main.height * main.resY;
  if (grid.crs === 'EPSG:4326') return [grid.originX, south, east, grid.originY];
  const [w, n] = mercatorToLonLat(grid.originX, grid.originY);
  const [e, s] = mercatorToLonLat(east, south);
  return [w, s, e, n];
}
