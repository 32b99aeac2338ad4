/**
 * @module geo/ring-checks — planar tests on rings, in any planar coordinates (lon/lat labels, pixel masks): where
 * rings cross or touch themselves or each other (a sweep over x-sorted segments, fast for rings of many thousand
 * vertices), point in ring, signed area and ring shape basics. Label import (`labels`) and the polygon pipeline
 * (`polygons`) both build on it.
 */
import type { Position } from 'geojson';

/** What is wrong where two segments meet. */
export type RingDefect = {
  kind: 'self-intersection' | 'rings-cross';
  /** Index of the first ring (and the second for `rings-cross`). */
  rings: [number, number];
  /** The two segments that meet, by their start index in their rings (the first ring's first). */
  segments: [number, number];
  /** A vertex of the meeting place, for messages. */
  near: Position;
};

type Segment = { ring: number; index: number; minX: number; maxX: number; minY: number; maxY: number };

/**
 * Sign of the turn a → b → c: positive counter-clockwise (y up), negative clockwise, 0 collinear.
 * @returns the cross product `(b − a) × (c − a)`
 */
export function orientation(a: Position, b: Position, c: Position): number {
  const ax = a[0] as number;
  const ay = a[1] as number;
  return (
    ((b[0] as number) - ax) * ((c[1] as number) - ay) - ((b[1] as number) - ay) * ((c[0] as number) - ax)
  );
}

/**
 * Whether closed segments ab and cd share at least one point (crossing, touching or overlapping).
 * @returns true when they meet
 */
export function segmentsIntersect(a: Position, b: Position, c: Position, d: Position): boolean {
  const o1 = Math.sign(orientation(a, b, c));
  const o2 = Math.sign(orientation(a, b, d));
  const o3 = Math.sign(orientation(c, d, a));
  const o4 = Math.sign(orientation(c, d, b));
  if (o1 !== o2 && o3 !== o4) return true;
  return (
    (o1 === 0 && onSegment(a, b, c)) ||
    (o2 === 0 && onSegment(a, b, d)) ||
    (o3 === 0 && onSegment(c, d, a)) ||
    (o4 === 0 && onSegment(c, d, b))
  );
}

/** Whether p, collinear with ab, lies within ab's bounding box. */
function onSegment(a: Position, b: Position, p: Position): boolean {
  const px = p[0] as number;
  const py = p[1] as number;
  return (
    px >= Math.min(a[0] as number, b[0] as number) &&
    px <= Math.max(a[0] as number, b[0] as number) &&
    py >= Math.min(a[1] as number, b[1] as number) &&
    py <= Math.max(a[1] as number, b[1] as number)
  );
}

/**
 * Finds the first place where closed rings cross or touch in a way a valid polygon does not allow: a ring meeting
 * itself anywhere but at neighbouring segments' shared vertex (or folding back onto itself), or two rings crossing
 * or overlapping along a stretch. Two different rings may touch at single points (OGC: a hole may touch its shell).
 * @param rings - closed rings (first = last) without consecutive duplicate positions
 * @returns the first defect found, or undefined when every ring is simple and no two rings cross
 */
export function findRingDefect(rings: readonly (readonly Position[])[]): RingDefect | undefined {
  const segments: Segment[] = [];
  rings.forEach((ring, r) => {
    for (let index = 0; index + 1 < ring.length; index++) {
      const a = ring[index] as Position;
      const b = ring[index + 1] as Position;
      segments.push({
        ring: r,
        index,
        minX: Math.min(a[0] as number, b[0] as number),
        maxX: Math.max(a[0] as number, b[0] as number),
        minY: Math.min(a[1] as number, b[1] as number),
        maxY: Math.max(a[1] as number, b[1] as number),
      });
    }
  });
  segments.sort((a, b) => a.minX - b.minX);
  const active: Segment[] = [];
  for (const segment of segments) {
    let kept = 0;
    for (const other of active) {
      if (other.maxX < segment.minX) continue;
      active[kept++] = other;
      if (other.maxY < segment.minY || segment.maxY < other.minY) continue;
      const defect = meeting(rings, segment, other);
      if (defect !== undefined) return defect;
    }
    active.length = kept;
    active.push(segment);
  }
  return undefined;
}

function meeting(rings: readonly (readonly Position[])[], s: Segment, t: Segment): RingDefect | undefined {
  const ringS = rings[s.ring] as readonly Position[];
  const ringT = rings[t.ring] as readonly Position[];
  const a = ringS[s.index] as Position;
  const b = ringS[s.index + 1] as Position;
  const c = ringT[t.index] as Position;
  const d = ringT[t.index + 1] as Position;
  if (s.ring === t.ring) {
    const count = ringS.length - 1;
    const i = Math.min(s.index, t.index);
    const j = Math.max(s.index, t.index);
    // Indexed directly: a closure here would be created for every pair of segments tested.
    const bad =
      j === i + 1
        ? foldsBack(ringS[i] as Position, ringS[j] as Position, ringS[j + 1] as Position)
        : i === 0 && j === count - 1
          ? foldsBack(ringS[j] as Position, ringS[0] as Position, ringS[1] as Position)
          : segmentsIntersect(a, b, c, d);
    return bad
      ? { kind: 'self-intersection', rings: [s.ring, s.ring], segments: [i, j], near: ringS[j] as Position }
      : undefined;
  }
  if (!segmentsIntersect(a, b, c, d)) return undefined;
  if (!crossesOrOverlaps(a, b, c, d)) return undefined;
  const [first, second] = s.ring < t.ring ? [s, t] : [t, s];
  return {
    kind: 'rings-cross',
    rings: [first.ring, second.ring],
    segments: [first.index, second.index],
    near: (rings[second.ring] as readonly Position[])[second.index] as Position,
  };
}

/** Whether segments that meet do more than touch at one point: a proper crossing or a shared stretch. */
function crossesOrOverlaps(a: Position, b: Position, c: Position, d: Position): boolean {
  const o1 = Math.sign(orientation(a, b, c));
  const o2 = Math.sign(orientation(a, b, d));
  const o3 = Math.sign(orientation(c, d, a));
  const o4 = Math.sign(orientation(c, d, b));
  if (o1 === 0 && o2 === 0) return collinearOverlapLength(a, b, c, d) > 0;
  return o1 * o2 < 0 && o3 * o4 < 0;
}

function collinearOverlapLength(a: Position, b: Position, c: Position, d: Position): number {
  const dx = (b[0] as number) - (a[0] as number);
  const dy = (b[1] as number) - (a[1] as number);
  const len2 = dx * dx + dy * dy;
  if (len2 === 0) return 0;
  const t = (p: Position): number =>
    (((p[0] as number) - (a[0] as number)) * dx + ((p[1] as number) - (a[1] as number)) * dy) / len2;
  const lo = Math.max(0, Math.min(t(c), t(d)));
  const hi = Math.min(1, Math.max(t(c), t(d)));
  return hi - lo;
}

/** Whether the path a → shared → c turns back onto itself (a and c on the same ray from `shared`). */
function foldsBack(a: Position, shared: Position, c: Position): boolean {
  if (orientation(a, shared, c) !== 0) return false;
  const sx = shared[0] as number;
  const sy = shared[1] as number;
  return (
    ((a[0] as number) - sx) * ((c[0] as number) - sx) + ((a[1] as number) - sy) * ((c[1] as number) - sy) > 0
  );
}

/**
 * Where a point lies relative to a closed ring (crossing-number test).
 * @param point - the point
 * @param ring - a closed ring
 * @returns inside, outside or on the boundary
 */
export function pointInRing(point: Position, ring: readonly Position[]): 'inside' | 'outside' | 'boundary' {
  const px = point[0] as number;
  const py = point[1] as number;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i] as Position;
    const b = ring[j] as Position;
    if (orientation(a, b, point) === 0 && onSegment(a, b, point)) return 'boundary';
    const ay = a[1] as number;
    const by = b[1] as number;
    if (ay > py !== by > py) {
      const x = (a[0] as number) + ((py - ay) * ((b[0] as number) - (a[0] as number))) / (by - ay);
      if (px < x) inside = !inside;
    }
  }
  return inside ? 'inside' : 'outside';
}

/**
 * Whether ring `inner` lies inside ring `outer`, judged by its first vertex not on `outer`'s boundary (rings that
 * do not cross are then wholly inside or outside; a ring lying entirely on the other's boundary counts as inside).
 * @param inner - a closed ring
 * @param outer - a closed ring
 * @returns true when inside
 */
export function ringInsideRing(inner: readonly Position[], outer: readonly Position[]): boolean {
  for (const p of inner) {
    const where = pointInRing(p, outer);
    if (where !== 'boundary') return where === 'inside';
  }
  // Every vertex is on the boundary: decide by an edge midpoint.
  const a = inner[0] as Position;
  const b = inner[1] as Position;
  const mid = [((a[0] as number) + (b[0] as number)) / 2, ((a[1] as number) + (b[1] as number)) / 2];
  return pointInRing(mid, outer) !== 'outside';
}

/**
 * Removes consecutive duplicate positions and closes the ring.
 * @param ring - positions, closed or not
 * @returns a new closed ring
 */
export function closeRing(ring: readonly Position[]): Position[] {
  const out: Position[] = [];
  for (const p of ring) {
    const last = out[out.length - 1];
    if (last === undefined || last[0] !== p[0] || last[1] !== p[1])
      out.push([p[0] as number, p[1] as number]);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (
    first !== undefined &&
    last !== undefined &&
    out.length > 1 &&
    (first[0] !== last[0] || first[1] !== last[1])
  )
    out.push([first[0] as number, first[1] as number]);
  return out;
}

/**
 * Planar signed area of a closed ring (shoelace), in the square of its units: positive when counter-clockwise (y up).
 * Its sign is the ring's orientation, which is all RFC 7946 winding needs.
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

/** Whether two positions are equal in x and y. */
export function samePosition(a: Position, b: Position): boolean {
  return a[0] === b[0] && a[1] === b[1];
}
