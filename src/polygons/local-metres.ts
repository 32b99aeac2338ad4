/**
 * @module polygons/local-metres — a local metric frame for lon/lat polygons: EPSG:3857 metres scaled by the mercator
 * scale factor at a reference latitude (so distances are true ground metres nearby) and shifted to a nearby origin
 * (so clipping and distance tests work on small, exact numbers).
 */
import type { Position } from 'geojson';
import { lonLatToMercator, mercatorToLonLat } from '../geo/index.ts';

/** A planar point in the local frame, metres east and north of the frame's origin. */
export type LocalPoint = [number, number];

/** A local metric frame: projects lon/lat to ground metres around a reference point and back. */
export interface LocalFrame {
  /** Ground metres per EPSG:3857 metre at the reference latitude (cos φ₀). */
  readonly scale: number;
  /** Local metres of a lon/lat position. */
  toLocal(position: Position): LocalPoint;
  /** Lon/lat of local metres. */
  toLonLat(point: readonly number[]): [number, number];
}

/**
 * Creates a frame around a lon/lat reference point.
 * @param lon - reference longitude (the frame's origin), degrees
 * @param lat - reference latitude (origin and scale), degrees
 * @returns the frame
 */
export function createLocalFrame(lon: number, lat: number): LocalFrame {
  const [ox, oy] = lonLatToMercator(lon, lat);
  const scale = Math.cos((lat * Math.PI) / 180);
  return {
    scale,
    toLocal: (p) => {
      const [x, y] = lonLatToMercator(p[0] as number, p[1] as number);
      return [(x - ox) * scale, (y - oy) * scale];
    },
    toLonLat: (p) => mercatorToLonLat((p[0] as number) / scale + ox, (p[1] as number) / scale + oy),
  };
}

/**
 * A frame centred on the bounding box of some rings.
 * @param rings - rings of `[lon, lat]` (at least one position)
 * @returns the frame
 */
export function frameOfRings(rings: readonly (readonly Position[])[]): LocalFrame {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (const ring of rings)
    for (const p of ring) {
      const lon = p[0] as number;
      const lat = p[1] as number;
      if (lon < w) w = lon;
      if (lon > e) e = lon;
      if (lat < s) s = lat;
      if (lat > n) n = lat;
    }
  return Number.isFinite(w) ? createLocalFrame((w + e) / 2, (s + n) / 2) : createLocalFrame(0, 0);
}

/**
 * Rings in a frame.
 * @param frame - the frame
 * @param rings - rings of `[lon, lat]`
 * @returns rings of local metres
 */
export function ringsToLocal(frame: LocalFrame, rings: readonly (readonly Position[])[]): LocalPoint[][] {
  return rings.map((ring) => ring.map((p) => frame.toLocal(p)));
}

/**
 * Rings back to lon/lat.
 * @param frame - the frame
 * @param rings - rings of local metres
 * @returns rings of `[lon, lat]`
 */
export function ringsToLonLat(frame: LocalFrame, rings: readonly (readonly number[][])[]): Position[][] {
  return rings.map((ring) => ring.map((p) => frame.toLonLat(p)));
}
