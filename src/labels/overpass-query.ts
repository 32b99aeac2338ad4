/** @module labels/overpass-query — the Overpass QL query for the buildings of an area. */
import type { Position } from 'geojson';
import { type BBox, type Polygonal, bboxOfGeometry, polygonsOf } from '../geo/index.ts';
import { invalid } from '../shared/index.ts';

/** An area to fetch: a bbox `[west, south, east, north]` or a polygonal AOI in EPSG:4326. */
export type OsmArea = BBox | Polygonal;

/** Most vertices of an AOI outline sent as `poly:` filters; larger outlines are sent as their bbox. */
export const MAX_QUERY_POLY_VERTICES = 2000;

/**
 * Builds the Overpass QL query for building ways and building multipolygon relations in an area, answered as JSON
 * with `out geom;` (each way with its `geometry`, each relation member way with its own `geometry`).
 * A polygonal area is sent as one `poly:` filter per polygon (outer rings; holes are not expressible in a filter);
 * an outline of more than {@link MAX_QUERY_POLY_VERTICES} vertices is sent as its bbox.
 * @param area - a bbox or a Polygon/MultiPolygon in EPSG:4326
 * @param timeoutSeconds - the server-side `[timeout:N]`, a positive integer
 * @returns the query text
 * @throws AppError INVALID_PARAMETER_VALUE for a bad timeout
 * @example
 * buildOverpassQuery([85.5188, 27.6292, 85.5233, 27.6344], 180);
 * // [out:json][timeout:180];(way["building"](27.6292,85.5188,27.6344,85.5233);relation[...];);out geom;
 */
export function buildOverpassQuery(area: OsmArea, timeoutSeconds: number): string {
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1)
    invalid(`Overpass timeout must be a positive whole number of seconds, got ${timeoutSeconds}`);
  const filters = areaFilters(area);
  const statements = filters.flatMap((filter) => [
    `way["building"]${filter};`,
    `relation["building"]["type"="multipolygon"]${filter};`,
  ]);
  return `[out:json][timeout:${timeoutSeconds}];(${statements.join('')});out geom;`;
}

/**
 * Whether the query for an area filters by a bbox: the area is a bbox, or an outline too large for `poly:` filters.
 * @param area - the area
 */
export function queriesByBBox(area: OsmArea): boolean {
  if (Array.isArray(area)) return true;
  const vertices = polygonsOf(area).reduce((sum, rings) => sum + (rings[0]?.length ?? 0), 0);
  return vertices > MAX_QUERY_POLY_VERTICES;
}

function areaFilters(area: OsmArea): string[] {
  if (Array.isArray(area)) return [bboxFilter(area)];
  if (queriesByBBox(area)) return [bboxFilter(bboxOfGeometry(area))];
  const outers = polygonsOf(area).map((rings) => rings[0] ?? []);
  return outers.map((ring) => `(poly:"${ring.slice(0, -1).map(latLon).join(' ')}")`);
}

/** Overpass bboxes are (south,west,north,east). */
function bboxFilter([w, s, e, n]: BBox): string {
  return `(${[s, w, n, e].map(coordinate).join(',')})`;
}

function latLon([lon = 0, lat = 0]: Position): string {
  return `${coordinate(lat)} ${coordinate(lon)}`;
}

/** Seven decimals (~1 cm), as OSM stores them. */
function coordinate(value: number): string {
  return String(Number(value.toFixed(7)));
}
