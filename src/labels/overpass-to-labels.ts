/**
 * @module labels/overpass-to-labels — turns an Overpass API JSON response (`out geom;`) into building labels: closed
 * ways become Polygons, multipolygon relations (Multi)Polygons assembled from their member ways; OSM ids and tags kept.
 */
import type { Position } from 'geojson';
import type { Polygonal } from '../geo/index.ts';
import { invalid, isAppError } from '../shared/index.ts';
import type { LabelCollection, LabelFeature } from './label-types.ts';
import { requirePolygonal } from './polygon-normalize.ts';
import { RepairLog } from './repair-log.ts';
import { assembleRings, groupRings } from './ring-assembly.ts';
import { samePosition } from '../geo/index.ts';

/** Elements of a response that did not become labels, by reason. */
export type OverpassSkips = {
  /** Building ways whose first and last node differ (not closed). */
  openWays: number;
  /** Multipolygon relations whose member ways do not close into rings or lack geometry. */
  incompleteRelations: number;
  /** Ways and relations whose rings are degenerate or self-intersecting. */
  invalidGeometries: number;
  /** Ways and relations without a `building` tag, or with `building=no`. */
  notBuildings: number;
  /** Nodes and other element types. */
  otherElements: number;
};

/** Labels from one Overpass response and what was skipped. */
export type OverpassLabels = { labels: LabelCollection; skipped: OverpassSkips };

type OsmTags = Record<string, string>;
type Element = {
  type?: unknown;
  id?: unknown;
  tags?: unknown;
  geometry?: unknown;
  members?: unknown;
  nodes?: unknown;
};
type Member = { type?: unknown; role?: unknown; geometry?: unknown };

/**
 * The runtime error an Overpass server reports inside a 200 response (`remark`), if any.
 * @param response - the parsed response
 * @returns the remark when it reports an error, else undefined
 */
export function overpassRuntimeError(response: unknown): string | undefined {
  const remark = (response as { remark?: unknown } | null)?.remark;
  return typeof remark === 'string' && /error/i.test(remark) ? remark : undefined;
}

/**
 * Converts an Overpass JSON response made with `out geom;` into labels. Each label has `id` and `osm_id`
 * (`"way/123"`), `osm_type`, `tags`, and every tag copied to the top level of its properties.
 * @param response - the parsed response
 * @returns the labels and the counts of skipped elements
 * @throws AppError INVALID_PARAMETER_VALUE when the response has no `elements` array
 */
export function overpassToLabels(response: unknown): OverpassLabels {
  const elements = (response as { elements?: unknown } | null)?.elements;
  if (!Array.isArray(elements)) invalid('Overpass response has no "elements" array');
  const skipped: OverpassSkips = {
    openWays: 0,
    incompleteRelations: 0,
    invalidGeometries: 0,
    notBuildings: 0,
    otherElements: 0,
  };
  const features: LabelFeature[] = [];
  for (const element of elements as Element[]) {
    const feature = elementToLabel(element ?? {}, skipped);
    if (feature !== undefined) features.push(feature);
  }
  return { labels: { type: 'FeatureCollection', features }, skipped };
}

function elementToLabel(element: Element, skipped: OverpassSkips): LabelFeature | undefined {
  const { type, id } = element;
  if ((type !== 'way' && type !== 'relation') || typeof id !== 'number') {
    skipped.otherElements++;
    return undefined;
  }
  const tags = tagsOf(element.tags);
  const building = tags['building'];
  const isMultipolygon = type === 'way' || tags['type'] === 'multipolygon';
  if (building === undefined || building === 'no' || !isMultipolygon) {
    skipped.notBuildings++;
    return undefined;
  }
  const raw = type === 'way' ? wayGeometry(element, skipped) : relationGeometry(element, skipped);
  if (raw === undefined) return undefined;
  const osmId = `${type}/${id}`;
  try {
    const geometry = requirePolygonal(raw, { where: osmId, feature: osmId, log: new RepairLog() });
    return {
      type: 'Feature',
      id: osmId,
      properties: { ...tags, osm_id: osmId, osm_type: type, tags },
      geometry,
    };
  } catch (error) {
    if (!isAppError(error)) throw error;
    skipped.invalidGeometries++;
    return undefined;
  }
}

function tagsOf(tags: unknown): OsmTags {
  const out: OsmTags = {};
  if (typeof tags !== 'object' || tags === null) return out;
  for (const [key, value] of Object.entries(tags)) if (typeof value === 'string') out[key] = value;
  return out;
}

/** `[{lat, lon}, ...]` as positions, or undefined when missing or holding nulls (geometry cut off). */
function positionsOf(geometry: unknown): Position[] | undefined {
  if (!Array.isArray(geometry)) return undefined;
  const positions: Position[] = [];
  for (const point of geometry as unknown[]) {
    const { lat, lon } = (point ?? {}) as { lat?: unknown; lon?: unknown };
    if (typeof lat !== 'number' || typeof lon !== 'number') return undefined;
    positions.push([lon, lat]);
  }
  return positions;
}

function wayGeometry(element: Element, skipped: OverpassSkips): Polygonal | undefined {
  const ring = positionsOf(element.geometry);
  const nodes = Array.isArray(element.nodes) ? (element.nodes as unknown[]) : undefined;
  const closed =
    ring !== undefined &&
    ring.length >= 4 &&
    (nodes !== undefined && nodes.length === ring.length
      ? nodes[0] === nodes.at(-1)
      : samePosition(ring[0] ?? [], ring.at(-1) ?? []));
  if (!closed) {
    skipped.openWays++;
    return undefined;
  }
  return { type: 'Polygon', coordinates: [ring] };
}

function relationGeometry(element: Element, skipped: OverpassSkips): Polygonal | undefined {
  const outerWays: Position[][] = [];
  const innerWays: Position[][] = [];
  const members = Array.isArray(element.members) ? (element.members as Member[]) : [];
  for (const member of members) {
    if (member?.type !== 'way') continue;
    const role = member.role === '' || member.role === undefined ? 'outer' : member.role;
    if (role !== 'outer' && role !== 'inner') continue;
    const positions = positionsOf(member.geometry);
    if (positions === undefined) {
      skipped.incompleteRelations++;
      return undefined;
    }
    (role === 'outer' ? outerWays : innerWays).push(positions);
  }
  const outers = assembleRings(outerWays);
  const inners = assembleRings(innerWays);
  if (outers.rings.length === 0 || outers.unclosed > 0 || inners.unclosed > 0) {
    skipped.incompleteRelations++;
    return undefined;
  }
  const polygons = groupRings(outers.rings, inners.rings);
  if (polygons === undefined) {
    skipped.invalidGeometries++;
    return undefined;
  }
  const [only] = polygons;
  return polygons.length === 1 && only
    ? { type: 'Polygon', coordinates: only }
    : { type: 'MultiPolygon', coordinates: polygons };
}
