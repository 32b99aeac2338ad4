/**
 * @module imagery/aux-xml — reads the georeferencing of a GDAL PAM sidecar (`<file>.aux.xml`: SRS + GeoTransform) and
 * checks it against the tile a chip's file name implies.
 */
import { tileBounds, tileBounds3857, tileKey, tileToLonLat } from '../geo/index.ts';
import type { Tile } from '../geo/index.ts';
import { invalid } from '../shared/index.ts';

/** The coordinate systems chips are georeferenced in. */
export type ChipCrs = 'EPSG:4326' | 'EPSG:3857';

/** Georeferencing of one raster: GDAL's affine GeoTransform and its CRS. */
export type Georeference = {
  crs: ChipCrs;
  /** `[originX, pixelWidth, rowRotation, originY, columnRotation, pixelHeight]`; origin is the NW corner. */
  geoTransform: [number, number, number, number, number, number];
};

/** How far the sidecar's NW corner may sit from the tile's, in pixels of the sidecar (GDAL rounds to ~1e-9°). */
export const CORNER_TOLERANCE_PX = 0.5;
/** How far the far (SE) corner may sit from the tile's once the image size is known, in pixels. */
export const EXTENT_TOLERANCE_PX = 1;

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * The CRS an SRS string (WKT1, WKT2 or `EPSG:n`) names, judged by its outermost EPSG authority.
 * @param srs - the SRS text
 * @returns `EPSG:4326`, `EPSG:3857`, or undefined for anything else
 */
export function crsOfSrs(srs: string): ChipCrs | undefined {
  const codes = [...srs.matchAll(/(?:AUTHORITY|ID)\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]|EPSG:{1,2}(\d+)/gi)].map(
    (m) => m[1] ?? m[2],
  );
  const root = codes.at(-1);
  if (root === '4326') return 'EPSG:4326';
  if (root === '3857' || root === '900913' || root === '3785') return 'EPSG:3857';
  if (codes.length === 0 && /^\s*GEOGCS\["WGS 84"/i.test(srs)) return 'EPSG:4326';
  if (/Pseudo[- ]Mercator|Popular Visualisation/i.test(srs) && root === undefined) return 'EPSG:3857';
  return undefined;
}

/**
 * Parses a GDAL `.aux.xml` sidecar.
 * @param xml - the file content
 * @param name - the sidecar path, for messages
 * @returns the georeference, or undefined when the sidecar has no GeoTransform (only statistics, say)
 * @throws AppError INVALID_PARAMETER_VALUE naming the file when the GeoTransform is malformed or rotated, or the SRS
 *   is neither EPSG:4326 nor EPSG:3857
 */
export function parseAuxXml(xml: string, name: string): Georeference | undefined {
  const transformText = /<GeoTransform>([^<]*)<\/GeoTransform>/.exec(xml)?.[1];
  if (transformText === undefined) return undefined;
  const numbers = transformText.split(',').map((v) => Number(v.trim()));
  if (numbers.length !== 6 || numbers.some((v) => !Number.isFinite(v)))
    invalid(`${name} has a malformed GeoTransform ${JSON.stringify(transformText.trim())}`);
  const geoTransform = numbers as Georeference['geoTransform'];
  if (geoTransform[2] !== 0 || geoTransform[4] !== 0)
    invalid(`${name} has a rotated GeoTransform, which chips cannot have`);
  if (geoTransform[1] <= 0 || geoTransform[5] >= 0)
    invalid(
      `${name} has a GeoTransform whose pixels are not east/south oriented (${geoTransform[1]}, ${geoTransform[5]})`,
    );
  const srs = decodeEntities(/<SRS[^>]*>([^<]*)<\/SRS>/.exec(xml)?.[1] ?? '');
  const crs = srs.trim() === '' ? 'EPSG:4326' : crsOfSrs(srs);
  if (!crs) invalid(`${name} is georeferenced in ${srs.slice(0, 60)}…, expected EPSG:4326 or EPSG:3857`);
  return { crs, geoTransform };
}

/** The NW corner and SE corner of a tile in a CRS. */
function tileCorners(tile: Tile, crs: ChipCrs): { west: number; north: number; east: number; south: number } {
  if (crs === 'EPSG:3857') {
    const [west, south, east, north] = tileBounds3857(tile);
    return { west, north, east, south };
  }
  const [west, north] = tileToLonLat(tile.x, tile.y, tile.z);
  const [, south, east] = tileBounds(tile);
  return { west, north, east, south };
}

/**
 * Checks that a sidecar's NW corner is the NW corner of the tile the chip's name implies (within half a pixel).
 * @param geo - the parsed sidecar
 * @param tile - the tile from the file name
 * @param name - the chip path, for messages
 * @throws AppError INVALID_PARAMETER_VALUE naming the file, the tile and both corners when they disagree
 */
export function checkChipCorner(geo: Georeference, tile: Tile, name: string): void {
  const [originX, pixelWidth, , originY, , pixelHeight] = geo.geoTransform;
  const { west, north } = tileCorners(tile, geo.crs);
  const dx = Math.abs(originX - west) / pixelWidth;
  const dy = Math.abs(originY - north) / Math.abs(pixelHeight);
  if (dx > CORNER_TOLERANCE_PX || dy > CORNER_TOLERANCE_PX)
    invalid(
      `${name}: its .aux.xml puts the NW corner at (${originX}, ${originY}) but tile ${tileKey(tile)} starts at (${west}, ${north}) (${geo.crs}), off by ${dx.toFixed(1)} x ${dy.toFixed(1)} px`,
    );
}

/**
 * Checks that a sidecar's pixel size, times the decoded image size, covers the tile (SE corner within one pixel).
 * @param geo - the parsed sidecar
 * @param tile - the tile from the file name
 * @param size - the decoded image size
 * @param name - the chip path, for messages
 * @throws AppError INVALID_PARAMETER_VALUE naming the file when the extents disagree
 */
export function checkChipExtent(
  geo: Georeference,
  tile: Tile,
  size: { width: number; height: number },
  name: string,
): void {
  const [originX, pixelWidth, , originY, , pixelHeight] = geo.geoTransform;
  const { east, south } = tileCorners(tile, geo.crs);
  const farX = originX + size.width * pixelWidth;
  const farY = originY + size.height * pixelHeight;
  const dx = Math.abs(farX - east) / pixelWidth;
  const dy = Math.abs(farY - south) / Math.abs(pixelHeight);
  if (dx > EXTENT_TOLERANCE_PX || dy > EXTENT_TOLERANCE_PX)
    invalid(
      `${name}: its .aux.xml and ${size.width}x${size.height} pixels end at (${farX}, ${farY}) but tile ${tileKey(tile)} ends at (${east}, ${south}) (${geo.crs})`,
    );
}
