/**
 * @module predict/area-filter — keeps the buildings that meet the area asked for: the tiles read reach past it, and
 * buildings there (found whole) are outside what the user asked for (issue 4 §1). Pure.
 */
import type { Position } from 'geojson';
import { bboxOfGeometry, bboxesIntersect, polygonsOf } from '../geo/index.ts';
import type { BBox, Polygonal } from '../geo/index.ts';

/**
 * A test of whether a polygon meets (overlaps or touches) an area.
 * @param area - the area, lon/lat
 * @returns the test
 * @example
 * const meets = createAreaFilter(aoi);
 * features.filter((f) => meets(f.geometry));
 */
export function createAreaFilter(area: Polygonal): (geometry: Polygonal) => boolean {
  const parts = polygonsOf(area).map((rings) => ({
    rings,
    bbox: bboxOfGeometry({ type: 'Polygon', coordinates: rings }),
  }));
  const areaBox = bboxOfGeometry(area);
  return (geometry) => {
    const box = bboxOfGeometry(geometry);
    if (!bboxesIntersect(box, areaBox)) return false;
    const pieces = polygonsOf(geometry);
    return parts.some(
      (part) =>
        bboxesIntersect(box, part.bbox) &&
        pieces.some((rings) => polygonsMeet(rings, part.rings, box, part.bbox)),
    );
  };
}

function polygonsMeet(a: Position[][], b: Position[][], boxA: BBox, boxB: BBox): boolean {
  const outerA = a[0] ?? [];
  const outerB = b[0] ?? [];
  if (outerA.some((p) => insidePolygon(p, b))) return true;
  if (outerB.some((p) => insideBox(p, boxA) && insidePolygon(p, a))) return true;
  return edgesCross(outerA, b, boxA) || edgesCross(outerB, a, boxB);
}

function insideBox(p: Position, box: BBox): boolean {
  const x = p[0] as number;
  const y = p[1] as number;
  return x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3];
}

/** Even-odd test over every ring (outer and holes). */
function insidePolygon(p: Position, rings: readonly Position[][]): boolean {
  const px = p[0] as number;
  const py = p[1] as number;
  let inside = false;
  for (const ring of rings)
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const ax = (ring[i] as Position)[0] as number;
      const ay = (ring[i] as Position)[1] as number;
      const bx = (ring[j] as Position)[0] as number;
      const by = (ring[j] as Position)[1] as number;
      if (ay > py !== by > py && px < ((bx - ax) * (py - ay)) / (by - ay) + ax) inside = !inside;
    }
  return inside;
}

/** True when an edge of `ring` crosses an edge of `rings` (edges of `rings` outside `box` are skipped). */
function edgesCross(ring: readonly Position[], rings: readonly Position[][], box: BBox): boolean {
  for (const other of rings)
    for (let j = 0; j + 1 < other.length; j++) {
      const c = other[j] as Position;
      const d = other[j + 1] as Position;
      if (
        Math.max(c[0] as number, d[0] as number) < box[0] ||
        Math.min(c[0] as number, d[0] as number) > box[2]
      )
        continue;
      if (
        Math.max(c[1] as number, d[1] as number) < box[1] ||
        Math.min(c[1] as number, d[1] as number) > box[3]
      )
        continue;
      for (let i = 0; i + 1 < ring.length; i++)
        if (segmentsCross(ring[i] as Position, ring[i + 1] as Position, c, d)) return true;
    }
  return false;
}

function segmentsCross(a: Position, b: Position, c: Position, d: Position): boolean {
  const o1 = orientation(a, b, c);
  const o2 = orientation(a, b, d);
  const o3 = orientation(c, d, a);
  const o4 = orientation(c, d, b);
  return (
    o1 * o2 <= 0 &&
    o3 * o4 <= 0 &&
    !(o1 === 0 && o2 === 0 && o3 === 0 && o4 === 0 && !collinearOverlap(a, b, c, d))
  );
}

function orientation(a: Position, b: Position, c: Position): number {
  const v =
    ((b[0] as number) - (a[0] as number)) * ((c[1] as number) - (a[1] as number)) -
    ((b[1] as number) - (a[1] as number)) * ((c[0] as number) - (a[0] as number));
  return Math.sign(v);
}

function collinearOverlap(a: Position, b: Position, c: Position, d: Position): boolean {
  const overlap = (i: 0 | 1): boolean =>
    Math.max(Math.min(a[i] as number, b[i] as number), Math.min(c[i] as number, d[i] as number)) <=
    Math.min(Math.max(a[i] as number, b[i] as number), Math.max(c[i] as number, d[i] as number));
  return overlap(0) && overlap(1);
}
