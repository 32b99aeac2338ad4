/**
 * @module datasets/plan-tiles — which imagery tiles a dataset reads: the tiles covering the AOI at each zoom,
 * restricted to the tiles a chip folder holds; without an AOI, every chip of the folder.
 */
import {
  assertZoom,
  bboxOfGeometry,
  bboxPolygon,
  lonLatToTile,
  tileBounds,
  tileKey,
  tilesCoveringGeometry,
  type Polygonal,
  type Tile,
} from '../geo/index.ts';
import { AppError, invalid } from '../shared/index.ts';
import { unionBBox } from './chip-frame.ts';

/** What planning needs to know of an imagery source. */
export type TileSourceInfo = {
  label: string;
  minzoom: number;
  maxzoom: number;
  /** Tiles a folder source holds; undefined for tile servers. */
  listTiles(): Tile[] | undefined;
};

/** Default most tiles one dataset may read. */
export const DEFAULT_MAX_TILES = 100_000;

/**
 * The tiles to read, ordered by zoom, then row, then column.
 * @param source - the imagery source
 * @param area - the AOI; when undefined, every tile a folder source lists at the requested zooms
 * @param zooms - zoom levels (each an integer the source serves)
 * @param maxTiles - refuse plans with more tiles than this (default 100,000)
 * @returns tiles, at least one
 * @throws AppError INVALID_PARAMETER_VALUE for a bad or unserved zoom, no AOI for a tile server, or no tile found;
 *   AppError LIMIT_EXCEEDED when the plan holds more than `maxTiles` tiles
 */
export function planTiles(
  source: TileSourceInfo,
  area: Polygonal | undefined,
  zooms: readonly number[],
  maxTiles = DEFAULT_MAX_TILES,
): Tile[] {
  if (zooms.length === 0) invalid('no zoom level given');
  const listed = source.listTiles();
  if (area === undefined && listed === undefined)
    invalid(`imagery ${source.label} is a tile server: an AOI is needed to choose its tiles`);
  const available = listed === undefined ? undefined : new Set(listed.map(tileKey));
  const tiles: Tile[] = [];
  for (const z of [...new Set(zooms)].sort((a, b) => a - b)) {
    assertZoom(z);
    if (z < source.minzoom || z > source.maxzoom)
      invalid(
        `zoom ${z} is outside the zoom range ${source.minzoom}..${source.maxzoom} of imagery ${source.label}`,
      );
    const atZoom = area === undefined ? (listed ?? []).filter((t) => t.z === z) : coverOf(area, z, maxTiles);
    const kept = available === undefined ? atZoom : atZoom.filter((t) => available.has(tileKey(t)));
    if (kept.length === 0)
      invalid(
        `imagery ${source.label} has no tile at zoom ${z}${area === undefined ? '' : ' inside the AOI'}`,
      );
    tiles.push(...kept.sort((a, b) => a.y - b.y || a.x - b.x));
    if (tiles.length > maxTiles) tooMany(tiles.length, maxTiles);
  }
  return tiles;
}

/** The polygon cover of the AOI, refusing before enumeration when even its bbox holds far too many tiles. */
function coverOf(area: Polygonal, z: number, maxTiles: number): Tile[] {
  const [w, s, e, n] = bboxOfGeometry(area);
  const nw = lonLatToTile(w, n, z);
  const se = lonLatToTile(e, s, z);
  const rows = se.y - nw.y + 1;
  const columns = se.x - nw.x + 1;
  // The cover of a polygon can be much smaller than its bbox (an L-shape), so allow some slack before refusing.
  if (rows * columns > 16 * maxTiles) tooMany(rows * columns, maxTiles);
  return tilesCoveringGeometry(area, z);
}

function tooMany(count: number, maxTiles: number): never {
  throw new AppError(
    'LIMIT_EXCEEDED',
    `the AOI needs about ${count} imagery tiles, more than the limit of ${maxTiles}; use a smaller AOI or fewer zooms`,
  );
}

/**
 * The extent of a list of tiles as a bbox polygon — the AOI of a chip folder given without one.
 * @param tiles - tiles (at least one)
 * @returns a Polygon covering the union of the tiles' bounds
 * @throws AppError INVALID_PARAMETER_VALUE for an empty list
 */
export function extentOfTiles(tiles: readonly Tile[]): Polygonal {
  const bbox = unionBBox(tiles.map(tileBounds));
  if (bbox === undefined) invalid('no tiles to take an extent of');
  return bboxPolygon(bbox);
}
