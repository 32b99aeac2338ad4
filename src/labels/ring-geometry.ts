/** @module labels/ring-geometry — planar predicates on lon/lat rings: area sign, point in ring, segment crossings. */
import type { Position } from 'geojson';

/** A 2-D position `[lon, lat]`. */
export type LonLat = [number, number];

/** Whether two positions have the same lon and lat. */
export function samePosition(a: Position, b: Position): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

/**
 * Planar signed area of a closed ring in square degrees (shoelace): positive when counter-clockwise. Its sign is the
 * ring's orientation, which is all RFC 7946 winding needs.
 * @param ring - a closed ring (first position repeated last)
 */
export function signedArea(ring: readonly Position[]): number {
  let twice = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1 = 0, y1 = 0] = ring[i] ?? [];
    const [x2 = 0, y2 = 0] = ring[i + 1] ?? [];
    twice += x1 * y2 - x2 * y1;
  }
  return twice / 2;
}

/** Sign of the cross product (b - a) x (c - a): > 0 when c is left of a→b, 0 when collinear. */
export function orientation(a: Position, b: Position, c: Position): number {
  const [ax = 0, ay = 0] = a;
  const [bx = 0, by = 0] = b;
  const [cx = 0, cy = 0] = c;
  return Math.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));
}

/** Whether `p`, known to be collinear with segment a–b, lies within its bounding box (so on the segment). */
function onSegment(a: Position, b: Position, p: Position): boolean {
  const [ax = 0, ay = 0] = a;
  const [bx = 0, by = 0] = b;
  const [px = 0, py = 0] = p;
  return Math.min(ax, bx) <= px && px <= Math.max(ax, bx) && Math.min(ay, by) <= py && py <= Math.max(ay, by);
}

/** Whether segments p1–p2 and p3–p4 share at least one point (crossing, touching or overlapping). */
export function segmentsIntersect(p1: Position, p2: Position, p3: Position, p4: Position): boolean {
  const d1 = orientation(p3, p4, p1);
  const d2 = orientation(p3, p4, p2);
  const d3 = orientation(p1, p2, p3);
  const d4 = orientation(p1, p2, p4);
  if (d1 * d2 < 0 && d3 * d4 < 0) return true;
  return (
    (d1 === 0 && onSegment(p3, p4, p1)) ||
    (d2 === 0 && onSegment(p3, p4, p2)) ||
    (d3 === 0 && onSegment(p1, p2, p3)) ||
    (d4 === 0 && onSegment(p1, p2, p4))
  );
}

/**
 * Where a point lies relative to a closed ring (even-odd rule).
 * @returns `inside`, `outside` or `boundary`
 */
export function pointInRing(point: Position, ring: readonly Position[]): 'inside' | 'outside' | 'boundary' {
  const [px = 0, py = 0] = point;
  let inside = false;
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i] ?? [];
    const b = ring[i + 1] ?? [];
    if (orientation(a, b, point) === 0 && onSegment(a, b, point)) return 'boundary';
    const [ax = 0, ay = 0] = a;
    const [bx = 0, by = 0] = b;
    if (ay > py !== by > py && px < ((bx - ax) * (py - ay)) / (by - ay) + ax) inside = !inside;
  }
  return inside ? 'inside' : 'outside';
}
