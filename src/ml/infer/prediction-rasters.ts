/**
 * @module ml/infer/prediction-rasters — a chip's probabilities as the two grey images `predict-chips` writes: the
 * building probability (×255) and the mask (issue 3, §6). Pure functions.
 */
import type { RasterGrey } from '../../imagery/index.ts';

/** Grey level of class `k` in a multi-class mask of `classes` classes: k·255/(classes − 1), so 0/85/170/255 for 4. */
export function classGrey(k: number, classes: number): number {
  return Math.round((k * 255) / Math.max(1, classes - 1));
}

/**
 * The building probability of each pixel as grey 0–255: the sigmoid output for one class; for several classes the
 * probability of any non-background class, 1 − p(class 0).
 * @param probabilities - `classes × height × width` planar probabilities
 * @param classes - output channels
 * @param width - chip width
 * @param height - chip height
 * @returns a one-band raster
 */
export function probabilityRaster(
  probabilities: Float32Array,
  classes: number,
  width: number,
  height: number,
): RasterGrey {
  const plane = width * height;
  const data = new Uint8Array(plane);
  for (let i = 0; i < plane; i++) {
    const p = classes === 1 ? (probabilities[i] as number) : 1 - (probabilities[i] as number);
    data[i] = Math.round(Math.min(1, Math.max(0, p)) * 255);
  }
  return { width, height, channels: 1, data };
}

/**
 * The mask of a chip: for one class, 255 where the probability is at least `threshold`, else 0; for several classes
 * the most probable class k of each pixel written as grey {@link classGrey}(k) (RAMP's background / footprint /
 * boundary / contact → 0 / 85 / 170 / 255).
 * @param probabilities - `classes × height × width` planar probabilities
 * @param classes - output channels
 * @param width - chip width
 * @param height - chip height
 * @param threshold - binary threshold (ignored for several classes)
 * @returns the raster and the number of pixels that are not background
 */
export function maskRaster(
  probabilities: Float32Array,
  classes: number,
  width: number,
  height: number,
  threshold: number,
): { raster: RasterGrey; foreground: number } {
  const plane = width * height;
  const data = new Uint8Array(plane);
  let foreground = 0;
  for (let i = 0; i < plane; i++) {
    let best = 0;
    if (classes === 1) best = (probabilities[i] as number) >= threshold ? 1 : 0;
    else
      for (let c = 1; c < classes; c++)
        if ((probabilities[c * plane + i] as number) > (probabilities[best * plane + i] as number)) best = c;
    if (best !== 0) foreground++;
    data[i] = classes === 1 ? best * 255 : classGrey(best, classes);
  }
  return { raster: { width, height, channels: 1, data }, foreground };
}
