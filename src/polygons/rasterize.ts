/**
 * @module polygons/rasterize — scanline fill of pixel-space polygons (even-odd, holes respected, pixel-centre
 * sampling) and the pixel band around their outlines; the inverse of tracing, and the primitives datasets' `buildMask`
 * composes.
 */
import type { Position } from 'geojson';
import { invalid } from '../shared/index.ts';
import type { PixelPolygonLike } from './pixel-polygon.ts';

/** Visits one run of pixels `[x0, x1)` of row `y` (already clipped to the raster). */
export type SpanVisitor = (y: number, x0: number, x1: number) => void;

/** Visits one pixel `(x, y)` whose centre lies at squared distance `d2` from an outline segment. */
export type BandVisitor = (x: number, y: number, d2: number) => void;

/**
 * Checks raster dimensions.
 * @param width - pixels
 * @param height - pixels
 * @throws AppError INVALID_PARAMETER_VALUE when width or height is not a positive integer up to 65,536
 */
export function assertRasterSize(width: number, height: number): void {
  const ok = (v: number): boolean => Number.isInteger(v) && v > 0 && v <= 65_536;
  if (!ok(width) || !ok(height))
    invalid(`raster size ${width}x${height} is not positive integers up to 65536`);
}

/**
 * Calls `visit` for each run of pixels whose centre lies inside `polygon` (even-odd over all its rings, so holes
 * stay empty). A centre exactly on a left edge is inside, on a right edge outside (half-open rule), so polygons that
 * share an edge never paint the same pixel twice and never leave a gap.
 * @param polygon - rings in pixel space
 * @param width - raster width in pixels
 * @param height - raster height in pixels
 * @param visit - receives `(row, firstColumn, endColumnExclusive)`
 */
export function scanPolygon(
  polygon: PixelPolygonLike,
  width: number,
  height: number,
  visit: SpanVisitor,
): void {
  let minY = Infinity;
  let maxY = -Infinity;
  for (const ring of polygon)
    for (const p of ring) {
      const y = p[1] ?? 0;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  const row0 = Math.max(0, Math.ceil(minY - 0.5));
  const row1 = Math.min(height - 1, Math.ceil(maxY - 0.5) - 1);
  if (row1 < row0) return;
  const rows: number[][] = Array.from({ length: row1 - row0 + 1 }, () => []);
  for (const ring of polygon) addRingCrossings(ring, row0, row1, rows);
  for (let i = 0; i < rows.length; i++) {
    const xs = rows[i] as number[];
    if (xs.length < 2) continue;
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const x0 = Math.max(0, Math.ceil((xs[k] as number) - 0.5));
      const x1 = Math.min(width, Math.ceil((xs[k + 1] as number) - 0.5));
      if (x1 > x0) visit(row0 + i, x0, x1);
    }
  }
}

/** Records, for every pixel row between row0 and row1, the x where the ring crosses the row's centre line. */
function addRingCrossings(ring: readonly Position[], row0: number, row1: number, rows: number[][]): void {
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    const a = ring[i] as Position;
    const b = ring[(i + 1) % n] as Position;
    const ay = a[1] ?? 0;
    const by = b[1] ?? 0;
    if (ay === by) continue;
    const ax = a[0] ?? 0;
    const bx = b[0] ?? 0;
    const lo = Math.min(ay, by);
    const hi = Math.max(ay, by);
    // Rows whose centre yc satisfies lo <= yc < hi (half-open, so a shared vertex is counted once).
    const first = Math.max(row0, Math.ceil(lo - 0.5));
    const last = Math.min(row1, Math.ceil(hi - 0.5) - 1);
    const slope = (bx - ax) / (by - ay);
    for (let r = first; r <= last; r++) (rows[r - row0] as number[]).push(ax + slope * (r + 0.5 - ay));
  }
}

/**
 * Calls `visit` for each pixel whose centre lies closer than `radius` to a segment of one of the rings (the band
 * along the outline, inside and outside). A pixel near several segments is visited once per segment.
 * @param polygon - rings in pixel space
 * @param width - raster width in pixels
 * @param height - raster height in pixels
 * @param radius - band half-width in pixels (strictly closer counts)
 * @param visit - receives `(column, row, squaredDistance)`
 */
export function scanOutlineBand(
  polygon: PixelPolygonLike,
  width: number,
  height: number,
  radius: number,
  visit: BandVisitor,
): void {
  if (!(radius > 0)) return;
  const r2 = radius * radius;
  for (const ring of polygon) {
    const n = ring.length;
    for (let i = 0; i < n; i++) {
      const a = ring[i] as Position;
      const b = ring[(i + 1) % n] as Position;
      bandOfSegment(a[0] ?? 0, a[1] ?? 0, b[0] ?? 0, b[1] ?? 0, radius, r2, width, height, visit);
    }
  }
}

function bandOfSegment(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  radius: number,
  r2: number,
  width: number,
  height: number,
  visit: BandVisitor,
): void {
  const col0 = Math.max(0, Math.floor(Math.min(ax, bx) - radius));
  const col1 = Math.min(width - 1, Math.ceil(Math.max(ax, bx) + radius));
  const row0 = Math.max(0, Math.floor(Math.min(ay, by) - radius));
  const row1 = Math.min(height - 1, Math.ceil(Math.max(ay, by) + radius));
  if (col1 < col0 || row1 < row0) return;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  for (let y = row0; y <= row1; y++) {
    const cy = y + 0.5;
    for (let x = col0; x <= col1; x++) {
      const cx = x + 0.5;
      let t = len2 > 0 ? ((cx - ax) * dx + (cy - ay) * dy) / len2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = ax + t * dx - cx;
      const ey = ay + t * dy - cy;
      const d2 = ex * ex + ey * ey;
      if (d2 < r2) visit(x, y, d2);
    }
  }
}

/**
 * Rasterizes polygons into a single-channel raster: pixels whose centre lies inside any polygon (even-odd within
 * each polygon, so holes stay empty; union across polygons) get `value`.
 * @param polygons - polygons in pixel space
 * @param width - raster width in pixels
 * @param height - raster height in pixels
 * @param options - `value` written inside (default 1); `target` raster to paint into (default a new zeroed one)
 * @returns the raster, row-major, `width * height` bytes
 * @throws AppError INVALID_PARAMETER_VALUE on a bad size, a value outside 0..255 or a target of the wrong length
 */
export function rasterizePolygons(
  polygons: readonly PixelPolygonLike[],
  width: number,
  height: number,
  options: { value?: number; target?: Uint8Array } = {},
): Uint8Array {
  assertRasterSize(width, height);
  const value = options.value ?? 1;
  if (!Number.isInteger(value) || value < 0 || value > 255)
    invalid(`raster value ${value} is not an integer 0..255`);
  const target = options.target ?? new Uint8Array(width * height);
  if (target.length !== width * height)
    invalid(`raster target has ${target.length} bytes, expected ${width}x${height}`);
  for (const polygon of polygons)
    scanPolygon(polygon, width, height, (y, x0, x1) => target.fill(value, y * width + x0, y * width + x1));
  return target;
}
