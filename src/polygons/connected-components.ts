/**
 * @module polygons/connected-components — linear-time connected-component labelling of a mask into instances (a
 * label raster): the binary instances that `traceInstancePolygons` turns into polygons.
 */
import { invalid } from '../shared/index.ts';
import { positiveTable } from './class-selection.ts';
import type { PositiveClasses } from './class-selection.ts';

/**
 * Pixel neighbourhood of a component. 4 (edge neighbours, the default) keeps buildings that touch only at a corner
 * apart, as rasterio's `shapes` does; 8 also joins diagonal neighbours.
 */
export type Connectivity = 4 | 8;

/** Width and height of a raster; a number means a square. */
export type RasterSize = number | { width: number; height: number };

/**
 * Instances as a label raster: `labels[y·width + x]` is 0 for background or the instance number 1..count.
 * Label images are the representation every object metric here works on.
 */
export type LabelImage = { labels: Int32Array; width: number; height: number; count: number };

/**
 * Labels the connected components of the positive pixels of `mask`. Flood fill with an explicit stack: every pixel
 * is pushed at most once, so the time is linear in the number of pixels. Instances are numbered in raster order of
 * their first (top-left-most) pixel, so the labelling is deterministic.
 * @param mask - class values, rows from the top
 * @param size - raster size (`mask.length` must equal width·height)
 * @param options - `positive` classes (default every value > 0), `connectivity` (default 4)
 * @returns the label image
 * @throws AppError INVALID_PARAMETER_VALUE on a size mismatch or a bad connectivity
 * @example
 * const { count } = labelComponents(mask, 256);
 */
export function labelComponents(
  mask: Uint8Array,
  size: RasterSize,
  options: { positive?: PositiveClasses; connectivity?: Connectivity } = {},
): LabelImage {
  const { width, height } = rasterSize(size, mask.length, 'mask');
  const connectivity = checkConnectivity(options.connectivity ?? 4);
  const isPositive = positiveTable(options.positive);
  const labels = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  let count = 0;
  for (let start = 0; start < labels.length; start++) {
    if (labels[start] !== 0 || isPositive[mask[start] as number] === 0) continue;
    count++;
    labels[start] = count;
    stack[0] = start;
    if (connectivity === 4) fill4(mask, isPositive, labels, stack, width, height, count);
    else fill8(mask, isPositive, labels, stack, width, height, count);
  }
  return { labels, width, height, count };
}

/**
 * Pixel count of each instance.
 * @param image - a label image
 * @returns `areas[label]` for labels 0..count (index 0 = background pixels)
 * @throws AppError INVALID_PARAMETER_VALUE when a label is outside 0..count
 */
export function instanceAreas(image: LabelImage): Int32Array {
  const areas = new Int32Array(image.count + 1);
  const { labels, count } = image;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i] as number;
    if (l < 0 || l > count) invalid(`label image holds label ${l} outside 0..${count}`);
    areas[l] = (areas[l] as number) + 1;
  }
  return areas;
}

/**
 * Resolves a {@link RasterSize} against a buffer length.
 * @param size - a square side or width and height
 * @param length - the number of pixels the buffer holds
 * @param what - the buffer's name for the error message
 * @returns width and height
 * @throws AppError INVALID_PARAMETER_VALUE when the sizes are not positive integers or do not match `length`
 */
export function rasterSize(
  size: RasterSize,
  length: number,
  what: string,
): { width: number; height: number } {
  const { width, height } = typeof size === 'number' ? { width: size, height: size } : size;
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width <= 0 || height <= 0)
    invalid(`raster size ${width}x${height} must be positive integers`);
  if (width * height !== length)
    invalid(`${what} has ${length} pixels; ${width}x${height} needs ${width * height}`);
  return { width, height };
}

function checkConnectivity(connectivity: number): Connectivity {
  if (connectivity !== 4 && connectivity !== 8) invalid(`connectivity ${connectivity} must be 4 or 8`);
  return connectivity;
}

/**
 * Flood fill of one 4-connected component from `stack[0]`, span by span: each pixel taken from the stack is widened
 * into its run of unlabelled positive pixels along the row, and the rows above and below that run push one pixel per
 * run they hold. Far fewer stack operations than pixel by pixel; the component (and so its label) is the same.
 */
function fill4(
  mask: Uint8Array,
  isPositive: Uint8Array,
  labels: Int32Array,
  stack: Int32Array,
  width: number,
  height: number,
  label: number,
): void {
  const n = width * height;
  let top = 1;
  while (top > 0) {
    const i = stack[--top] as number;
    const rowStart = i - (i % width);
    const rowEnd = rowStart + width;
    let left = i;
    while (left > rowStart && labels[left - 1] === 0 && isPositive[mask[left - 1] as number] === 1)
      labels[--left] = label;
    let right = i + 1;
    while (right < rowEnd && labels[right] === 0 && isPositive[mask[right] as number] === 1)
      labels[right++] = label;
    for (let d = -width; d <= width; d += 2 * width) {
      const from = left + d;
      if (from < 0 || from >= n) continue;
      const to = right + d;
      let inRun = false;
      for (let j = from; j < to; j++) {
        if (labels[j] === 0 && isPositive[mask[j] as number] === 1) {
          if (!inRun) {
            labels[j] = label;
            stack[top++] = j;
            inRun = true;
          }
        } else inRun = false;
      }
    }
  }
}

/** Flood fill of one 8-connected component from `stack[0]`. */
function fill8(
  mask: Uint8Array,
  isPositive: Uint8Array,
  labels: Int32Array,
  stack: Int32Array,
  width: number,
  height: number,
  label: number,
): void {
  let top = 1;
  while (top > 0) {
    const i = stack[--top] as number;
    const x = i % width;
    const y = (i - x) / width;
    const y0 = y > 0 ? y - 1 : y;
    const y1 = y < height - 1 ? y + 1 : y;
    const x0 = x > 0 ? x - 1 : x;
    const x1 = x < width - 1 ? x + 1 : x;
    for (let ny = y0; ny <= y1; ny++)
      for (let nx = x0; nx <= x1; nx++) {
        const j = ny * width + nx;
        if (labels[j] !== 0 || isPositive[mask[j] as number] === 0) continue;
        labels[j] = label;
        stack[top++] = j;
      }
  }
}
