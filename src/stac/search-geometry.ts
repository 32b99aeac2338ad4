/**
 * @module stac/search-geometry — the `intersects` geometry of a search: checked (GeoJSON types, positions, size
 * limit, refused early), its bbox, and an exact intersection test against item geometries (planar, in degrees, as
 * STAC API servers without a geodesic engine do).
 */
import type { Geometry, Position } from 'geojson';
import { AppError, invalid } from '../shared/index.ts';
import type { Bbox } from './stac-types.ts';

const GEOMETRY_TYPES = new Set([
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
  'GeometryCollection',
]);

/** Nesting allowed for GeometryCollections inside GeometryCollections. */
const MAX_DEPTH = 4;

/**
 * Checks that a value is a GeoJSON geometry with valid WGS84 positions and at most `maxVertices` positions. The
 * walk stops at the first position over the limit, so a huge geometry costs no more than the limit.
 * @param value - parsed JSON from the request
 * @param maxVertices - most positions allowed
 * @param field - the request field, for messages (default `intersects`)
 * @returns the geometry
 * @throws AppError LIMIT_EXCEEDED when it has more than `maxVertices` positions; INVALID_PARAMETER_VALUE naming
 *   the first problem (type, position, ring) otherwise
 */
export function checkGeometry(value: unknown, maxVertices: number, field = 'intersects'): Geometry {
  const counter = { count: 0, maxVertices, field };
  checkNode(value, counter, field, 0);
  return value as Geometry;
}

type Counter = { count: number; maxVertices: number; field: string };

function checkNode(value: unknown, counter: Counter, where: string, depth: number): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    invalid(`${where} is not a GeoJSON geometry object`);
  const node = value as { type?: unknown; coordinates?: unknown; geometries?: unknown };
  if (typeof node.type !== 'string' || !GEOMETRY_TYPES.has(node.type))
    invalid(`${where}.type ${JSON.stringify(node.type)} is not a GeoJSON geometry type`);
  if (node.type === 'GeometryCollection') {
    if (depth >= MAX_DEPTH) invalid(`${where} nests GeometryCollections deeper than ${MAX_DEPTH}`);
    if (!Array.isArray(node.geometries)) invalid(`${where}.geometries must be an array`);
    node.geometries.forEach((g, i) => checkNode(g, counter, `${where}.geometries[${i}]`, depth + 1));
    return;
  }
  const c = node.coordinates;
  const at = `${where}.coordinates`;
  switch (node.type) {
    case 'Point':
      checkPosition(c, counter, at);
      return;
    case 'MultiPoint':
      arrayOf(c, at).forEach((p, i) => checkPosition(p, counter, `${at}[${i}]`));
      return;
    case 'LineString':
      checkLine(c, counter, at);
      return;
    case 'MultiLineString':
      arrayOf(c, at).forEach((l, i) => checkLine(l, counter, `${at}[${i}]`));
      return;
    case 'Polygon':
      checkPolygon(c, counter, at);
      return;
    default:
      arrayOf(c, at).forEach((p, i) => checkPolygon(p, counter, `${at}[${i}]`));
  }
}

function arrayOf(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) invalid(`${where} must be an array`);
  return value;
}

function checkPosition(value: unknown, counter: Counter, where: string): void {
  if (++counter.count > counter.maxVertices)
    throw new AppError(
      'LIMIT_EXCEEDED',
      `${counter.field} has more than ${counter.maxVertices} positions; simplify it or search by bbox`,
      { maxVertices: counter.maxVertices },
    );
  if (!Array.isArray(value) || value.length < 2 || value.length > 3)
    invalid(`${where} must be a position [longitude, latitude]`);
  const [x, y] = value as unknown[];
  if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y))
    invalid(`${where} must hold finite numbers`);
  if (x < -180 || x > 180 || y < -90 || y > 90) invalid(`${where} [${x}, ${y}] is outside WGS84 bounds`);
}

function checkLine(value: unknown, counter: Counter, where: string): void {
  const line = arrayOf(value, where);
  if (line.length < 2) invalid(`${where} needs at least 2 positions`);
  line.forEach((p, i) => checkPosition(p, counter, `${where}[${i}]`));
}

function checkPolygon(value: unknown, counter: Counter, where: string): void {
  const rings = arrayOf(value, where);
  if (rings.length === 0) invalid(`${where} needs at least one ring`);
  rings.forEach((r, i) => {
    const ring = arrayOf(r, `${where}[${i}]`);
    if (ring.length < 4) invalid(`${where}[${i}] is a ring of fewer than 4 positions`);
    ring.forEach((p, j) => checkPosition(p, counter, `${where}[${i}][${j}]`));
    const first = ring[0] as number[];
    const last = ring[ring.length - 1] as number[];
    if (first[0] !== last[0] || first[1] !== last[1]) invalid(`${where}[${i}] is not closed`);
  });
}

/** A geometry broken into what the intersection test needs. */
type Parts = { points: Position[]; segments: [Position, Position][]; polygons: Position[][][] };

function partsOf(geometry: Geometry, parts: Parts = { points: [], segments: [], polygons: [] }): Parts {
  const addLine = (line: Position[]): void => {
    for (let i = 1; i < line.length; i++) parts.segments.push([line[i - 1] as Position, line[i] as Position]);
    if (line[0] !== undefined) parts.points.push(line[0]);
  };
  switch (geometry.type) {
    case 'Point':
      parts.points.push(geometry.coordinates);
      break;
    case 'MultiPoint':
      parts.points.push(...geometry.coordinates);
      break;
    case 'LineString':
      addLine(geometry.coordinates);
      break;
    case 'MultiLineString':
      geometry.coordinates.forEach(addLine);
      break;
    case 'Polygon':
      geometry.coordinates.forEach(addLine);
      parts.polygons.push(geometry.coordinates);
      break;
    case 'MultiPolygon':
      for (const polygon of geometry.coordinates) {
        polygon.forEach(addLine);
        parts.polygons.push(polygon);
      }
      break;
    case 'GeometryCollection':
      for (const g of geometry.geometries) partsOf(g, parts);
  }
  return parts;
}

/**
 * The bbox of a geometry (min/max of its positions; no antimeridian handling).
 * @param geometry - a checked geometry
 * @returns west, south, east, north
 */
export function geometryBbox(geometry: Geometry): Bbox {
  const box: Bbox = [Infinity, Infinity, -Infinity, -Infinity];
  const { points, segments } = partsOf(geometry);
  const grow = (p: Position): void => {
    const [x = 0, y = 0] = p;
    box[0] = Math.min(box[0], x);
    box[1] = Math.min(box[1], y);
    box[2] = Math.max(box[2], x);
    box[3] = Math.max(box[3], y);
  };
  points.forEach(grow);
  for (const [a, b] of segments) {
    grow(a);
    grow(b);
  }
  return box;
}

/**
 * Whether two geometries share at least one point (boundaries count), in planar longitude/latitude.
 * @param a - a geometry
 * @param b - another geometry
 * @returns true when they intersect
 */
export function geometriesIntersect(a: Geometry, b: Geometry): boolean {
  const pa = partsOf(a);
  const pb = partsOf(b);
  for (const [p, q] of pa.segments)
    for (const [r, s] of pb.segments) if (segmentsIntersect(p, q, r, s)) return true;
  const anyInside = (points: Position[], polygons: Position[][][]): boolean =>
    points.some((p) => polygons.some((polygon) => insidePolygon(p, polygon)));
  if (anyInside(pa.points, pb.polygons) || anyInside(pb.points, pa.polygons)) return true;
  // Lone points (no segments) against the other's segments and points.
  for (const p of pa.points) {
    if (pb.segments.some(([r, s]) => segmentsIntersect(p, p, r, s))) return true;
    if (pb.points.some((q) => q[0] === p[0] && q[1] === p[1])) return true;
  }
  for (const p of pb.points) if (pa.segments.some(([r, s]) => segmentsIntersect(p, p, r, s))) return true;
  return false;
}

function orientation(p: Position, q: Position, r: Position): number {
  const v =
    ((q[1] ?? 0) - (p[1] ?? 0)) * ((r[0] ?? 0) - (q[0] ?? 0)) -
    ((q[0] ?? 0) - (p[0] ?? 0)) * ((r[1] ?? 0) - (q[1] ?? 0));
  return v === 0 ? 0 : v > 0 ? 1 : 2;
}

function onSegment(p: Position, q: Position, r: Position): boolean {
  const [px = 0, py = 0] = p;
  const [qx = 0, qy = 0] = q;
  const [rx = 0, ry = 0] = r;
  return qx <= Math.max(px, rx) && qx >= Math.min(px, rx) && qy <= Math.max(py, ry) && qy >= Math.min(py, ry);
}

function segmentsIntersect(p1: Position, q1: Position, p2: Position, q2: Position): boolean {
  const o1 = orientation(p1, q1, p2);
  const o2 = orientation(p1, q1, q2);
  const o3 = orientation(p2, q2, p1);
  const o4 = orientation(p2, q2, q1);
  if (o1 !== o2 && o3 !== o4) return true;
  return (
    (o1 === 0 && onSegment(p1, p2, q1)) ||
    (o2 === 0 && onSegment(p1, q2, q1)) ||
    (o3 === 0 && onSegment(p2, p1, q2)) ||
    (o4 === 0 && onSegment(p2, q1, q2))
  );
}

/** Even-odd ray casting over every ring, so holes are outside. */
function insidePolygon(point: Position, rings: Position[][]): boolean {
  const [x = 0, y = 0] = point;
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi = 0, yi = 0] = ring[i] as Position;
      const [xj = 0, yj = 0] = ring[j] as Position;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}
