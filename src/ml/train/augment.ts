/**
 * @module ml/train/augment — training augmentation: the eight flips/quarter-turns of the square (dihedral group D4)
 * applied identically to a CHW image and its mask, and brightness/contrast jitter applied to the image only.
 */
import { invalid } from '../../shared/index.ts';
import { checkNormalization, checkSize, unitNormalization } from './image-tensor.ts';
import type { Normalization } from './image-tensor.ts';
import type { Rng } from './rng.ts';

/**
 * One of the eight symmetries of the square: first mirror left↔right (when `mirror`), then rotate clockwise by
 * `quarterTurns` × 90°. A vertical flip is `{ quarterTurns: 2, mirror: true }`.
 */
export type DihedralTransform = { quarterTurns: 0 | 1 | 2 | 3; mirror: boolean };

/** The transform that changes nothing. */
export const identityTransform: DihedralTransform = { quarterTurns: 0, mirror: false };

/** What `augmentSample` may do; everything is off unless stated. */
export type AugmentOptions = {
  /** Random horizontal and vertical flips, each with probability 1/2, default false. */
  flips?: boolean;
  /** A random multiple of 90° clockwise, default false. With `flips` all 8 symmetries are equally likely. */
  rotations?: boolean;
  /** Brightness jitter: raw intensities × a factor drawn from [1 − b, 1 + b] (torchvision semantics), default 0. */
  brightness?: number;
  /** Contrast jitter: blend towards the mean grey of the image with a factor from [1 − c, 1 + c], default 0. */
  contrast?: number;
  /** The normalisation the image carries, so jitter acts on raw [0, 1] intensities, default mean 0, std 1. */
  normalization?: Normalization;
};

/** An augmented sample and what was done to it (for logging and test-time augmentation). */
export type AugmentedSample = {
  image: Float32Array;
  mask: Uint8Array;
  transform: DihedralTransform;
  brightnessFactor: number;
  contrastFactor: number;
};

/**
 * Augments one training sample. The inputs are not modified: new arrays are returned. Random draws happen in a fixed
 * order (flips, rotation, brightness, contrast; only for enabled options), so a seeded `rng` repeats exactly.
 * Photometric jitter clamps raw intensities to [0, 1] before re-normalising.
 * @param image - CHW float32, `channels·size²` values (jitter needs exactly 3 channels)
 * @param mask - `size²` class values, rows from the top
 * @param size - chip width and height in pixels
 * @param rng - the random stream
 * @param options - see {@link AugmentOptions}
 * @returns the new image and mask plus the transform and factors that were applied
 * @throws AppError INVALID_PARAMETER_VALUE on mismatched lengths or out-of-range options
 * @example
 * const out = augmentSample(chw, mask, 256, rng, { flips: true, rotations: true, brightness: 0.2, contrast: 0.2 });
 */
export function augmentSample(
  image: Float32Array,
  mask: Uint8Array,
  size: number,
  rng: Rng,
  options: AugmentOptions = {},
): AugmentedSample {
  checkSize(size);
  const channels = channelsOf(image, size);
  if (mask.length !== size * size)
    invalid(`mask has ${mask.length} values; a ${size}x${size} chip needs ${size * size}`);
  const brightness = jitterAmount('brightness', options.brightness);
  const contrast = jitterAmount('contrast', options.contrast);
  const normalization = options.normalization ?? unitNormalization;
  checkNormalization(normalization);

  const transform = drawTransform(rng, options.flips ?? false, options.rotations ?? false);
  const brightnessFactor = brightness > 0 ? 1 - brightness + 2 * brightness * rng.next() : 1;
  const contrastFactor = contrast > 0 ? 1 - contrast + 2 * contrast * rng.next() : 1;
  const outImage = transformImage(image, size, transform, channels);
  if (brightnessFactor !== 1 || contrastFactor !== 1) {
    if (channels !== 3) invalid(`brightness/contrast jitter needs 3 channels, the image has ${channels}`);
    jitterInPlace(outImage, size, normalization, brightnessFactor, contrastFactor);
  }
  return {
    image: outImage,
    mask: transformMask(mask, size, transform),
    transform,
    brightnessFactor,
    contrastFactor,
  };
}

/**
 * Applies a dihedral transform to every channel of a CHW image.
 * @param image - `channels·size²` values
 * @param size - width and height
 * @param transform - the symmetry to apply
 * @param channels - number of planes, default 3
 * @returns a new array
 * @throws AppError INVALID_PARAMETER_VALUE when the length is not `channels·size²`
 */
export function transformImage(
  image: Float32Array,
  size: number,
  transform: DihedralTransform,
  channels = 3,
): Float32Array {
  checkSize(size);
  if (image.length !== channels * size * size)
    invalid(`image has ${image.length} values; ${channels}x${size}x${size} needs ${channels * size * size}`);
  const out = new Float32Array(image.length);
  for (let c = 0; c < channels; c++) permutePlane(image, out, c * size * size, size, transform);
  return out;
}

/**
 * Applies a dihedral transform to a single-plane mask (or any per-pixel byte map).
 * @param mask - `size²` values
 * @param size - width and height
 * @param transform - the symmetry to apply
 * @returns a new array
 * @throws AppError INVALID_PARAMETER_VALUE when the length is not `size²`
 */
export function transformMask(mask: Uint8Array, size: number, transform: DihedralTransform): Uint8Array {
  checkSize(size);
  if (mask.length !== size * size)
    invalid(`mask has ${mask.length} values; a ${size}x${size} chip needs ${size * size}`);
  const out = new Uint8Array(mask.length);
  permutePlane(mask, out, 0, size, transform);
  return out;
}

/**
 * The transform that undoes `transform` (reflections undo themselves; a rotation is undone by the opposite one).
 * @param transform - a symmetry
 * @returns its inverse, e.g. to map a test-time-augmented prediction back
 */
export function invertTransform(transform: DihedralTransform): DihedralTransform {
  if (transform.mirror) return { ...transform };
  return {
    quarterTurns: ((4 - transform.quarterTurns) % 4) as DihedralTransform['quarterTurns'],
    mirror: false,
  };
}

/** All eight symmetries of the square, identity first. */
export function allTransforms(): DihedralTransform[] {
  const out: DihedralTransform[] = [];
  for (const mirror of [false, true])
    for (const quarterTurns of [0, 1, 2, 3] as const) out.push({ quarterTurns, mirror });
  return out;
}

function drawTransform(rng: Rng, flips: boolean, rotations: boolean): DihedralTransform {
  let mirror = false;
  let turns = 0;
  if (flips) {
    const horizontal = rng.next() < 0.5;
    const vertical = rng.next() < 0.5;
    // A vertical flip is a mirror followed by a half turn.
    mirror = horizontal !== vertical;
    turns = vertical ? 2 : 0;
  }
  if (rotations) turns = (turns + rng.int(4)) % 4;
  return { quarterTurns: turns as DihedralTransform['quarterTurns'], mirror };
}

/**
 * Writes `dst[dest(x, y)] = src[offset + y·size + x]` for one plane. The destination of (x, y) is affine in x and y,
 * so it is computed from an origin and two strides instead of a per-call index table.
 */
function permutePlane(
  src: Float32Array | Uint8Array,
  dst: Float32Array | Uint8Array,
  offset: number,
  size: number,
  t: DihedralTransform,
): void {
  const last = size - 1;
  // x' = ax + px·x + qx·y ; y' = ay + py·x + qy·y
  let [ax, px, qx] = [0, 1, 0];
  let [ay, py, qy] = [0, 0, 1];
  if (t.mirror) [ax, px, qx] = [last - ax, -px, -qx];
  for (let k = 0; k < t.quarterTurns; k++) {
    // Clockwise quarter turn: (x, y) → (last − y, x).
    [ax, px, qx, ay, py, qy] = [last - ay, -py, -qy, ax, px, qx];
  }
  const origin = offset + ay * size + ax;
  const strideX = py * size + px;
  const strideY = qy * size + qx;
  for (let y = 0; y < size; y++) {
    let dest = origin + y * strideY;
    let from = offset + y * size;
    for (let x = 0; x < size; x++, dest += strideX, from++) dst[dest] = src[from] as number;
  }
}

function jitterInPlace(
  image: Float32Array,
  size: number,
  normalization: Normalization,
  brightnessFactor: number,
  contrastFactor: number,
): void {
  const plane = size * size;
  const luma = [0.299, 0.587, 0.114];
  let grey = 0;
  for (let c = 0; c < 3; c++) {
    const std = normalization.std[c] as number;
    const mean = normalization.mean[c] as number;
    let sum = 0;
    for (let i = c * plane, end = i + plane; i < end; i++) sum += (image[i] as number) * std + mean;
    grey += ((luma[c] as number) * sum) / plane;
  }
  const greyAfterBrightness = grey * brightnessFactor;
  for (let c = 0; c < 3; c++) {
    const std = normalization.std[c] as number;
    const mean = normalization.mean[c] as number;
    for (let i = c * plane, end = i + plane; i < end; i++) {
      const raw = ((image[i] as number) * std + mean) * brightnessFactor;
      const jittered = contrastFactor * (raw - greyAfterBrightness) + greyAfterBrightness;
      const clamped = jittered < 0 ? 0 : jittered > 1 ? 1 : jittered;
      image[i] = (clamped - mean) / std;
    }
  }
}

function channelsOf(image: Float32Array, size: number): number {
  const plane = size * size;
  const channels = image.length / plane;
  if (!Number.isInteger(channels) || channels < 1)
    invalid(`image has ${image.length} values, not a multiple of ${size}x${size}`);
  return channels;
}

function jitterAmount(what: string, value: number | undefined): number {
  const v = value ?? 0;
  if (!(Number.isFinite(v) && v >= 0 && v <= 1)) invalid(`${what} jitter ${v} must be in [0, 1]`);
  return v;
}
