/**
 * @module polygons/orthogonalize — JOSM-style squaring of building outlines (issue 4 §3): a polygon whose every corner
 * is already within a threshold of 90° (or straight) gets exact right angles; anything else is left alone.
 */
import type { Position } from 'geojson';
import { invalid } from '../shared/index.ts';
import { frameOfRings, ringsToLocal } from './local-metres.ts';
import type { LocalFrame, LocalPoint } from './local-metres.ts';
import { signedRingArea } from './pixel-polygon.ts';
import { closeRing, findRingDefect, ringInsideRing } from '../geo/index.ts';

/** Options of {@link orthogonalizePolygon}. */
export type OrthogonalizeOptions = {
  /** A corner qualifies when within this many degrees of 90° or 180°; default 15. */
  maxAngleDeg?: number;
  /** The squared outline may differ from the input by at most this share of its area, default 0.2. */
  maxAreaChange?: number;
};

/** The outcome: the squared rings, or the input's when nothing was done. */
export type OrthogonalizeResult = { coords: Position[][]; changed: boolean };

/**
 * Squares a polygon's corners. Only a polygon whose every corner (all rings) lies within `maxAngleDeg` of 90° or
 * 180° is touched, so curved and non-rectilinear shapes (circles, triangles, 45° cuts) come back unchanged. The
 * dominant orientation is the length-weighted mean edge direction modulo 90° (angles ×4 averaged as unit vectors);
 * each edge is snapped to the nearer of the two axes, consecutive edges on the same axis merge (dropping
 * near-straight vertices), each merged edge is placed at the length-weighted mean offset of its pieces (a
 * least-squares fit with the direction fixed), and corners become the intersections of consecutive edges. Done in a
 * local metric frame, so angles are true on the ground. The result is checked (simple rings, holes inside, area
 * within `maxAreaChange`); when a check fails the input comes back unchanged.
 * @param coords - GeoJSON Polygon coordinates, `[lon, lat]`, outer ring first
 * @param options - `maxAngleDeg` (default 15), `maxAreaChange` (default 0.2)
 * @returns the rings and whether they changed
 * @throws AppError INVALID_PARAMETER_VALUE when `maxAngleDeg` is outside [0, 45) or `maxAreaChange` is negative
 * @example
 * const { coords, changed } = orthogonalizePolygon(rings, { maxAngleDeg: 15 });
 */
export function orthogonalizePolygon(
  coords: readonly (readonly Position[])[],
  options: OrthogonalizeOptions = {},
): OrthogonalizeResult {
  const maxAngleDeg = options.maxAngleDeg ?? 15;
  const maxAreaChange = options.maxAreaChange ?? 0.2;
  if (!(maxAngleDeg >= 0 && maxAngleDeg < 45)) invalid(`maxAngleDeg ${maxAngleDeg} must be in [0, 45)`);
  if (!(maxAreaChange >= 0)) invalid(`maxAreaChange ${maxAreaChange} must be >= 0`);
  const input = coords.map((ring) => ring.map((p) => [p[0] as number, p[1] as number]));
  const unchanged: OrthogonalizeResult = { coords: input, changed: false };
  const rings = coords.map(closeRing);
  if (rings.length === 0 || rings.some((ring) => ring.length < 5)) return unchanged;
  const frame = frameOfRings(rings);
  const local = ringsToLocal(frame, rings);
  const tolerance = (maxAngleDeg * Math.PI) / 180;
  if (!local.every((ring) => cornersQualify(ring, tolerance))) return unchanged;
  const axis = dominantAxis(local);
  const squared: LocalPoint[][] = [];
  for (const ring of local) {
    const out = squareRing(ring, axis);
    if (out === undefined) return unchanged;
    squared.push(out);
  }
  if (!acceptable(local, squared, maxAreaChange)) return unchanged;
  const result = toLonLat(frame, squared);
  return { coords: result, changed: !sameRings(result, input) };
}

/** Whether every vertex of a closed ring turns by an angle within `tolerance` of 90° or of 0° (straight). */
function cornersQualify(ring: readonly LocalPoint[], tolerance: number): boolean {
  const n = ring.length - 1;
  for (let i = 0; i < n; i++) {
    const prev = ring[(i + n - 1) % n] as LocalPoint;
    const here = ring[i] as LocalPoint;
    const next = ring[i + 1] as LocalPoint;
    const a1 = Math.atan2(here[1] - prev[1], here[0] - prev[0]);
    const a2 = Math.atan2(next[1] - here[1], next[0] - here[0]);
    const turn = Math.abs(normalizeAngle(a2 - a1));
    if (Math.abs(turn - Math.PI / 2) > tolerance && turn > tolerance) return false;
  }
  return true;
}

/** The orientation θ ∈ [0, π/2) of the rectilinear axes that best fit every edge (length-weighted, angles ×4). */
function dominantAxis(rings: readonly LocalPoint[][]): number {
  let sx = 0;
  let sy = 0;
  for (const ring of rings)
    for (let i = 0; i + 1 < ring.length; i++) {
      const a = ring[i] as LocalPoint;
      const b = ring[i + 1] as LocalPoint;
      const dx = b[0] - a[0];
      const dy = b[1] - a[1];
      const length = Math.hypot(dx, dy);
      const angle = Math.atan2(dy, dx);
      sx += length * Math.cos(4 * angle);
      sy += length * Math.sin(4 * angle);
    }
  const theta = Math.atan2(sy, sx) / 4;
  return theta < 0 ? theta + Math.PI / 2 : theta;
}

type Edge = { axis: 0 | 1; offsetSum: number; length: number };

/**
 * Squares one closed ring in a frame rotated by `theta`: edges snapped to axis 0 (along θ) or 1 (across), runs on one
 * axis merged, corners at the intersections. Undefined when fewer than 4 edges remain or the axes do not alternate.
 */
function squareRing(ring: readonly LocalPoint[], theta: number): LocalPoint[] | undefined {
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
  if (edges.length < 4 || edges.length % 2 !== 0) return undefined;
  const corners: LocalPoint[] = [];
  // Corner i joins edge i − 1 to edge i, so the ring starts where the input's did.
  for (let i = 0; i < edges.length; i++) {
    const e1 = edges[(i + edges.length - 1) % edges.length] as Edge;
    const e2 = edges[i] as Edge;
    const o1 = e1.offsetSum / e1.length;
    const o2 = e2.offsetSum / e2.length;
    const [u, v] = e1.axis === 0 ? [o2, o1] : [o1, o2];
    corners.push([u * cos - v * sin, u * sin + v * cos]);
  }
  corners.push(corners[0] as LocalPoint);
  return corners;
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

function normalizeAngle(angle: number): number {
  let a = angle;
  while (a > Math.PI) a -= 2 * Math.PI;
  while (a < -Math.PI) a += 2 * Math.PI;
  return a;
}
