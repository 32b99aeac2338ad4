/**
 * @module polygons/pixel-polygon — polygons in a raster's pixel space: the types tracing produces and rasterizing
 * consumes, and their planar areas.
 */
import type { Position } from 'geojson';

/**
 * A closed ring in pixel-corner coordinates (first = last): `[x, y]` with x to the east and y to the south, in pixels
 * from the raster's north-west corner, so pixel `(i, j)` covers `[i, i+1] × [j, j+1]`.
 */
export type PixelRing = [number, number][];

/** A polygon in pixel space: the outer ring first, then its holes. */
export type PixelPolygon = PixelRing[];

/**
 * Any polygon in pixel space as rasterizing accepts it: outer ring first, then holes; rings may be closed or not and
 * positions may carry extra members (only x and y are read). A {@link PixelPolygon} is one.
 */
export type PixelPolygonLike = readonly (readonly Position[])[];

/**
 * Signed shoelace area of a ring in its own coordinates. In pixel space (y to the south) rings running clockwise on
 * screen are positive; in lon/lat or metres (y to the north) counter-clockwise rings are positive.
 * @param ring - positions, closed or not
 * @returns the signed area in squared coordinate units
 */
export function signedRingArea(ring: readonly Position[]): number {
  let twice = 0;
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    const a = ring[i] as Position;
    const b = ring[(i + 1) % n] as Position;
    twice += (a[0] as number) * (b[1] as number) - (b[0] as number) * (a[1] as number);
  }
  return twice / 2;
}

/**
 * Planar area of a polygon: the outer ring's absolute area minus its holes'.
 * @param polygon - rings, outer first
 * @returns the area in squared coordinate units (pixels for pixel polygons)
 */
export function planarPolygonArea(polygon: readonly (readonly Position[])[]): number {
  let area = 0;
  polygon.forEach((ring, i) => {
    const a = Math.abs(signedRingArea(ring));
    area += i === 0 ? a : -a;
  });
  return area;
}
