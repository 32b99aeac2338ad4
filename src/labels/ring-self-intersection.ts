/**
 * @module labels/ring-self-intersection — finds where a ring touches or crosses itself, with a sweep over segments
 * sorted by x so rings of many thousand vertices stay fast.
 */
import type { Position } from 'geojson';
import { orientation, segmentsIntersect } from './ring-geometry.ts';

/** Two segments of a ring that meet although they should not, and a position near the place. */
export type RingDefect = { first: number; second: number; near: Position };

type Segment = { index: number; minX: number; maxX: number; minY: number; maxY: number };

/**
 * Finds the first pair of segments where a closed ring crosses or touches itself: non-adjacent segments sharing a
 * point, or adjacent segments folding back over each other (a spike).
 * @param ring - a closed ring without consecutive duplicate positions, at least 4 positions
 * @returns the defect, or undefined for a simple ring
 */
export function findSelfIntersection(ring: readonly Position[]): RingDefect | undefined {
  const count = ring.length - 1;
  const segments = segmentsOf(ring).sort((a, b) => a.minX - b.minX);
  const active: Segment[] = [];
  for (const segment of segments) {
    let kept = 0;
    for (const other of active) {
      if (other.maxX < segment.minX) continue;
      active[kept++] = other;
      if (other.maxY < segment.minY || segment.maxY < other.minY) continue;
      const i = Math.min(segment.index, other.index);
      const j = Math.max(segment.index, other.index);
      if (meets(ring, i, j, count)) return { first: i, second: j, near: ring[j] ?? [] };
    }
    active.length = kept;
    active.push(segment);
  }
  return undefined;
}

function segmentsOf(ring: readonly Position[]): Segment[] {
  const segments: Segment[] = [];
  for (let index = 0; index + 1 < ring.length; index++) {
    const [ax = 0, ay = 0] = ring[index] ?? [];
    const [bx = 0, by = 0] = ring[index + 1] ?? [];
    segments.push({
      index,
      minX: Math.min(ax, bx),
      maxX: Math.max(ax, bx),
      minY: Math.min(ay, by),
      maxY: Math.max(ay, by),
    });
  }
  return segments;
}

/** Whether segments i < j of a ring with `count` segments meet in a way a simple ring does not allow. */
function meets(ring: readonly Position[], i: number, j: number, count: number): boolean {
  const at = (k: number): Position => ring[k] ?? [];
  if (j === i + 1) return foldsBack(at(i), at(j), at(j + 1));
  if (i === 0 && j === count - 1) return foldsBack(at(j), at(0), at(1));
  return segmentsIntersect(at(i), at(i + 1), at(j), at(j + 1));
}

/** Whether the path a → shared → c turns back onto itself (a and c on the same ray from `shared`). */
function foldsBack(a: Position, shared: Position, c: Position): boolean {
  if (orientation(a, shared, c) !== 0) return false;
  const [ax = 0, ay = 0] = a;
  const [sx = 0, sy = 0] = shared;
  const [cx = 0, cy = 0] = c;
  return (ax - sx) * (cx - sx) + (ay - sy) * (cy - sy) > 0;
}
