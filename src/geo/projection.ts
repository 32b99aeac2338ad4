/** @module geo/projection — EPSG:4326 ↔ EPSG:3857, label offsets in metres, geodesic areas and bboxes. */
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { EARTH_RADIUS, MAX_LATITUDE, type BBox } from './tile-math.ts';

/** A polygonal geometry: the only label geometry fAIr handles. */
export type Polygonal = Polygon | MultiPolygon;

/** Web-mercator metres of a lon/lat. */
export function lonLatToMercator(lon: number, lat: number): [number, number] {
  return [lonToMercatorX(lon), latToMercatorY(lat)];
}

/**
 * Web-mercator x of a longitude: the `x` of {@link lonLatToMercator}, bit for bit, for callers that project many
 * points sharing a longitude (pixel staircases) and compute it once.
 * @param lon - degrees
 * @returns metres
 */
export function lonToMercatorX(lon: number): number {
  return (EARTH_RADIUS * lon * Math.PI) / 180;
}

/**
 * Web-mercator y of a latitude (clamped to the mercator limit): the `y` of {@link lonLatToMercator}, bit for bit.
 * @param lat - degrees
 * @returns metres
 */
export function latToMercatorY(lat: number): number {
  const clamped = Math.max(-MAX_LATITUDE, Math.min(MAX_LATITUDE, lat));
  return EARTH_RADIUS * Math.log(Math.tan(Math.PI / 4 + (clamped * Math.PI) / 360));
}

/** Lon/lat of web-mercator metres. */
export function mercatorToLonLat(x: number, y: number): [number, number] {
  const lon = (x / EARTH_RADIUS) * (180 / Math.PI);
  const lat = (2 * Math.atan(Math.exp(y / EARTH_RADIUS)) - Math.PI / 2) * (180 / Math.PI);
  return [lon, lat];
}

/** Applies `fn` to every position of a polygonal geometry, returning a new geometry. */
export function mapPositions<G extends Polygonal>(geometry: G, fn: (p: Position) => Position): G {
  if (geometry.type === 'Polygon')
    return { ...geometry, coordinates: geometry.coordinates.map((r) => r.map(fn)) };
  return { ...geometry, coordinates: geometry.coordinates.map((poly) => poly.map((r) => r.map(fn))) };
}

/**
 * Shifts a geometry by `[dx, dy]` metres in EPSG:3857 — the label offset fAIr datasets carry to fix imagery
 * misalignment (positive dx moves east, positive dy moves north).
 */
export function offsetGeometry<G extends Polygonal>(geometry: G, offset: readonly [number, number]): G {
  const [dx, dy] = offset;
  if (dx === 0 && dy === 0) return geometry;
  return mapPositions(geometry, ([lon = 0, lat = 0]) => {
    const [x, y] = lonLatToMercator(lon, lat);
    return mercatorToLonLat(x + dx, y + dy);
  });
}

/** Rings of a polygonal geometry as a list of polygons (each a list of rings, outer first). */
export function polygonsOf(geometry: Polygonal): Position[][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/** Bounding box of a polygonal geometry. */
export function bboxOfGeometry(geometry: Polygonal): BBox {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (const poly of polygonsOf(geometry))
    for (const [lon = 0, lat = 0] of poly[0] ?? []) {
      if (lon < w) w = lon;
      if (lon > e) e = lon;
      if (lat < s) s = lat;
      if (lat > n) n = lat;
    }
  return [w, s, e, n];
}

/** Whether two bboxes overlap (touching edges count). */
export function bboxesIntersect(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/**
 * Geodesic area of a ring in m² on the WGS84 authalic sphere (the formula of Chamberlain & Duquette, as used by
 * OpenLayers and turf); positive for counter-clockwise rings.
 */
export function ringArea(ring: readonly Position[]): number {
  const r = 6371008.8;
  let total = 0;
  const n = ring.length;
  if (n < 3) return 0;
  for (let i = 0; i < n; i++) {
    const [lon1 = 0, lat1 = 0] = ring[i] ?? [];
    const [lon2 = 0, lat2 = 0] = ring[(i + 1) % n] ?? [];
    total +=
      (((lon2 - lon1) * Math.PI) / 180) *
      (2 + Math.sin((lat1 * Math.PI) / 180) + Math.sin((lat2 * Math.PI) / 180));
  }
  return (total * r * r) / 2;
}

/** Geodesic area of a polygonal geometry in m² (holes subtracted). */
export function geodesicArea(geometry: Polygonal): number {
  let area = 0;
  for (const poly of polygonsOf(geometry))
    poly.forEach((ring, i) => {
      const a = Math.abs(ringArea(ring));
      area += i === 0 ? a : -a;
    });
  return area;
}

/** A bbox `[w, s, e, n]` as a closed, counter-clockwise Polygon (no validation: see labels' `bboxToPolygon`). */
export function bboxPolygon([w, s, e, n]: BBox): Polygon {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [w, s],
        [e, s],
        [e, n],
        [w, n],
        [w, s],
      ],
    ],
  };
}
