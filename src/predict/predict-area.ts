/**
 * @module predict/predict-area — what a prediction covers: the area (a bbox, a polygon, or every chip of a folder),
 * checked against the area and tile limits and the imagery's zoom range, and the tiles that cover it (issue 4 §1).
 */
import {
  assertZoom,
  bboxOfGeometry,
  geodesicArea,
  metresPerPixel,
  tileBounds,
  tileKey,
  tilesCoveringGeometry,
} from '../geo/index.ts';
import type { BBox, Polygonal, Tile } from '../geo/index.ts';
import type { ImagerySource } from '../imagery/index.ts';
import { assertAoiArea, bboxToPolygon } from '../labels/index.ts';
import { AppError, invalid } from '../shared/index.ts';
import { createAreaFilter } from './area-filter.ts';

/** The resolved area of a prediction. */
export type PredictArea = {
  /** Zoom of the tiles. */
  zoom: number;
  /** Tiles to read, row by row. */
  tiles: Tile[];
  /** The area buildings must meet; undefined when the area is "every listed tile". */
  aoi: Polygonal | undefined;
  /** Geodesic area, km². */
  areaKm2: number;
};

/** Limits of {@link resolvePredictArea}. */
export type AreaLimits = {
  maxAreaKm2: number;
  maxTiles: number;
  /**
   * Tiles next to the area that come within this many metres of it are read too, so buildings crossing the area's
   * edge come out whole; default 0.
   */
  edgeMarginM?: number;
};

/**
 * Resolves the area of a prediction.
 * @param source - the imagery
 * @param area - a bbox, a polygon, or undefined for every tile the source lists
 * @param zoom - the zoom, or undefined for the listed tiles' zoom (else 19)
 * @param limits - largest area (km²) and most tiles
 * @returns zoom, tiles, AOI and its area
 * @throws AppError INVALID_PARAMETER_VALUE for an inverted or malformed bbox, a zoom outside 0..30 or outside the
 *   imagery's zooms, a remote source without an area, or an area without tiles; LIMIT_EXCEEDED over a limit
 */
export function resolvePredictArea(
  source: ImagerySource,
  area: Polygonal | BBox | undefined,
  zoom: number | undefined,
  limits: AreaLimits,
): PredictArea {
  const listed = source.listTiles();
  const z = zoom ?? singleZoom(listed) ?? 19;
  assertZoom(z);
  if (z < source.minzoom || z > source.maxzoom)
    invalid(`zoom ${z} is outside the zooms ${source.minzoom}..${source.maxzoom} of imagery ${source.label}`);
  const atZoom = listed?.filter((t) => t.z === z);
  if (area === undefined) {
    if (atZoom === undefined)
      invalid(`imagery ${source.label} does not list its tiles: give an area (--bbox or --aoi)`);
    if (atZoom.length === 0) invalid(`imagery ${source.label} has no tiles at zoom ${z}`);
    const areaKm2 = tilesAreaKm2(atZoom);
    if (areaKm2 > limits.maxAreaKm2)
      throw new AppError(
        'LIMIT_EXCEEDED',
        `the ${atZoom.length} tiles of ${source.label} cover ${areaKm2.toFixed(1)} km², over the limit of ${limits.maxAreaKm2} km²`,
      );
    return { zoom: z, tiles: checkCount(sortTiles(atZoom), limits.maxTiles, z), aoi: undefined, areaKm2 };
  }
  const aoi = isBBox(area) ? bboxToPolygon(area) : area;
  const areaKm2 = assertAoiArea(aoi, limits.maxAreaKm2);
  const [, south, , north] = bboxOfGeometry(aoi);
  const tileKm = (metresPerPixel((south + north) / 2, z) * 256) / 1000;
  const estimate = Math.round(areaKm2 / (tileKm * tileKm));
  // Refuse before listing a million tiles; the exact count is checked below.
  if (estimate > 2 * limits.maxTiles) checkCount(new Array<Tile>(estimate), limits.maxTiles, z, true);
  let tiles = withEdgeTiles(tilesCoveringGeometry(aoi, z), aoi, limits.edgeMarginM ?? 0);
  checkCount(tiles, limits.maxTiles, z);
  if (atZoom !== undefined) {
    const have = new Set(atZoom.map(tileKey));
    tiles = tiles.filter((t) => have.has(tileKey(t)));
  }
  if (tiles.length === 0) invalid(`imagery ${source.label} has no tiles at zoom ${z} in the area`);
  return { zoom: z, tiles, aoi, areaKm2 };
}

/** Adds the neighbours of covering tiles that the area comes within `marginM` metres of. */
function withEdgeTiles(cover: Tile[], aoi: Polygonal, marginM: number): Tile[] {
  if (!(marginM > 0)) return cover;
  const meets = createAreaFilter(aoi);
  const have = new Set(cover.map(tileKey));
  const extra: Tile[] = [];
  for (const t of cover)
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const span = 2 ** t.z;
        const n = { x: (((t.x + dx) % span) + span) % span, y: t.y + dy, z: t.z };
        if (n.y < 0 || n.y >= span || have.has(tileKey(n))) continue;
        have.add(tileKey(n));
        const [w, s, e, north] = tileBounds(n);
        const dLat = marginM / 111_320;
        const dLon = dLat / Math.max(0.01, Math.cos((((s + north) / 2) * Math.PI) / 180));
        const grown: [number, number, number, number] = [
          Math.max(-180, w - dLon),
          Math.max(-90, s - dLat),
          Math.min(180, e + dLon),
          Math.min(90, north + dLat),
        ];
        if (meets(bboxToPolygon(grown))) extra.push(n);
      }
  return sortTiles([...cover, ...extra]);
}

function isBBox(area: Polygonal | BBox): area is BBox {
  return Array.isArray(area);
}

function singleZoom(tiles: Tile[] | undefined): number | undefined {
  const zooms = new Set(tiles?.map((t) => t.z));
  if (zooms.size > 1)
    invalid(`the imagery holds tiles of zooms ${[...zooms].sort().join(', ')}: choose one with --zoom`);
  return zooms.values().next().value;
}

function checkCount(tiles: Tile[], maxTiles: number, zoom: number, estimated = false): Tile[] {
  if (tiles.length > maxTiles)
    throw new AppError(
      'LIMIT_EXCEEDED',
      `the area needs ${estimated ? 'about ' : ''}${tiles.length} tiles at zoom ${zoom}, over the limit of ${maxTiles}: use a smaller area or a lower zoom`,
    );
  return tiles;
}

function sortTiles(tiles: Tile[]): Tile[] {
  return [...tiles].sort((a, b) => a.y - b.y || a.x - b.x);
}

function tilesAreaKm2(tiles: readonly Tile[]): number {
  let m2 = 0;
  for (const t of tiles) {
    const [w, s, e, n] = tileBounds(t);
    m2 += geodesicArea(bboxToPolygon([w, s, e, n]));
  }
  return m2 / 1e6;
}
