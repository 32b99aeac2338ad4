/**
 * @module polygons/polygon-overlap — areas and intersections of lon/lat polygons in a local metric frame
 * (polygon-clipping), the measure behind duplicate removal and polygon matching.
 */
import type { Position } from 'geojson';
import polygonClipping from 'polygon-clipping';
import type { MultiPolygon as ClipMultiPolygon, Polygon as ClipPolygon } from 'polygon-clipping';
import type { BBox, Polygonal } from '../geo/index.ts';
import { createLocalFrame } from './local-metres.ts';
import type { LocalFrame } from './local-metres.ts';
import { planarPolygonArea } from './pixel-polygon.ts';

/** A polygon as the overlap functions take it: Polygon coordinates or a Polygon/MultiPolygon geometry. */
export type PolygonInput = readonly (readonly Position[])[] | Polygonal;

/**
 * A polygon prepared for repeated overlap tests: its parts and bounding box in local metres, its area, and its
 * lon/lat bbox.
 */
export type PreparedPolygon = { parts: ClipMultiPolygon; area: number; box: BBox; bbox: BBox };

/**
 * The parts (polygons of rings) of a polygon input.
 * @param input - Polygon coordinates or a polygonal geometry
 * @returns a list of polygons, each outer ring first
 */
export function partsOf(input: PolygonInput): (readonly (readonly Position[])[])[] {
  if (Array.isArray(input)) return [input as readonly (readonly Position[])[]];
  const geometry = input as Polygonal;
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/**
 * Projects a polygon into a frame for clipping and measures it.
 * @param input - the polygon
 * @param frame - a local metric frame shared by every polygon that will be compared
 * @returns the prepared polygon
 */
export function preparePolygon(input: PolygonInput, frame: LocalFrame): PreparedPolygon {
  const bbox: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  const parts: ClipMultiPolygon = partsOf(input).map((rings): ClipPolygon =>
    rings.map((ring) =>
      ring.map((p) => {
        const lon = p[0] as number;
        const lat = p[1] as number;
        if (lon < bbox[0]) bbox[0] = lon;
        if (lat < bbox[1]) bbox[1] = lat;
        if (lon > bbox[2]) bbox[2] = lon;
        if (lat > bbox[3]) bbox[3] = lat;
        const q = frame.toLocal(p);
        if (q[0] < box[0]) box[0] = q[0];
        if (q[1] < box[1]) box[1] = q[1];
        if (q[0] > box[2]) box[2] = q[0];
        if (q[1] > box[3]) box[3] = q[1];
        return q;
      }),
    ),
  );
  return { parts, area: areaOf(parts), box, bbox };
}

/**
 * Area of the intersection of two prepared polygons (same frame); 0 when clipping fails on degenerate input.
 * @param a - first polygon
 * @param b - second polygon
 * @returns the intersection area in the frame's square metres
 */
export function intersectionArea(a: PreparedPolygon, b: PreparedPolygon): number {
  try {
    return areaOf(polygonClipping.intersection(a.parts, b.parts));
  } catch {
    return 0;
  }
}

/**
 * Intersection over union of two lon/lat polygons, measured in a local metric frame.
 * @param a - Polygon coordinates or a polygonal geometry
 * @param b - the same
 * @returns IoU in [0, 1]; 0 when either has no area
 * @example
 * polygonIoU(predicted.geometry, osmBuilding.geometry); // 0.83
 */
export function polygonIoU(a: PolygonInput, b: PolygonInput): number {
  const first = partsOf(a)[0]?.[0]?.[0];
  if (first === undefined) return 0;
  const frame = createLocalFrame(first[0] as number, first[1] as number);
  const pa = preparePolygon(a, frame);
  const pb = preparePolygon(b, frame);
  return iouOf(pa, pb);
}

/**
 * IoU of two prepared polygons (same frame), with a bbox test first.
 * @param a - first polygon
 * @param b - second polygon
 * @returns IoU in [0, 1]
 */
export function iouOf(a: PreparedPolygon, b: PreparedPolygon): number {
  if (a.area <= 0 || b.area <= 0 || overlapBound(a, b) <= 0) return 0;
  const inter = intersectionArea(a, b);
  const union = a.area + b.area - inter;
  return union > 0 ? Math.min(1, Math.max(0, inter / union)) : 0;
}

/**
 * Upper bound of the intersection area of two prepared polygons without clipping: neither polygon's area nor the
 * overlap of their bounding boxes can be exceeded. Buildings sharing a wall get a bound near 0 and skip clipping.
 * @param a - first polygon
 * @param b - second polygon (same frame)
 * @returns the bound in the frame's square metres
 */
export function overlapBound(a: PreparedPolygon, b: PreparedPolygon): number {
  const w = Math.min(a.box[2], b.box[2]) - Math.max(a.box[0], b.box[0]);
  const h = Math.min(a.box[3], b.box[3]) - Math.max(a.box[1], b.box[1]);
  if (w <= 0 || h <= 0) return 0;
  return Math.min(a.area, b.area, w * h);
}

function areaOf(parts: ClipMultiPolygon): number {
  let area = 0;
  for (const part of parts) area += planarPolygonArea(part);
  return area;
}
