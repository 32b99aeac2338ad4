/**
 * @module polygons/pixel-grid — georeferencing of rasters cut from the web-mercator tile grid: raster pixels ↔ lon/lat
 * through global pixel coordinates at a zoom level, so polygons traced on a chip or a stitched mosaic land exactly on
 * the imagery they came from.
 */
import type { Position } from 'geojson';
import { assertZoom, lonLatToTileFraction, tileToLonLat, tileXToLon, tileYToLat } from '../geo/index.ts';
import type { Tile } from '../geo/index.ts';
import { invalid } from '../shared/index.ts';
import type { PixelPolygonLike } from './pixel-polygon.ts';

/**
 * Where a raster sits in the tile grid: its top-left corner in global pixel coordinates at zoom `z`
 * (`tileX·tileSize + px`, `tileY·tileSize + py`, y counted from the north) and the pixels per tile side.
 */
export type PixelGrid = { z: number; originX: number; originY: number; tileSize: number };

/**
 * The grid of a raster covering exactly one tile.
 * @param tile - the tile
 * @param tileSize - raster pixels per tile side, default 256
 * @returns the grid
 * @throws AppError INVALID_PARAMETER_VALUE on a bad zoom or tile size
 */
export function gridOfTile(tile: Tile, tileSize = 256): PixelGrid {
  const grid = { z: tile.z, originX: tile.x * tileSize, originY: tile.y * tileSize, tileSize };
  checkGrid(grid);
  return grid;
}

/**
 * Checks a grid.
 * @param grid - the grid
 * @throws AppError INVALID_PARAMETER_VALUE on a bad zoom, a tile size that is not a positive integer or a
 *   non-finite origin
 */
export function checkGrid(grid: PixelGrid): void {
  assertZoom(grid.z);
  if (!Number.isInteger(grid.tileSize) || grid.tileSize <= 0)
    invalid(`pixel grid tile size ${grid.tileSize} is not a positive integer`);
  if (!Number.isFinite(grid.originX) || !Number.isFinite(grid.originY))
    invalid(`pixel grid origin ${grid.originX},${grid.originY} is not finite`);
}

/**
 * Lon/lat of a raster position (pixel corners are integers; a pixel's centre is at `+0.5`).
 * @param grid - where the raster sits
 * @param x - pixels east of the raster's left edge
 * @param y - pixels south of the raster's top edge
 * @returns `[lon, lat]`
 */
export function pixelToLonLat(grid: PixelGrid, x: number, y: number): [number, number] {
  return tileToLonLat((grid.originX + x) / grid.tileSize, (grid.originY + y) / grid.tileSize, grid.z);
}

/**
 * Raster position of a lon/lat (the inverse of {@link pixelToLonLat}; latitude clamped to the mercator limit).
 * @param grid - where the raster sits
 * @param lon - longitude, degrees
 * @param lat - latitude, degrees
 * @returns `[x, y]` in pixels from the raster's top-left corner
 */
export function lonLatToPixel(grid: PixelGrid, lon: number, lat: number): [number, number] {
  const f = lonLatToTileFraction(lon, lat, grid.z);
  return [f.x * grid.tileSize - grid.originX, f.y * grid.tileSize - grid.originY];
}

/**
 * GeoJSON Polygon coordinates of a pixel polygon. Traced outer rings run clockwise on screen and holes
 * counter-clockwise; north stays up, so each ring is reversed to give the RFC 7946 winding (outer counter-clockwise,
 * holes clockwise).
 * @param grid - where the raster sits
 * @param polygon - rings in pixel coordinates, outer first, traced winding
 * @returns rings of `[lon, lat]`
 */
export function pixelPolygonToLonLat(grid: PixelGrid, polygon: PixelPolygonLike): Position[][] {
  return polygon.map((ring) => ringToLonLat(grid, ring));
}

/**
 * One ring reversed into lon/lat. Longitude depends on x alone and latitude on y alone, and consecutive vertices of a
 * traced staircase share one of them, so each is computed only when it changes (the same bits as `pixelToLonLat`).
 */
function ringToLonLat(grid: PixelGrid, ring: readonly Position[]): Position[] {
  const { z, originX, originY, tileSize } = grid;
  const out: Position[] = [];
  let lastX = NaN;
  let lastY = NaN;
  let lon = 0;
  let lat = 0;
  for (let i = ring.length - 1; i >= 0; i--) {
    const p = ring[i] as Position;
    const x = p[0] as number;
    const y = p[1] as number;
    if (x !== lastX) {
      lon = tileXToLon((originX + x) / tileSize, z);
      lastX = x;
    }
    if (y !== lastY) {
      lat = tileYToLat((originY + y) / tileSize, z);
      lastY = y;
    }
    out.push([lon, lat]);
  }
  return out;
}

/**
 * Pixel rings of lon/lat Polygon coordinates, in the same order (RFC 7946 rings come out counter-clockwise on
 * screen; rasterizing does not care).
 * @param grid - where the raster sits
 * @param rings - rings of `[lon, lat]`
 * @returns rings of `[x, y]` pixels
 */
export function lonLatPolygonToPixels(
  grid: PixelGrid,
  rings: readonly (readonly Position[])[],
): [number, number][][] {
  return rings.map((ring) => ring.map((p) => lonLatToPixel(grid, p[0] as number, p[1] as number)));
}
