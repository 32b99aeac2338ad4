/** @module ml/train/image-tensor — decoded RGB pixels (HWC uint8) to the normalised CHW float32 input of a model. */
import { invalid } from '../../shared/index.ts';

/** Per-channel normalisation applied after scaling pixels to [0, 1]: `(v / 255 − mean[c]) / std[c]`. */
export type Normalization = { mean: readonly number[]; std: readonly number[] };

/** The identity normalisation: inputs stay in [0, 1]. */
export const unitNormalization: Normalization = { mean: [0, 0, 0], std: [1, 1, 1] };

/**
 * Converts interleaved RGB (or RGBA, alpha dropped) bytes to a planar, normalised 3×size×size Float32Array.
 * @param rgb - `size·size·3` (RGB) or `size·size·4` (RGBA) bytes, rows from the top
 * @param size - width and height in pixels
 * @param normalization - three means and three positive standard deviations
 * @returns CHW float32, channel-major (`out[c·size² + y·size + x]`)
 * @throws AppError INVALID_PARAMETER_VALUE on a length that matches neither layout or a bad normalisation
 * @example
 * const chw = imageToChw(pixels, 256, { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
 */
export function imageToChw(rgb: Uint8Array, size: number, normalization: Normalization): Float32Array {
  checkSize(size);
  checkNormalization(normalization);
  const plane = size * size;
  const channels = rgb.length === plane * 3 ? 3 : rgb.length === plane * 4 ? 4 : 0;
  if (channels === 0)
    invalid(`image has ${rgb.length} bytes; ${size}x${size} RGB needs ${plane * 3} (or ${plane * 4} RGBA)`);
  const out = new Float32Array(plane * 3);
  for (let c = 0; c < 3; c++) {
    const scale = 1 / (255 * (normalization.std[c] as number));
    const shift = (normalization.mean[c] as number) / (normalization.std[c] as number);
    const base = c * plane;
    for (let i = 0, j = c; i < plane; i++, j += channels) out[base + i] = (rgb[j] as number) * scale - shift;
  }
  return out;
}

/**
 * Checks a normalisation: three finite means and three positive finite standard deviations.
 * @throws AppError INVALID_PARAMETER_VALUE naming the bad value
 */
export function checkNormalization(normalization: Normalization): void {
  const { mean, std } = normalization;
  if (mean.length !== 3 || !mean.every(Number.isFinite))
    invalid(`normalization mean ${JSON.stringify(mean)} needs 3 finite numbers`);
  if (std.length !== 3 || !std.every((s) => Number.isFinite(s) && s > 0))
    invalid(`normalization std ${JSON.stringify(std)} needs 3 positive numbers`);
}

/**
 * Checks a chip size.
 * @throws AppError INVALID_PARAMETER_VALUE when `size` is not a positive integer
 */
export function checkSize(size: number): void {
  if (!Number.isSafeInteger(size) || size <= 0) invalid(`chip size ${size} must be a positive integer`);
}
