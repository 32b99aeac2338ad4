/**
 * @module ml/metrics/test-support/rasterize-polygons — burns lon/lat polygons into a tile's label raster (one label
 * per polygon, pixel centres, even-odd rule), so metric tests can use real OpenStreetMap buildings.
 */
import type { Polygon, Position } from 'geojson';
import { lonLatToTileFraction } from '../../../geo/index.ts';
import type { Tile } from '../../../geo/index.ts';

/**
 * Rasterises polygons over one tile; later polygons overwrite earlier ones where they overlap.
 * @param polygons - GeoJSON polygons in lon/lat
 * @param tile - the tile the raster covers
 * @param size - raster width and height
 * @returns labels (0 = none, k = the k-th polygon that reached the tile) and the count
 */
export function rasterizePolygons(
  polygons: readonly Polygon[],
  tile: Tile,
  size: number,
): { labels: Int32Array; width: number; height: number; count: number } {
  const labels = new Int32Array(size * size);
  let count = 0;
  for (const polygon of polygons) {
    const rings = polygon.coordinates.map((ring) => ring.map((p) => toPixel(p, tile, size)));
    const ys = rings.flat().map((p) => p[1]);
    const top = Math.max(0, Math.floor(Math.min(...ys)));
    const bottom = Math.min(size - 1, Math.ceil(Math.max(...ys)));
    let drawn = false;
    for (let y = top; y <= bottom; y++) {
      const xs = crossings(rings, y + 0.5).sort((a, b) => a - b);
      for (let k = 0; k + 1 < xs.length; k += 2) {
        const from = Math.max(0, Math.ceil((xs[k] as number) - 0.5));
        const to = Math.min(size, Math.ceil((xs[k + 1] as number) - 0.5));
        if (to > from && !drawn) {
          count++;
          drawn = true;
        }
        if (to > from) labels.fill(count, y * size + from, y * size + to);
      }
    }
  }
  return { labels, width: size, height: size, count };
}

function toPixel(p: Position, tile: Tile, size: number): [number, number] {
  const f = lonLatToTileFraction(p[0] as number, p[1] as number, tile.z);
  return [(f.x - tile.x) * size, (f.y - tile.y) * size];
}

function crossings(rings: [number, number][][], y: number): number[] {
  const xs: number[] = [];
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i] as [number, number];
      const [xj, yj] = ring[j] as [number, number];
      if (yi > y !== yj > y) xs.push(xi + ((y - yi) * (xj - xi)) / (yj - yi));
    }
  }
  return xs;
}
