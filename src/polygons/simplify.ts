/**
 * @module polygons/simplify — Douglas–Peucker simplification of lon/lat polygons with a tolerance in true ground
 * metres (issue 4 §3): pixel staircases become straight edges, and the result is never less valid than the input.
 */
import type { Position } from 'geojson';
import { invalid } from '../shared/index.ts';
import { frameOfRings, ringsToLocal } from './local-metres.ts';
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
  const rings = coords.map(closeRing);
  const outer = rings[0];
  if (outer === undefined || outer.length < 4) return undefined;
  const kept = simplifyPlanarRings(ringsToLocal(frameOfRings(rings), rings), toleranceM);
  return kept === undefined ? undefined : pick(rings, kept);
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
  const kept = simplifyPlanarRings(rings, tolerancePx);
  return kept === undefined ? undefined : (pick(rings, kept) as PixelPolygon);
}

/**
 * The vertices to keep of each planar ring: Douglas–Peucker at `tolerance`, halved (up to 4 times) and finally 0
 * whenever the result would be invalid. Collapsed holes get an empty list.
 * @returns indices per ring; the input's own (all non-duplicate) vertices when even tolerance 0 is invalid;
 *   undefined when the outer ring has no area
 */
function simplifyPlanarRings(rings: readonly LocalPoint[][], toleranceStart: number): number[][] | undefined {
  const all = (): number[][] => rings.map((ring) => Array.from({ length: ring.length - 1 }, (_, i) => i));
  // Zero area is degenerate, except for a self-crossing ring whose halves cancel (a bow-tie): that is left for repair.
  const outer = rings[0] as LocalPoint[];
  if (signedRingArea(outer) === 0) return allCollinear(outer) ? undefined : all();
  let tolerance = toleranceStart;
  for (let attempt = 0; attempt <= RETRIES + 1; attempt++) {
    const kept = simplifyRings(rings, tolerance);
    if (kept !== undefined && isValidSelection(rings, kept)) return kept;
    tolerance = attempt >= RETRIES ? 0 : tolerance / 2;
  }
  return all();
}

/** Whether every vertex lies on one line (within a nanometre-scale floor). */
function allCollinear(ring: readonly LocalPoint[]): boolean {
  const first = ring[0] as LocalPoint;
  let far = first;
  for (const p of ring) if (squaredDistance(p, first) > squaredDistance(far, first)) far = p;
  const dx = far[0] - first[0];
  const dy = far[1] - first[1];
  const length = Math.hypot(dx, dy);
  if (length === 0) return true;
  return ring.every((p) => Math.abs((p[0] - first[0]) * dy - (p[1] - first[1]) * dx) / length <= 1e-9);
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
  const n = ring.length - 1;
  if (n < 3) return Array.from({ length: Math.max(0, n) }, (_, i) => i);
  // A floor far below any real tolerance, so rounding noise does not keep collinear vertices at tolerance 0.
  const tol2 = Math.max(tolerance, 1e-9) ** 2;
  const keep = new Uint8Array(n + 1);
  const first = ring[0] as LocalPoint;
  let far = 1;
  let farD = -1;
  for (let i = 1; i < n; i++) {
    const d = squaredDistance(ring[i] as LocalPoint, first);
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
    const prev = ring[kept[kept.length - 1] as number] as LocalPoint;
    const next = ring[kept[1] as number] as LocalPoint;
    if (segmentDistance2(first, prev, next) <= tol2) kept.shift();
  }
  return kept;
}

/** Marks the vertices to keep between `from` and `to` (both kept), with an explicit stack. */
function simplifyPath(
  ring: readonly LocalPoint[],
  from: number,
  to: number,
  tol2: number,
  keep: Uint8Array,
): void {
  const stack: number[] = [from, to];
  while (stack.length > 0) {
    const b = stack.pop() as number;
    const a = stack.pop() as number;
    let worst = -1;
    let worstD = tol2;
    const pa = ring[a] as LocalPoint;
    const pb = ring[b] as LocalPoint;
    for (let i = a + 1; i < b; i++) {
      const d = segmentDistance2(ring[i] as LocalPoint, pa, pb);
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
function simplifyRings(local: readonly LocalPoint[][], tolerance: number): number[][] | undefined {
  const kept: number[][] = [];
  for (let r = 0; r < local.length; r++) {
    const ring = local[r] as LocalPoint[];
    const indices = douglasPeuckerRing(ring, tolerance);
    const collapsed = indices.length < 3 || signedRingArea(indices.map((i) => ring[i] as LocalPoint)) === 0;
    if (collapsed && r === 0) return undefined;
    kept.push(collapsed ? [] : indices);
  }
  return kept;
}

function isValidSelection(local: readonly LocalPoint[][], kept: readonly number[][]): boolean {
  const rings: LocalPoint[][] = [];
  for (let r = 0; r < kept.length; r++) {
    const indices = kept[r] as number[];
    if (indices.length === 0) continue;
    const source = local[r] as LocalPoint[];
    const ring = indices.map((i) => source[i] as LocalPoint);
    ring.push(ring[0] as LocalPoint);
    if (Math.sign(signedRingArea(ring)) !== Math.sign(signedRingArea(source))) return false;
    rings.push(ring);
  }
  if (findRingDefect(rings) !== undefined) return false;
  const outer = rings[0] as LocalPoint[];
  return rings.slice(1).every((hole) => ringInsideRing(hole, outer));
}

function pick<P extends Position>(rings: readonly P[][], kept: readonly number[][]): P[][] {
  const out: P[][] = [];
  kept.forEach((indices, r) => {
    if (indices.length === 0) return;
    const ring = rings[r] as P[];
    const picked = indices.map((i) => (ring[i] as P).slice() as P);
    picked.push((picked[0] as P).slice() as P);
    out.push(picked);
  });
  return out;
}

function squaredDistance(a: LocalPoint, b: LocalPoint): number {
  const dx = a[0] - b[0];
  const dy = a[1] - b[1];
  return dx * dx + dy * dy;
}

/** Squared distance of p from segment ab. */
function segmentDistance2(p: LocalPoint, a: LocalPoint, b: LocalPoint): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = a[0] + t * dx - p[0];
  const ey = a[1] + t * dy - p[1];
  return ex * ex + ey * ey;
}
