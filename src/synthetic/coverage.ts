/**
 * @module synthetic/coverage — anti-aliased coverage of polygons, discs and capsules over a pixel window: exact
 * horizontal coverage on five sub-scanlines per row for polygons, a one-pixel distance ramp for round shapes. All
 * arithmetic uses global pixel coordinates (see pixel-window.ts).
 */

/**
 * Receives each touched pixel (row-major index within the window), its coverage in (0, 1], its global column and row,
 * and for round shapes its depth: how far inside the rim it lies, in pixels (reach − distance).
 */
export type CoverageVisitor = (
  index: number,
  coverage: number,
  column: number,
  row: number,
  depth: number,
) => void;

/** The part of the global pixel grid being drawn. */
export type PixelBox = {
  readonly x0: number;
  readonly y0: number;
  readonly width: number;
  readonly height: number;
};

/** Sub-scanlines per pixel row: vertical coverage resolution of polygon edges. */
const SUBSCANLINES = 5;

/** Adds `weight × overlap` of span [xa, xb] (global px) to each pixel of one row (window-relative scratch). */
function addSpan(box: PixelBox, coverage: Float32Array, xa: number, xb: number, weight: number): void {
  const lo = Math.max(xa, box.x0);
  const hi = Math.min(xb, box.x0 + box.width);
  if (hi <= lo) return;
  const ia = Math.floor(lo);
  const ib = Math.floor(hi);
  if (ia === ib) {
    coverage[ia - box.x0] = (coverage[ia - box.x0] ?? 0) + (hi - lo) * weight;
    return;
  }
  coverage[ia - box.x0] = (coverage[ia - box.x0] ?? 0) + (ia + 1 - lo) * weight;
  for (let i = ia + 1; i < ib; i++) coverage[i - box.x0] = (coverage[i - box.x0] ?? 0) + weight;
  if (ib < box.x0 + box.width) coverage[ib - box.x0] = (coverage[ib - box.x0] ?? 0) + (hi - ib) * weight;
}

/**
 * Visits every window pixel a polygon covers (even-odd rule) with its coverage.
 * @param box - the window
 * @param xy - ring vertices in global pixel coordinates, flat `[x0, y0, x1, y1, …]`, not closed
 * @param scratch - a zeroed Float32Array at least `box.width` long; left zeroed
 * @param visit - called once per covered pixel, row by row
 * @param subscanlines - vertical samples per row, default 5 (soft things such as shadows can take fewer)
 */
export function fillPolygon(
  box: PixelBox,
  xy: Float64Array,
  scratch: Float32Array,
  visit: CoverageVisitor,
  subscanlines = SUBSCANLINES,
): void {
  const n = xy.length / 2;
  let minY = Infinity;
  let maxY = -Infinity;
  let minX = Infinity;
  let maxX = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i] as number;
    const y = xy[2 * i + 1] as number;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
  }
  const row0 = Math.max(box.y0, Math.floor(minY));
  const row1 = Math.min(box.y0 + box.height - 1, Math.ceil(maxY) - 1);
  const col0 = Math.max(box.x0, Math.floor(minX));
  const col1 = Math.min(box.x0 + box.width - 1, Math.ceil(maxX) - 1);
  if (row0 > row1 || col0 > col1) return;
  const crossings = new Float64Array(n);
  for (let row = row0; row <= row1; row++) {
    for (let sub = 0; sub < subscanlines; sub++) {
      const y = row + (sub + 0.5) / subscanlines;
      if (y < minY || y > maxY) continue;
      let count = 0;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const ya = xy[2 * j + 1] as number;
        const yb = xy[2 * i + 1] as number;
        if (ya <= y !== yb <= y) {
          const xa = xy[2 * j] as number;
          const x = xa + (((xy[2 * i] as number) - xa) * (y - ya)) / (yb - ya);
          // Insertion sort: rings have a handful of edges.
          let k = count++;
          while (k > 0 && (crossings[k - 1] as number) > x) {
            crossings[k] = crossings[k - 1] as number;
            k--;
          }
          crossings[k] = x;
        }
      }
      for (let k = 0; k + 1 < count; k += 2)
        addSpan(box, scratch, crossings[k] as number, crossings[k + 1] as number, 1 / subscanlines);
    }
    const rowIndex = (row - box.y0) * box.width;
    for (let col = col0; col <= col1; col++) {
      const c = scratch[col - box.x0] as number;
      if (c > 1e-6) {
        scratch[col - box.x0] = 0;
        visit(rowIndex + col - box.x0, c > 1 ? 1 : c, col, row, 0);
      }
    }
  }
}

/**
 * Visits every window pixel a disc covers, coverage ramping over one pixel at the rim.
 * @param cx - centre x, global pixels
 * @param cy - centre y, global pixels
 * @param r - radius, pixels
 */
export function fillDisc(box: PixelBox, cx: number, cy: number, r: number, visit: CoverageVisitor): void {
  fillCapsule(box, cx, cy, cx, cy, r, visit);
}

/**
 * Visits every window pixel within `r` pixels of segment a–b (a stroke with round caps), coverage ramping over one
 * pixel at the edge.
 */
export function fillCapsule(
  box: PixelBox,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  r: number,
  visit: CoverageVisitor,
): void {
  const reach = r + 0.5;
  const row0 = Math.max(box.y0, Math.floor(Math.min(ay, by) - reach));
  const row1 = Math.min(box.y0 + box.height - 1, Math.floor(Math.max(ay, by) + reach));
  const col0 = Math.max(box.x0, Math.floor(Math.min(ax, bx) - reach));
  const col1 = Math.min(box.x0 + box.width - 1, Math.floor(Math.max(ax, bx) + reach));
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSquared = dx * dx + dy * dy;
  for (let row = row0; row <= row1; row++) {
    const py = row + 0.5 - ay;
    const rowIndex = (row - box.y0) * box.width;
    for (let col = col0; col <= col1; col++) {
      const px = col + 0.5 - ax;
      let f = lengthSquared > 0 ? (px * dx + py * dy) / lengthSquared : 0;
      f = f < 0 ? 0 : f > 1 ? 1 : f;
      const ex = px - f * dx;
      const ey = py - f * dy;
      const c = reach - Math.sqrt(ex * ex + ey * ey);
      if (c > 0) visit(rowIndex + col - box.x0, c > 1 ? 1 : c, col, row, c);
    }
  }
}
