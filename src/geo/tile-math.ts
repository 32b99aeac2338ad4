/** @module geo/tile-math — web-mercator XYZ tiles: lon/lat ↔ tile, TMS y, quadkeys and tile bounds. */
import { invalid } from '../shared/index.ts';

/** An XYZ tile: y counted from the north (OSM/Google scheme). */
export type Tile = { x: number; y: number; z: number };

/** A bounding box `[west, south, east, north]`, in degrees unless stated otherwise. */
export type BBox = [number, number, number, number];

/** Largest zoom we accept: beyond 30 tile indices no longer fit in 32-bit integers. */
export const MAX_ZOOM = 30;
/** Latitude limit of web mercator, degrees. */
export const MAX_LATITUDE = 85.0511287798066;
/** Earth radius of EPSG:3857, metres. */
export const EARTH_RADIUS = 6378137;
const HALF_CIRCUMFERENCE = Math.PI * EARTH_RADIUS;

/**
 * Checks a zoom level.
 * @throws AppError INVALID_PARAMETER_VALUE when `z` is not an integer in 0..30
 */
export function assertZoom(z: number): void {
  if (!Number.isInteger(z) || z < 0 || z > MAX_ZOOM)
    invalid(`zoom ${z} is out of range (integer 0..${MAX_ZOOM})`);
}

/** Fractional tile coordinates of a lon/lat at zoom z (latitude clamped to the mercator limit). */
export function lonLatToTileFraction(lon: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const clamped = Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat));
  const sin = Math.sin((clamped * Math.PI) / 180);
  return {
    x: ((lon + 180) / 360) * n,
    y: (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * n,
  };
}

/** The tile containing a lon/lat at zoom z (points on the east/south edge of the world fall in the last tile). */
export function lonLatToTile(lon: number, lat: number, z: number): Tile {
  assertZoom(z);
  const f = lonLatToTileFraction(lon, lat, z);
  const max = 2 ** z - 1;
  return { x: clampInt(Math.floor(f.x), max), y: clampInt(Math.floor(f.y), max), z };
}

/** Lon/lat of fractional tile coordinates (the NW corner for integer x, y). */
export function tileToLonLat(x: number, y: number, z: number): [number, number] {
  return [tileXToLon(x, z), tileYToLat(y, z)];
}

/**
 * Longitude of a fractional tile column: the `lon` of {@link tileToLonLat}, bit for bit, for callers that convert
 * many points sharing a column (pixel staircases) and compute it once per column.
 * @param x - fractional tile column
 * @param z - zoom
 * @returns degrees
 */
export function tileXToLon(x: number, z: number): number {
  return (x / 2 ** z) * 360 - 180;
}

/**
 * Latitude of a fractional tile row: the `lat` of {@link tileToLonLat}, bit for bit (see {@link tileXToLon}).
 * @param y - fractional tile row, counted from the north
 * @param z - zoom
 * @returns degrees
 */
export function tileYToLat(y: number, z: number): number {
  return (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / 2 ** z))) * 180) / Math.PI;
}

/** Bounds of a tile in EPSG:4326, `[w, s, e, n]`. */
export function tileBounds(tile: Tile): BBox {
  const [w, n] = tileToLonLat(tile.x, tile.y, tile.z);
  const [e, s] = tileToLonLat(tile.x + 1, tile.y + 1, tile.z);
  return [w, s, e, n];
}

/** Bounds of a tile in EPSG:3857 metres, `[minX, minY, maxX, maxY]`. */
export function tileBounds3857(tile: Tile): BBox {
  const size = (2 * HALF_CIRCUMFERENCE) / 2 ** tile.z;
  const minX = -HALF_CIRCUMFERENCE + tile.x * size;
  const maxY = HALF_CIRCUMFERENCE - tile.y * size;
  return [minX, maxY - size, minX + size, maxY];
}

/** TMS row of an XYZ row (TMS counts y from the south); the conversion is its own inverse. */
export function xyzToTmsY(y: number, z: number): number {
  return 2 ** z - 1 - y;
}

/** Bing-style quadkey of a tile (empty string at zoom 0). */
export function tileToQuadkey(tile: Tile): string {
  let key = '';
  for (let i = tile.z; i > 0; i--) {
    const mask = 1 << (i - 1);
    key += String((tile.x & mask ? 1 : 0) + (tile.y & mask ? 2 : 0));
  }
  return key;
}

/**
 * Tile of a quadkey.
 * @throws AppError INVALID_PARAMETER_VALUE when the key has characters other than 0-3
 */
export function quadkeyToTile(quadkey: string): Tile {
  let x = 0;
  let y = 0;
  const z = quadkey.length;
  assertZoom(z);
  for (let i = 0; i < z; i++) {
    const digit = quadkey.charCodeAt(i) - 48;
    if (digit < 0 || digit > 3) invalid(`quadkey ${JSON.stringify(quadkey)} has a character other than 0-3`);
    const mask = 1 << (z - i - 1);
    if (digit & 1) x |= mask;
    if (digit & 2) y |= mask;
  }
  return { x, y, z };
}

/** `z/x/y`: a stable string key of a tile. */
export function tileKey(tile: Tile): string {
  return `${tile.z}/${tile.x}/${tile.y}`;
}

/** All tiles whose area intersects a bbox at zoom z, row by row from the north-west. */
export function tilesInBBox(bbox: BBox, z: number): Tile[] {
  assertZoom(z);
  const [w, s, e, n] = bbox;
  const nw = lonLatToTile(w, n, z);
  const se = lonLatToTile(e, s, z);
  const tiles: Tile[] = [];
  for (let y = nw.y; y <= se.y; y++) for (let x = nw.x; x <= se.x; x++) tiles.push({ x, y, z });
  return tiles;
}

/** Ground resolution in metres per pixel at a latitude, zoom and tile size (default 256 px). */
export function metresPerPixel(lat: number, z: number, tileSize = 256): number {
  return (Math.cos((lat * Math.PI) / 180) * 2 * HALF_CIRCUMFERENCE) / (tileSize * 2 ** z);
}

function clampInt(v: number, max: number): number {
  return Math.max(0, Math.min(max, v));
}
