/**
 * @module predict/window-grid — where model windows sit on the area's pixel grid and how much each window pixel
 * weighs when overlapping windows are blended (issue 4 §2). Pure functions.
 */
import { invalid } from '../shared/index.ts';

/**
 * Window origins along one axis of length `length`: every `stride` pixels from 0, plus a last window flush with the
 * end when the stride does not land there, so every pixel is covered and no window reaches past the end (a single
 * window at 0 when the axis is shorter than a window; its far part is padding). The positions depend only on the
 * axis, never on which part of it a caller works on, so two stripes computing the same pixels use the same windows.
 * @param length - axis length in pixels (≥ 1)
 * @param size - window size in pixels (≥ 1)
 * @param overlap - pixels shared by neighbouring windows, 0 ≤ overlap < size
 * @returns ascending window origins
 * @throws AppError INVALID_PARAMETER_VALUE for sizes that are not positive integers or a bad overlap
 * @example
 * windowOrigins(600, 256, 32); // [0, 224, 344]
 */
export function windowOrigins(length: number, size: number, overlap: number): number[] {
  checkWindow(size, overlap);
  if (!Number.isSafeInteger(length) || length < 1)
    invalid(`axis length ${length} must be a positive integer`);
  if (length <= size) return [0];
  const stride = size - overlap;
  const origins: number[] = [];
  for (let at = 0; at + size < length; at += stride) origins.push(at);
  origins.push(length - size);
  return origins;
}

/**
 * Origins of the windows that touch the pixel range `[from, to)` of an axis, out of {@link windowOrigins}.
 * @param origins - all origins of the axis, ascending
 * @param size - window size
 * @param from - first pixel of the range
 * @param to - end of the range (exclusive)
 * @returns the origins whose window `[o, o + size)` meets the range
 */
export function originsTouching(
  origins: readonly number[],
  size: number,
  from: number,
  to: number,
): number[] {
  return origins.filter((o) => o < to && o + size > from);
}

/**
 * Blend weight of each position of a window, per axis: 1 in the middle, falling linearly to `1 / (overlap + 1)` over
 * the `overlap` pixels next to each edge, so where two windows overlap the one whose centre is nearer counts more
 * and the seam of window borders (where a network sees least context) fades out. Weights are always positive, so a
 * pixel covered by one window only keeps that window's value exactly after normalisation.
 * @param size - window size
 * @param overlap - ramp length in pixels (0 = flat weights of 1)
 * @returns `size` weights
 * @throws AppError INVALID_PARAMETER_VALUE for a bad size or overlap
 */
export function blendRamp(size: number, overlap: number): Float32Array {
  checkWindow(size, overlap);
  const ramp = new Float32Array(size).fill(1);
  if (overlap === 0) return ramp;
  for (let i = 0; i < size; i++) {
    const fromEdge = Math.min(i, size - 1 - i);
    if (fromEdge < overlap) ramp[i] = (fromEdge + 1) / (overlap + 1);
  }
  return ramp;
}

function checkWindow(size: number, overlap: number): void {
  if (!Number.isSafeInteger(size) || size < 1) invalid(`window size ${size} must be a positive integer`);
  if (!Number.isSafeInteger(overlap) || overlap < 0 || overlap >= size)
    invalid(`overlap ${overlap} px must be an integer from 0 to ${size - 1} (below the window size ${size})`);
}
