/**
 * @module polygons/orthogonalize — JOSM-style squaring of building outlines (issue 4 §3): a polygon whose walls already
 * lie within a threshold of two perpendicular axes gets exact right angles; anything else is left alone. Short edges
 * do not count as walls, so the wobbles and rounded corners of an outline traced from a mask do not stop it.
 */
import type { Position } from 'geojson';
import { invalid } from '../shared/index.ts';
import { frameOfRings, ringsToLocal } from './local-metres.ts';
import type { LocalFrame, LocalPoint } from './local-metres.ts';
import { signedRingArea } from './pixel-polygon.ts';
import { closeRing, findRingDefect, ringInsideRing } from '../geo/index.ts';

/** Options of {@link orthogonalizePolygon}. */
export type OrthogonalizeOptions = {
  /** Walls may deviate from the building's axes by at most this many degrees; default 15. */
  maxAngleDeg?: number;
  /** The squared outline may differ from the input by at most this share of its area, default 0.2. */
  maxAreaChange?: number;
  /**
   * Edges further than `maxAngleDeg` from the building's axes may make up at most this share of a ring's perimeter,
   * default 0.1: the short wobbles and cut corners a traced mask has, not a real diagonal wall.
   */
  maxOffAxisShare?: number;
  /** Steps of the squared outline shorter than this many metres are removed (the walls beside them join), default 1. */
  minStepM?: number;
  /** Edges shorter than this many metres are noise to the off-axis test, default 2. */
  minWallM?: number;
};

/** The outcome: the squared rings, or the input's when nothing was done. */
export type OrthogonalizeResult = { coords: Position[][]; changed: boolean };

/**
 * Squares a building outline. The building's axes are the length-weighted mean edge direction modulo 90° (angles ×4
 * averaged as unit vectors). Only a polygon whose edges lie within `maxAngleDeg` of those axes, but for short ones
 * making up at most `maxOffAxisShare` of each ring's perimeter, is touched, so curved and non-rectilinear shapes
 * (circles, triangles, long 45° walls) come back unchanged while a traced mask's wobbles and rounded corners do not
 * stop the squaring. Each edge is snapped to the nearer axis, consecutive edges on one axis merge, each merged wall is
 * placed at the length-weighted mean offset of its pieces (a least-squares fit with the direction fixed), steps
 * shorter than `minStepM` are removed (the walls beside them join), and corners become the intersections of
 * consecutive walls. Done in a local metric frame, so angles are true on the ground. The result is checked (simple
 * rings, holes inside, area within `maxAreaChange`); when a check fails the input comes back unchanged.
 * @param coords - GeoJSON Polygon coordinates, `[lon, lat]`, outer ring first
 * @param options - `maxAngleDeg` (default 15), `maxAreaChange` (0.2), `maxOffAxisShare` (0.1), `minStepM` (1)
 * @returns the rings and whether they changed
 * @throws AppError INVALID_PARAMETER_VALUE when `maxAngleDeg` is outside [0, 45), `maxAreaChange` or `minStepM` is
 *   negative, or `maxOffAxisShare` is outside [0, 1)
 * @example
 * const { coords, changed } = orthogonalizePolygon(rings, { maxAngleDeg: 15 });
 */
export function orthogonalizePolygon(
  coords: readonly (readonly Position[])[],
  options: OrthogonalizeOptions = {},
): OrthogonalizeResult {
  const maxAngleDeg = options.maxAngleDeg ?? 15;
  const maxAreaChange = options.maxAreaChange ?? 0.2;
  const maxOffAxisShare = options.maxOffAxisShare ?? 0.1;
  const minStepM = options.minStepM ?? 1;
  const minWallM = options.minWallM ?? 2;
  if (!(maxAngleDeg >= 0 && maxAngleDeg < 45)) invalid(`maxAngleDeg ${maxAngleDeg} must be in [0, 45)`);
  if (!(maxAreaChange >= 0)) invalid(`maxAreaChange ${maxAreaChange} must be >= 0`);
  if (!(maxOffAxisShare >= 0 && maxOffAxisShare < 1))
    invalid(`maxOffAxisShare ${maxOffAxisShare} must be in [0, 1)`);
  if (!(minStepM >= 0)) invalid(`minStepM ${minStepM} must be >= 0`);
  const input = coords.map((ring) => ring.map((p) => [p[0] as number, p[1] as number]));
  const unchanged: OrthogonalizeResult = { coords: input, changed: false };
  const rings = coords.map(closeRing);
  if (rings.length === 0 || rings.some((ring) => ring.length < 5)) return unchanged;
  const frame = frameOfRings(rings);
  const local = ringsToLocal(frame, rings);
  const axis = dominantAxis(local);
  const tolerance = (maxAngleDeg * Math.PI) / 180;
  if (!local.every((ring) => offAxisShare(ring, axis, tolerance, minWallM) <= maxOffAxisShare))
    return unchanged;
  const squared: LocalPoint[][] = [];
  for (const ring of local) {
    const out = squareRing(ring, axis, minStepM);
    if (out === undefined) return unchanged;
    squared.push(out);
  }
  if (!acceptable(local, squared, maxAreaChange)) return unchanged;
  const result = toLonLat(frame, squared);
  return { coords: result, changed: !sameRings(result, input) };
}

/** The share of a closed ring's perimeter in edges further than `tolerance` (radians) from the axes at `theta`. */
function offAxisShare(
  ring: readonly LocalPoint[],
  theta: number,
  tolerance: number,
  minWall: number,
): number {
  let perimeter = 0;
  let off = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i] as LocalPoint;
    const b = ring[i + 1] as LocalPoint;
    const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (length >= minWall && axisDeviation(Math.atan2(b[1] - a[1], b[0] - a[0]), theta) > tolerance)
      off += length;
    perimeter += length;
  }
  return perimeter > 0 ? off / perimeter : 1;
}

/** The orientation θ ∈ [0, π/2) of the rectilinear axes that best fit every edge (length-weighted, angles ×4). */
function dominantAxis(rings: readonly LocalPoint[][]): number {
  let sx = 0;
  let sy = 0;
  for (const ring of rings)
    for (let i = 0; i + 1 < ring.length; i++) {
      const a = ring[i] as LocalPoint;
      const b = ring[i + 1] as LocalPoint;
      const angle = Math.atan2(b[1] - a[1], b[0] - a[0]);
      const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
      sx += length * Math.cos(4 * angle);
      sy += length * Math.sin(4 * angle);
    }
  const theta = Math.atan2(sy, sx) / 4;
  return theta < 0 ? theta + Math.PI / 2 : theta;
}

/** How far a direction lies from the nearer of the axes at `theta`, in [0, π/4]. */
function axisDeviation(angle: number, theta: number): number {
  let d = (angle - theta) % (Math.PI / 2);
  if (d < 0) d += Math.PI / 2;
  return Math.min(d, Math.PI / 2 - d);
}

type Edge = { axis: 0 | 1; offsetSum: number; length: number };

/** Where a merged wall lies across its axis: the length-weighted mean offset of its pieces. */
const wallOffset = (e: Edge): number => e.offsetSum / e.length;

/**
 * Squares one closed ring in a frame rotated by `theta`: edges snapped to axis 0 (along θ) or 1 (across), runs on one
 * axis merged, steps shorter than `minStep` removed, corners at the intersections. Undefined when fewer than 4 edges
 * remain or the axes do not alternate.
 */
function squareRing(ring: readonly LocalPoint[], theta: number, minStep: number): LocalPoint[] | undefined {
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const rotated = ring.map(([x, y]): LocalPoint => [x * cos + y * sin, -x * sin + y * cos]);
  const edges: Edge[] = [];
  for (let i = 0; i + 1 < rotated.length; i++) {
    const a = rotated[i] as LocalPoint;
    const b = rotated[i + 1] as LocalPoint;
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const length = Math.hypot(dx, dy);
    if (length === 0) continue;
    const axis: 0 | 1 = Math.abs(dx) >= Math.abs(dy) ? 0 : 1;
    // Axis 0 edges are lines y = const, axis 1 edges lines x = const; the offset is the mean of that coordinate.
    const offset = axis === 0 ? (a[1] + b[1]) / 2 : (a[0] + b[0]) / 2;
    const last = edges[edges.length - 1];
    if (last !== undefined && last.axis === axis) {
      last.offsetSum += offset * length;
      last.length += length;
    } else edges.push({ axis, offsetSum: offset * length, length });
  }
  const first = edges[0];
  const last = edges[edges.length - 1];
  if (edges.length > 1 && first !== undefined && last !== undefined && first.axis === last.axis) {
    first.offsetSum += last.offsetSum;
    first.length += last.length;
    edges.pop();
  }
  if (edges.length % 2 !== 0) return undefined;
  removeShortSteps(edges, minStep);
  if (edges.length < 4) return undefined;
  const corners: LocalPoint[] = [];
  // Corner i joins edge i − 1 to edge i, so the ring starts where the input's did.
  for (let i = 0; i < edges.length; i++) {
    const e1 = edges[(i + edges.length - 1) % edges.length] as Edge;
    const e2 = edges[i] as Edge;
    const o1 = wallOffset(e1);
    const o2 = wallOffset(e2);
    const [u, v] = e1.axis === 0 ? [o2, o1] : [o1, o2];
    corners.push([u * cos - v * sin, u * sin + v * cos]);
  }
  corners.push(corners[0] as LocalPoint);
  return corners;
}

/**
 * Removes, shortest first, each wall whose length (the distance between its neighbours' offsets) is below `minStep`,
 * joining the two parallel walls beside it at their length-weighted offset; alternation is kept (two walls go per
 * step). Stops at 4 walls.
 */
function removeShortSteps(edges: Edge[], minStep: number): void {
  const span = (i: number): number => {
    const n = edges.length;
    return Math.abs(wallOffset(edges[(i + 1) % n] as Edge) - wallOffset(edges[(i + n - 1) % n] as Edge));
  };
  while (edges.length > 4) {
    let shortest = -1;
    for (let i = 0; i < edges.length; i++)
      if (span(i) < minStep && (shortest < 0 || span(i) < span(shortest))) shortest = i;
    if (shortest < 0) return;
    const n = edges.length;
    const before = edges[(shortest + n - 1) % n] as Edge;
    const after = edges[(shortest + 1) % n] as Edge;
    before.offsetSum += after.offsetSum;
    before.length += after.length;
    // Remove the step and the wall after it (merged into the one before), the later index first.
    const afterIndex = (shortest + 1) % n;
    for (const index of [shortest, afterIndex].sort((a, b) => b - a)) edges.splice(index, 1);
  }
}

function acceptable(
  before: readonly LocalPoint[][],
  after: readonly LocalPoint[][],
  maxAreaChange: number,
): boolean {
  for (let r = 0; r < before.length; r++) {
    const a0 = signedRingArea(before[r] as LocalPoint[]);
    const a1 = signedRingArea(after[r] as LocalPoint[]);
    if (Math.sign(a0) !== Math.sign(a1) || Math.abs(a1 - a0) > maxAreaChange * Math.abs(a0)) return false;
  }
  if (findRingDefect(after) !== undefined) return false;
  const outer = after[0] as LocalPoint[];
  return after.slice(1).every((hole) => ringInsideRing(hole, outer));
}

function toLonLat(frame: LocalFrame, rings: readonly LocalPoint[][]): Position[][] {
  return rings.map((ring) => {
    const out = ring.slice(0, -1).map((p) => frame.toLonLat(p) as Position);
    out.push([...(out[0] as Position)]);
    return out;
  });
}

function sameRings(a: readonly Position[][], b: readonly Position[][]): boolean {
  if (a.length !== b.length) return false;
  return a.every((ring, r) => {
    const other = b[r] as Position[];
    if (ring.length !== other.length) return false;
    return ring.every((p, i) => {
      const q = other[i] as Position;
      return (
        Math.abs((p[0] as number) - (q[0] as number)) < 1e-10 &&
        Math.abs((p[1] as number) - (q[1] as number)) < 1e-10
      );
    });
  });
}
