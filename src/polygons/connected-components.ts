/**
 * @module polygons/connected-components — linear-time connected-component labelling of a mask into instances (a
 * label raster): the binary instances that `traceInstancePolygons` turns into polygons.
 */
import { invalid } from '../shared/index.ts';
import { positiveTable } from './class-selection.ts';
import type { PositiveClasses } from './class-selection.ts';
import type { LabelWorkspace } from './label-workspace.ts';
import { bufferOf, labelRuns } from './label-runs.ts';
import type { LabelRuns } from './label-runs.ts';

export type { LabelRuns } from './label-runs.ts';

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
 * Labels the connected components of the positive pixels of `mask`, run by run (a run is a row's stretch of positive
 * pixels; runs touching runs of the row above join their component through union–find), so each pixel is read once.
 * Instances are numbered in raster order of their first (top-left-most) pixel, so the labelling is deterministic.
 * @param mask - class values, rows from the top
 * @param size - raster size (`mask.length` must equal width·height)
 * @param options - `positive` classes (default every value > 0), `connectivity` (default 4), `workspace` (default
 *   none: fresh buffers; with one, the labels live in it until its next use)
 * @returns the label image
 * @throws AppError INVALID_PARAMETER_VALUE on a size mismatch or a bad connectivity
 * @example
 * const { count } = labelComponents(mask, 256);
 */
export function labelComponents(
  mask: Uint8Array,
  size: RasterSize,
  options: { positive?: PositiveClasses; connectivity?: Connectivity; workspace?: LabelWorkspace } = {},
): LabelImage {
  return labelComponentRuns(mask, size, options).image;
}

/**
 * {@link labelComponents}, with the runs of labelled pixels it found (what multi-class growth starts from).
 * @param mask - class values, rows from the top
 * @param size - raster size (`mask.length` must equal width·height)
 * @param options - as for {@link labelComponents}; with a `workspace`, the runs live in it too
 * @returns the label image and its runs, in raster order
 * @throws AppError INVALID_PARAMETER_VALUE on a size mismatch or a bad connectivity
 */
export function labelComponentRuns(
  mask: Uint8Array,
  size: RasterSize,
  options: { positive?: PositiveClasses; connectivity?: Connectivity; workspace?: LabelWorkspace } = {},
): { image: LabelImage; runs: LabelRuns } {
  const { width, height } = rasterSize(size, mask.length, 'mask');
  const connectivity = checkConnectivity(options.connectivity ?? 4);
  const isPositive = positiveTable(options.positive);
  const buffer = bufferOf(options.workspace);
  const labels = buffer('labels', width * height).fill(0);
  const { runs, count } = labelRuns(mask, isPositive, connectivity, labels, width, buffer);
  return { image: { labels, width, height, count }, runs };
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
