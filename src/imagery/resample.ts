/**
 * @module imagery/resample — bilinear sampling of an RGB window onto a tile grid, for sources whose pixels are not
 * already tiles (GeoTIFFs). Pure functions.
 */
import type { RasterRGB } from './raster.ts';

/** A block of RGB pixels read from a larger image, placed at (`left`, `top`) of that image. */
export type RgbWindow = { left: number; top: number; width: number; height: number; data: ArrayLike<number> };

/**
 * Resamples a window onto an output grid. `sourceX(i)` / `sourceY(j)` give, for output column i / row j, the source
 * pixel coordinate of the output pixel's centre in the full image's pixel space (pixel k spans [k, k + 1)). The axes
 * are separable, which holds for north-up rasters in EPSG:4326 or EPSG:3857 sampled onto web-mercator tiles.
 * Output pixels whose centre falls outside `[0, imageWidth) × [0, imageHeight)` are black.
 * @param window - source pixels, 8-bit RGB interleaved
 * @param image - full image size, to tell "outside the image" from "outside the window"
 * @param size - output width and height
 * @param sourceX - column centre → source x
 * @param sourceY - row centre → source y
 * @returns the resampled raster
 */
export function resampleBilinear(
  window: RgbWindow,
  image: { width: number; height: number },
  size: { width: number; height: number },
  sourceX: (i: number) => number,
  sourceY: (j: number) => number,
): RasterRGB {
  const out = new Uint8Array(size.width * size.height * 3);
  const cols = axisWeights(size.width, sourceX, image.width, window.left, window.width);
  const rows = axisWeights(size.height, sourceY, image.height, window.top, window.height);
  const src = window.data;
  for (let j = 0; j < size.height; j++) {
    const row = rows[j];
    if (!row) continue;
    const r0 = row.i0 * window.width * 3;
    const r1 = row.i1 * window.width * 3;
    for (let i = 0; i < size.width; i++) {
      const col = cols[i];
      if (!col) continue;
      const c0 = col.i0 * 3;
      const c1 = col.i1 * 3;
      const o = (j * size.width + i) * 3;
      for (let b = 0; b < 3; b++) {
        const top = (src[r0 + c0 + b] ?? 0) * (1 - col.t) + (src[r0 + c1 + b] ?? 0) * col.t;
        const bottom = (src[r1 + c0 + b] ?? 0) * (1 - col.t) + (src[r1 + c1 + b] ?? 0) * col.t;
        out[o + b] = Math.round(top * (1 - row.t) + bottom * row.t);
      }
    }
  }
  return { width: size.width, height: size.height, data: out };
}

type AxisWeight = { i0: number; i1: number; t: number } | undefined;

/**
 * For each output index, the two window indices to blend and the weight of the second; undefined where the output
 * centre lies outside the image.
 */
function axisWeights(
  count: number,
  source: (i: number) => number,
  imageSize: number,
  windowStart: number,
  windowSize: number,
): AxisWeight[] {
  const weights: AxisWeight[] = [];
  for (let i = 0; i < count; i++) {
    const s = source(i);
    if (!(s >= 0 && s < imageSize)) {
      weights.push(undefined);
      continue;
    }
    // Pixel k's centre is at k + 0.5; clamp at the image edge so border pixels repeat rather than fade to black.
    const centre = Math.min(Math.max(s - 0.5, 0), imageSize - 1);
    const k = Math.floor(centre);
    const local0 = clampIndex(k - windowStart, windowSize);
    const local1 = clampIndex(Math.min(k + 1, imageSize - 1) - windowStart, windowSize);
    weights.push({ i0: local0, i1: local1, t: centre - k });
  }
  return weights;
}

function clampIndex(i: number, size: number): number {
  return Math.max(0, Math.min(size - 1, i));
}

/**
 * The window `[left, top, right, bottom)` of source pixels needed to sample the given coordinate ranges, with one
 * pixel of margin, clamped to the image; undefined when the ranges miss the image.
 * @param xs - source x coordinates used
 * @param ys - source y coordinates used
 * @param image - full image size
 */
export function windowFor(
  xs: readonly number[],
  ys: readonly number[],
  image: { width: number; height: number },
): [number, number, number, number] | undefined {
  const left = Math.max(0, Math.floor(Math.min(...xs)) - 1);
  const top = Math.max(0, Math.floor(Math.min(...ys)) - 1);
  const right = Math.min(image.width, Math.ceil(Math.max(...xs)) + 1);
  const bottom = Math.min(image.height, Math.ceil(Math.max(...ys)) + 1);
  return right > left && bottom > top ? [left, top, right, bottom] : undefined;
}
