/**
 * @module ml/train/class-weights — class frequencies of masks and loss weights for sparse classes (inverse square root
 * of frequency, background = 1: on Banepa 1 / 1.19 / 2.91 / 7.28 for background / footprint / boundary / contact).
 */
import { invalid } from '../../shared/index.ts';

/**
 * The share of pixels of each class over all masks.
 * @param masks - class maps (values 0..classes−1)
 * @param classes - number of classes, >= 2
 * @returns `classes` frequencies summing to 1
 * @throws AppError INVALID_PARAMETER_VALUE when there are no pixels or a mask holds a value >= `classes`
 */
export function classFrequencies(masks: Iterable<Uint8Array>, classes: number): number[] {
  if (!Number.isSafeInteger(classes) || classes < 2 || classes > 256)
    invalid(`classes ${classes} must be in 2..256`);
  const counts = new Float64Array(256);
  let maskIndex = 0;
  for (const mask of masks) {
    const local = new Uint32Array(256);
    for (let i = 0; i < mask.length; i++) {
      const v = mask[i] as number;
      local[v] = (local[v] as number) + 1;
    }
    for (let v = classes; v < 256; v++) {
      if ((local[v] ?? 0) > 0)
        invalid(`mask ${maskIndex} holds class value ${v}, but there are ${classes} classes`);
    }
    for (let v = 0; v < classes; v++) counts[v] = (counts[v] ?? 0) + (local[v] ?? 0);
    maskIndex++;
  }
  let total = 0;
  for (let v = 0; v < classes; v++) total += counts[v] ?? 0;
  if (total === 0) invalid('cannot compute class frequencies of zero pixels');
  return Array.from(counts.subarray(0, classes), (c) => c / total);
}

/**
 * Loss weights `w[c] = sqrt(f[0] / f[c])`, so background (class 0) weighs 1 and rarer classes more, less steeply than
 * plain inverse frequency. A class with frequency 0 gets the largest weight of the present classes (it has no
 * pixels to weigh, but stays finite should it appear later).
 * @param frequencies - per-class frequencies (e.g. from {@link classFrequencies}); class 0 must be present
 * @param options - `maxWeight` caps every weight, default no cap
 * @returns one weight per class
 * @throws AppError INVALID_PARAMETER_VALUE on fewer than 2 classes, a negative or non-finite frequency, or an absent
 *   background
 */
export function inverseSqrtFrequencyWeights(
  frequencies: readonly number[],
  options: { maxWeight?: number } = {},
): number[] {
  checkFrequencies(frequencies);
  const background = frequencies[0] as number;
  if (background === 0) invalid('class weights need background (class 0) pixels; its frequency is 0');
  const cap = options.maxWeight ?? Infinity;
  if (!(cap >= 1)) invalid(`maxWeight ${cap} must be >= 1`);
  const raw = frequencies.map((f) => (f > 0 ? Math.sqrt(background / f) : 0));
  const largest = Math.max(...raw);
  return raw.map((w) => Math.min(cap, w > 0 ? w : largest));
}

/**
 * The positive-class weight of a binary loss (BCE `pos_weight`), `sqrt(f_negative / f_positive)`, where every class
 * other than 0 counts as positive.
 * @param frequencies - per-class frequencies, class 0 = background
 * @returns the weight of positive pixels relative to background (1 when either side is absent)
 * @throws AppError INVALID_PARAMETER_VALUE on fewer than 2 classes or a negative or non-finite frequency
 */
export function positiveWeightForBinary(frequencies: readonly number[]): number {
  checkFrequencies(frequencies);
  const negative = frequencies[0] as number;
  const positive = frequencies.slice(1).reduce((a, b) => a + b, 0);
  if (negative === 0 || positive === 0) return 1;
  return Math.sqrt(negative / positive);
}

function checkFrequencies(frequencies: readonly number[]): void {
  if (frequencies.length < 2) invalid(`class frequencies need at least 2 classes, got ${frequencies.length}`);
  frequencies.forEach((f, i) => {
    if (!(Number.isFinite(f) && f >= 0)) invalid(`class frequency ${i} is ${f}, not a finite number >= 0`);
  });
}
