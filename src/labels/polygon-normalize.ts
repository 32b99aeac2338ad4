/**
 * @module labels/polygon-normalize — checks one GeoJSON geometry of unknown shape and turns it into a clean
 * Polygon/MultiPolygon: repairs what has one reading (unclosed rings, repeated vertices, winding) and rejects what has
 * several (too few vertices, self-intersections, bad or out-of-range coordinates), naming where.
 */
import type { Position } from 'geojson';
import { findRingDefect, orientation, pointInRing, samePosition, signedArea } from '../geo/index.ts';
import type { Polygonal } from '../geo/index.ts';
import { invalid } from '../shared/index.ts';
import type { RepairLog } from './repair-log.ts';

/** A 2-D position `[lon, lat]`. */
type LonLat = [number, number];

/** What a geometry turned out to be. */
export type GeometryVerdict =
  { kind: 'polygonal'; geometry: Polygonal } | { kind: 'null' } | { kind: 'other'; type: string };

/** Where a geometry comes from, for messages and the repair log. */
export type GeometrySource = { where: string; feature: number | string; log: RepairLog };

const otherTypes = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'GeometryCollection']);

/**
 * Checks and repairs one geometry.
 * @param geometry - the parsed `geometry` member (anything)
 * @param source - names the feature in messages and receives the repairs
 * @returns the polygonal geometry, or that it was null, or the type of a non-polygonal geometry
 * @throws AppError INVALID_PARAMETER_VALUE naming `source.where` and the problem
 */
export function normalizeGeometry(geometry: unknown, source: GeometrySource): GeometryVerdict {
  if (geometry === null) return { kind: 'null' };
  if (typeof geometry !== 'object' || Array.isArray(geometry))
    invalid(`${source.where}: geometry is not an object`);
  const { type, coordinates } = geometry as { type?: unknown; coordinates?: unknown };
  if (type === 'Polygon')
    return { kind: 'polygonal', geometry: { type, coordinates: polygon(coordinates, source.where, source) } };
  if (type === 'MultiPolygon')
    return { kind: 'polygonal', geometry: { type, coordinates: multiPolygon(coordinates, source) } };
  if (typeof type === 'string' && otherTypes.has(type)) return { kind: 'other', type };
  return invalid(`${source.where}: unknown geometry type ${JSON.stringify(type)}`);
}

/**
 * Like {@link normalizeGeometry} but insists on a polygonal geometry.
 * @throws AppError INVALID_PARAMETER_VALUE for null or non-polygonal geometries too
 */
export function requirePolygonal(geometry: unknown, source: GeometrySource): Polygonal {
  const verdict = normalizeGeometry(geometry, source);
  if (verdict.kind === 'polygonal') return verdict.geometry;
  return invalid(
    `${source.where}: geometry ${verdict.kind === 'null' ? 'is null' : `type ${verdict.type} is not Polygon or MultiPolygon`}`,
  );
}

function multiPolygon(coordinates: unknown, source: GeometrySource): Position[][][] {
  if (!Array.isArray(coordinates) || coordinates.length === 0)
    invalid(`${source.where}: MultiPolygon has no polygons`);
  return coordinates.map((rings: unknown, p) => polygon(rings, `${source.where} polygon ${p}`, source));
}

function polygon(coordinates: unknown, where: string, source: GeometrySource): Position[][] {
  if (!Array.isArray(coordinates) || coordinates.length === 0) invalid(`${where}: polygon has no rings`);
  const rings = coordinates.map((ring: unknown, r) =>
    normalizeRing(ring, `${where} ring ${r}`, r === 0, source),
  );
  const outer = rings[0] ?? [];
  rings.slice(1).forEach((hole, h) => {
    const probe = hole.find((p) => pointInRing(p, outer) !== 'boundary');
    if (probe !== undefined && pointInRing(probe, outer) === 'outside')
      invalid(`${where} ring ${h + 1}: hole lies outside the outer ring`);
  });
  return rings;
}

/** Checks positions, removes repeated vertices, closes, checks shape and sets the RFC 7946 winding of one ring. */
function normalizeRing(ring: unknown, where: string, outer: boolean, source: GeometrySource): LonLat[] {
  if (!Array.isArray(ring)) invalid(`${where}: ring is not an array of positions`);
  const positions = withoutRepeats(
    ring.map((p: unknown, i) => lonLat(p, `${where} position ${i}`)),
    source,
  );
  const first = positions[0];
  if (first !== undefined && positions.length > 1 && !samePosition(first, positions.at(-1) ?? [])) {
    positions.push([first[0], first[1]]);
    source.log.add('closedRing', source.feature);
  }
  if (positions.length < 4)
    invalid(`${where}: ring has ${positions.length} positions after repair, at least 4 are needed`);
  const area = signedArea(positions);
  const defect = findRingDefect([positions]);
  if (defect !== undefined && !(area === 0 && allOnOneLine(positions))) {
    const [lon = 0, lat = 0] = defect.near;
    const [first, second] = defect.segments;
    invalid(`${where}: ring intersects itself (segments ${first} and ${second} meet near ${lon}, ${lat})`);
  }
  if (area === 0) invalid(`${where}: ring has zero area`);
  if (area > 0 !== outer) {
    positions.reverse();
    source.log.add('rewoundRing', source.feature);
  }
  return positions;
}

function allOnOneLine(ring: readonly LonLat[]): boolean {
  const [a, b] = ring;
  return a !== undefined && b !== undefined && ring.every((p) => orientation(a, b, p) === 0);
}

function withoutRepeats(positions: LonLat[], source: GeometrySource): LonLat[] {
  const kept: LonLat[] = [];
  for (const p of positions)
    if (kept.length === 0 || !samePosition(p, kept[kept.length - 1] ?? [])) kept.push(p);
  const removed = positions.length - kept.length;
  if (removed > 0) source.log.add('duplicateVertices', source.feature, removed);
  return kept;
}

/** Reads one position as `[lon, lat]` (an altitude is dropped: labels are 2-D footprints). */
function lonLat(position: unknown, where: string): LonLat {
  if (!Array.isArray(position) || position.length < 2) invalid(`${where} is not a [lon, lat] array`);
  const [lon, lat] = position as unknown[];
  if (typeof lon !== 'number' || typeof lat !== 'number')
    invalid(`${where} has a coordinate that is not a number`);
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) invalid(`${where} has a non-finite coordinate`);
  if (Math.abs(lon) <= 180 && Math.abs(lat) <= 90) return [lon, lat];
  return invalid(`${where} [${lon}, ${lat}] ${outOfRangeHint(lon, lat)}`);
}

function outOfRangeHint(lon: number, lat: number): string {
  if (Math.abs(lat) > 90 && Math.abs(lat) <= 180 && Math.abs(lon) <= 90)
    return 'is out of range and looks like [lat, lon]: GeoJSON positions are [lon, lat]';
  if (Math.abs(lon) > 360 || Math.abs(lat) > 360)
    return 'is out of range and looks like projected metres: labels must be EPSG:4326 degrees';
  return 'is out of range (lon -180..180, lat -90..90)';
}
