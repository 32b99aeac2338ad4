/**
 * @module polygons/spatial-grid — a uniform grid over bounding boxes: the spatial index that keeps pairwise polygon
 * work (duplicates, nesting, matching) near-linear for tens of thousands of polygons.
 */
import type { BBox } from '../geo/index.ts';

/** Finds the boxes of an index that may overlap a query box. */
export interface BBoxGrid {
  /**
   * Indices of the indexed boxes whose box overlaps or touches `bbox`, ascending, each once.
   * @param bbox - the query box `[minX, minY, maxX, maxY]`
   */
  query(bbox: BBox): number[];
}

/** Most cells one box may span before it goes to the overflow list (very large boxes). */
const MAX_CELLS_PER_BOX = 64;

/**
 * Indexes boxes in a grid whose cell side is twice the median box side (so a typical box spans one to four cells).
 * Boxes with non-finite coordinates are left out.
 * @param boxes - `[minX, minY, maxX, maxY]` each (any planar or lon/lat units)
 * @param cellSize - cell side in the boxes' units, default twice the median box side
 * @returns the index
 */
export function createBBoxGrid(boxes: readonly BBox[], cellSize?: number): BBoxGrid {
  const size = cellSize !== undefined && cellSize > 0 ? cellSize : defaultCellSize(boxes);
  const cells = new Map<number, number[]>();
  const overflow: number[] = [];
  boxes.forEach((box, index) => {
    if (!box.every(Number.isFinite)) return;
    const [x0, y0, x1, y1] = cellRange(box, size);
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > MAX_CELLS_PER_BOX) {
      overflow.push(index);
      return;
    }
    for (let cx = x0; cx <= x1; cx++)
      for (let cy = y0; cy <= y1; cy++) {
        const key = cellKey(cx, cy);
        const list = cells.get(key);
        if (list === undefined) cells.set(key, [index]);
        else list.push(index);
      }
  });
  return {
    query(bbox) {
      const found = new Set<number>();
      const [x0, y0, x1, y1] = cellRange(bbox, size);
      const span = (x1 - x0 + 1) * (y1 - y0 + 1);
      if (span <= cells.size)
        for (let cx = x0; cx <= x1; cx++)
          for (let cy = y0; cy <= y1; cy++) for (const i of cells.get(cellKey(cx, cy)) ?? []) found.add(i);
      else for (const list of cells.values()) for (const i of list) found.add(i);
      for (const i of overflow) found.add(i);
      return [...found].filter((i) => touches(boxes[i] as BBox, bbox)).sort((a, b) => a - b);
    },
  };
}

function defaultCellSize(boxes: readonly BBox[]): number {
  const sides = boxes
    .filter((b) => b.every(Number.isFinite))
    .map((b) => Math.max(b[2] - b[0], b[3] - b[1]))
    .sort((a, b) => a - b);
  const median = sides[sides.length >> 1] ?? 0;
  return median > 0 ? 2 * median : 1;
}

function cellRange(box: BBox, size: number): [number, number, number, number] {
  return [
    Math.floor(box[0] / size),
    Math.floor(box[1] / size),
    Math.floor(box[2] / size),
    Math.floor(box[3] / size),
  ];
}

/**
 * A number naming a cell (no string per cell and query). Far-out cells may share one; that only adds candidates,
 * which the exact box test of `query` removes.
 */
function cellKey(cx: number, cy: number): number {
  return cx * 67108864 + cy;
}

function touches(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}
