/**
 * @module polygons/local-metres — a local metric frame for lon/lat polygons: EPSG:3857 metres scaled by the mercator
 * scale factor at a reference latitude (so distances are true ground metres nearby) and shifted to a nearby origin
 * (so clipping and distance tests work on small, exact numbers).
 */
import type { Position } from 'geojson';
import { latToMercatorY, lonLatToMercator, lonToMercatorX, mercatorToLonLat } from '../geo/index.ts';

/** A planar point in the local frame, metres east and north of the frame's origin. */
export type LocalPoint = [number, number];

/** A local metric frame: projects lon/lat to ground metres around a reference point and back. */
export interface LocalFrame {
  /** Ground metres per EPSG:3857 metre at the reference latitude (cos φ₀). */
  readonly scale: number;
  /** Local metres of a lon/lat position. */
  toLocal(position: Position): LocalPoint;
  /** Local metres east of a longitude: the x of `toLocal`, which depends on the longitude alone. */
  east(lon: number): number;
  /** Local metres north of a latitude: the y of `toLocal`, which depends on the latitude alone. */
  north(lat: number): number;
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
  return new MercatorFrame(lon, lat);
}

/** The one {@link LocalFrame}: a class, so the thousands of frames a run creates share their methods. */
class MercatorFrame implements LocalFrame {
  readonly scale: number;
  readonly #ox: number;
  readonly #oy: number;

  constructor(lon: number, lat: number) {
    const [ox, oy] = lonLatToMercator(lon, lat);
    this.#ox = ox;
    this.#oy = oy;
    this.scale = Math.cos((lat * Math.PI) / 180);
  }

  toLocal(p: Position): LocalPoint {
    return [this.east(p[0] as number), this.north(p[1] as number)];
  }

  east(lon: number): number {
    return (lonToMercatorX(lon) - this.#ox) * this.scale;
  }

  north(lat: number): number {
    return (latToMercatorY(lat) - this.#oy) * this.scale;
  }

  toLonLat(p: readonly number[]): [number, number] {
    return mercatorToLonLat(
      (p[0] as number) / this.scale + this.#ox,
      (p[1] as number) / this.scale + this.#oy,
    );
  }
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
  return rings.map((ring) => {
    const flat = flatRingToLocal(frame, ring);
    const out: LocalPoint[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push([flat[i] as number, flat[i + 1] as number]);
    return out;
  });
}

/**
 * One ring in a frame as a flat array, for hot loops that would otherwise allocate a pair per vertex. Consecutive
 * vertices of a traced staircase share their longitude or their latitude, so each projection is computed only when
 * it changes (the same bits as `toLocal`).
 * @param frame - the frame
 * @param ring - positions `[lon, lat]`
 * @returns x of vertex i at `2i`, y at `2i + 1`, local metres
 */
export function flatRingToLocal(frame: LocalFrame, ring: readonly Position[]): Float64Array {
  const out = new Float64Array(2 * ring.length);
  let lastLon = NaN;
  let lastLat = NaN;
  let x = 0;
  let y = 0;
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i] as Position;
    const lon = p[0] as number;
    const lat = p[1] as number;
    if (lon !== lastLon) {
      x = frame.east(lon);
      lastLon = lon;
    }
    if (lat !== lastLat) {
      y = frame.north(lat);
      lastLat = lat;
    }
    out[2 * i] = x;
    out[2 * i + 1] = y;
  }
  return out;
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
