/**
 * @module polygons/simplify — Douglas–Peucker simplification of lon/lat polygons with a tolerance in true ground
 * metres (issue 4 §3): pixel staircases become straight edges, and the result is never less valid than the input.
 */
import type { Position } from 'geojson';
import { invalid } from '../shared/index.ts';
import { flatRingToLocal, frameOfRings } from './local-metres.ts';
import type { LocalPoint } from './local-metres.ts';
import { signedRingArea } from './pixel-polygon.ts';
import type { PixelPolygon, PixelPolygonLike } from './pixel-polygon.ts';
import { closeRing, findRingDefect, ringInsideRing } from '../geo/index.ts';

/** How often the tolerance is halved when a simplification would make the polygon invalid. */
const RETRIES = 4;

/**
 * Simplifies a polygon ring by ring with Douglas–Peucker in a local metric frame (EPSG:3857 scaled by the local
 * scale factor, so `toleranceM` is ground metres). The result keeps a subset of the input's vertices (exact
 * coordinates), each ring at least 4 positions, outer ring and holes keeping their winding. When the simplified rings
 * would cross themselves or each other, or a hole would leave its shell, the tolerance is halved (up to 4 times) and
 * finally 0 (only collinear vertices go). Holes that collapse (fewer than 3 corners or no area) are dropped. A pixel
 * staircase at zoom 19 (≈ 0.3 m steps) becomes straight at a tolerance of 0.3–0.5 m.
 * @param coords - GeoJSON Polygon coordinates, `[lon, lat]`, outer ring first
 * @param toleranceM - maximum distance of a removed vertex from the simplified outline, metres (≥ 0)
 * @returns the simplified rings (closed), or undefined when the outer ring is degenerate (fewer than 3 distinct
 *   corners, or no area without crossing itself). An input that is already invalid (a bow-tie, a hole outside) comes
 *   back with only repeated positions removed, for `makeValid` to repair.
 * @throws AppError INVALID_PARAMETER_VALUE when the tolerance is negative or not finite
 * @example
 * const rings = simplifyPolygon(feature.geometry.coordinates, 0.4);
 */
export function simplifyPolygon(
  coords: readonly (readonly Position[])[],
  toleranceM: number,
): Position[][] | undefined {
  checkTolerance(toleranceM, 'm');
  const rings = coords.map(closedRing);
  const outer = rings[0];
  if (outer === undefined || outer.length < 4) return undefined;
  const frame = frameOfRings(rings);
  const kept = simplifyPlanarRings(
    rings.map((ring) => flatRingToLocal(frame, ring)),
    toleranceM,
  );
  return kept === undefined ? undefined : pick(rings, kept);
}

/** `closeRing` of a ring, or the ring itself when it already is closed without repeats (traced rings are). */
function closedRing(ring: readonly Position[]): readonly Position[] {
  return isClosedWithoutRepeats(ring) ? ring : closeRing(ring);
}

function isClosedWithoutRepeats(ring: readonly Position[]): boolean {
  if (ring.length < 2) return false;
  let last = ring[0] as Position;
  for (let i = 1; i < ring.length; i++) {
    const p = ring[i] as Position;
    if (p[0] === last[0] && p[1] === last[1]) return false;
    last = p;
  }
  const first = ring[0] as Position;
  return first[0] === last[0] && first[1] === last[1];
}

/**
 * Simplifies a polygon in pixel space (tolerance in pixels), with the same guarantees as {@link simplifyPolygon}.
 * @param polygon - pixel rings, outer first
 * @param tolerancePx - maximum distance of a removed vertex, pixels (≥ 0)
 * @returns the simplified rings (closed), or undefined when the outer ring is degenerate
 * @throws AppError INVALID_PARAMETER_VALUE when the tolerance is negative or not finite
 */
export function simplifyPixelPolygon(
  polygon: PixelPolygonLike,
  tolerancePx: number,
): PixelPolygon | undefined {
  checkTolerance(tolerancePx, 'px');
  const rings = polygon.map((ring) =>
    closeRing(ring).map((p): [number, number] => [p[0] as number, p[1] as number]),
  );
  const outer = rings[0];
  if (outer === undefined || outer.length < 4) return undefined;
  const kept = simplifyPlanarRings(rings.map(flatRing), tolerancePx);
  return kept === undefined ? undefined : (pick(rings, kept) as PixelPolygon);
}

/**
 * A closed planar ring stored flat (x of vertex i at `2i`, y at `2i + 1`; the last vertex repeats the first): the
 * traced staircases have many vertices, and pairs would be allocated and collected for each.
 */
type FlatRing = Float64Array;

/** Vertices of a flat ring, the closing one included. */
function vertexCount(ring: FlatRing): number {
  return ring.length >> 1;
}

function flatRing(ring: readonly Position[]): FlatRing {
  const out = new Float64Array(2 * ring.length);
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i] as Position;
    out[2 * i] = p[0] as number;
    out[2 * i + 1] = p[1] as number;
  }
  return out;
}

/**
 * The vertices to keep of each planar ring: Douglas–Peucker at `tolerance`, halved (up to 4 times) and finally 0
 * whenever the result would be invalid. Collapsed holes get an empty list.
 * @returns indices per ring; the input's own (all non-duplicate) vertices when even tolerance 0 is invalid;
 *   undefined when the outer ring has no area
 */
function simplifyPlanarRings(rings: readonly FlatRing[], toleranceStart: number): number[][] | undefined {
  const all = (): number[][] =>
    rings.map((ring) => Array.from({ length: vertexCount(ring) - 1 }, (_, i) => i));
  // Measured once: every attempt compares the winding of its selection with these.
  const windings = rings.map((ring) => Math.sign(flatSignedArea(ring)));
  // Zero area is degenerate, except for a self-crossing ring whose halves cancel (a bow-tie): that is left for repair.
  const outer = rings[0] as FlatRing;
  if (windings[0] === 0) return allCollinear(outer) ? undefined : all();
  let tolerance = toleranceStart;
  for (let attempt = 0; attempt <= RETRIES + 1; attempt++) {
    const kept = simplifyRings(rings, tolerance);
    if (kept !== undefined && isValidSelection(rings, windings, kept)) return kept;
    tolerance = attempt >= RETRIES ? 0 : tolerance / 2;
  }
  return all();
}

/** `signedRingArea` of a flat ring: the same terms in the same order. */
function flatSignedArea(ring: FlatRing): number {
  let twice = 0;
  const n = vertexCount(ring);
  for (let i = 0; i < n; i++) {
    const j = i + 1 === n ? 0 : i + 1;
    twice +=
      (ring[2 * i] as number) * (ring[2 * j + 1] as number) -
      (ring[2 * j] as number) * (ring[2 * i + 1] as number);
  }
  return twice / 2;
}

/** Whether every vertex lies on one line (within a nanometre-scale floor). */
function allCollinear(ring: FlatRing): boolean {
  const n = vertexCount(ring);
  const fx = ring[0] as number;
  const fy = ring[1] as number;
  let far = 0;
  let farD = 0;
  for (let i = 0; i < n; i++) {
    const d = squaredDistance(ring, i, fx, fy);
    if (d > farD) {
      farD = d;
      far = i;
    }
  }
  const dx = (ring[2 * far] as number) - fx;
  const dy = (ring[2 * far + 1] as number) - fy;
  const length = Math.hypot(dx, dy);
  if (length === 0) return true;
  for (let i = 0; i < n; i++)
    if (
      !(
        Math.abs(((ring[2 * i] as number) - fx) * dy - ((ring[2 * i + 1] as number) - fy) * dx) / length <=
        1e-9
      )
    )
      return false;
  return true;
}

function checkTolerance(tolerance: number, unit: string): void {
  if (!(tolerance >= 0) || !Number.isFinite(tolerance))
    invalid(`simplify tolerance ${tolerance} ${unit} is not a finite number >= 0`);
}

/**
 * Vertex indices Douglas–Peucker keeps of one closed ring: the ring is split at its first vertex and the vertex
 * farthest from it, each half simplified, then the first vertex itself dropped when it lies within the tolerance.
 * @param ring - closed ring of planar points (first = last)
 * @param tolerance - maximum distance of a dropped vertex, same units
 * @returns indices into `ring` (without the closing position), in order; fewer than 3 when the ring collapses
 */
export function douglasPeuckerRing(ring: readonly LocalPoint[], tolerance: number): number[] {
  return douglasPeuckerFlat(flatRing(ring), tolerance);
}

function douglasPeuckerFlat(ring: FlatRing, tolerance: number): number[] {
  const n = vertexCount(ring) - 1;
  if (n < 3) return Array.from({ length: Math.max(0, n) }, (_, i) => i);
  // A floor far below any real tolerance, so rounding noise does not keep collinear vertices at tolerance 0.
  const tol2 = Math.max(tolerance, 1e-9) ** 2;
  const keep = new Uint8Array(n + 1);
  const fx = ring[0] as number;
  const fy = ring[1] as number;
  let far = 1;
  let farD = -1;
  for (let i = 1; i < n; i++) {
    const d = squaredDistance(ring, i, fx, fy);
    if (d > farD) {
      farD = d;
      far = i;
    }
  }
  keep[0] = 1;
  keep[far] = 1;
  keep[n] = 1;
  simplifyPath(ring, 0, far, tol2, keep);
  simplifyPath(ring, far, n, tol2, keep);
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i] === 1) kept.push(i);
  if (kept.length > 3) {
    const prev = kept[kept.length - 1] as number;
    const next = kept[1] as number;
    if (segmentDistance2(ring, fx, fy, prev, next) <= tol2) kept.shift();
  }
  return kept;
}

/** Marks the vertices to keep between `from` and `to` (both kept), with an explicit stack. */
function simplifyPath(ring: FlatRing, from: number, to: number, tol2: number, keep: Uint8Array): void {
  const stack: number[] = [from, to];
  while (stack.length > 0) {
    const b = stack.pop() as number;
    const a = stack.pop() as number;
    let worst = -1;
    let worstD = tol2;
    for (let i = a + 1; i < b; i++) {
      const d = segmentDistance2(ring, ring[2 * i] as number, ring[2 * i + 1] as number, a, b);
      if (d > worstD) {
        worstD = d;
        worst = i;
      }
    }
    if (worst < 0) continue;
    keep[worst] = 1;
    stack.push(a, worst, worst, b);
  }
}

/** Kept indices of every ring; undefined when the outer ring collapses. Collapsed holes are left out (empty list). */
function simplifyRings(rings: readonly FlatRing[], tolerance: number): number[][] | undefined {
  const kept: number[][] = [];
  for (let r = 0; r < rings.length; r++) {
    const ring = rings[r] as FlatRing;
    const indices = douglasPeuckerFlat(ring, tolerance);
    const collapsed = indices.length < 3 || selectionArea(ring, indices) === 0;
    if (collapsed && r === 0) return undefined;
    kept.push(collapsed ? [] : indices);
  }
  return kept;
}

/**
 * `signedRingArea` of the ring's vertices at `indices` (an open ring), without building it: the same terms in the
 * same order.
 */
function selectionArea(ring: FlatRing, indices: readonly number[]): number {
  let twice = 0;
  const n = indices.length;
  for (let i = 0; i < n; i++) {
    const a = indices[i] as number;
    const b = indices[i + 1 === n ? 0 : i + 1] as number;
    twice +=
      (ring[2 * a] as number) * (ring[2 * b + 1] as number) -
      (ring[2 * b] as number) * (ring[2 * a + 1] as number);
  }
  return twice / 2;
}

function isValidSelection(
  local: readonly FlatRing[],
  windings: readonly number[],
  kept: readonly number[][],
): boolean {
  const rings: LocalPoint[][] = [];
  for (let r = 0; r < kept.length; r++) {
    const indices = kept[r] as number[];
    if (indices.length === 0) continue;
    const source = local[r] as FlatRing;
    const ring = indices.map((i): LocalPoint => [source[2 * i] as number, source[2 * i + 1] as number]);
    ring.push(ring[0] as LocalPoint);
    if (Math.sign(signedRingArea(ring)) !== windings[r]) return false;
    rings.push(ring);
  }
  if (findRingDefect(rings) !== undefined) return false;
  const outer = rings[0] as LocalPoint[];
  return rings.slice(1).every((hole) => ringInsideRing(hole, outer));
}

function pick<P extends Position>(rings: readonly (readonly P[])[], kept: readonly number[][]): P[][] {
  const out: P[][] = [];
  kept.forEach((indices, r) => {
    if (indices.length === 0) return;
    const ring = rings[r] as readonly P[];
    const picked = indices.map((i) => xyOf(ring[i] as P));
    picked.push(xyOf(picked[0] as P));
    out.push(picked);
  });
  return out;
}

/** A fresh `[x, y]` copy of a position (extra members such as altitude are left out, as `closeRing` does). */
function xyOf<P extends Position>(p: P): P {
  return [p[0], p[1]] as P;
}

/** Squared distance of vertex i from (x, y). */
function squaredDistance(ring: FlatRing, i: number, x: number, y: number): number {
  const dx = (ring[2 * i] as number) - x;
  const dy = (ring[2 * i + 1] as number) - y;
  return dx * dx + dy * dy;
}

/** Squared distance of (px, py) from the segment between vertices a and b. */
function segmentDistance2(ring: FlatRing, px: number, py: number, a: number, b: number): number {
  const ax = ring[2 * a] as number;
  const ay = ring[2 * a + 1] as number;
  const dx = (ring[2 * b] as number) - ax;
  const dy = (ring[2 * b + 1] as number) - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}
