/**
 * @module ml/infer/chip-windows — fits a chip of any size to a model's square input and back: larger chips are split
 * into input-size windows the way datasets split tiles (`splitTile`: round(size / input) windows per side, resampled
 * only when the size is not a multiple), smaller ones are padded with black (no-data); the windows' probabilities are
 * reassembled, cropped and resampled to the chip's own size (issue 3, §6). Pure functions over typed arrays.
 */
import { splitTile } from '../../datasets/index.ts';
import type { RasterRGB } from '../../imagery/index.ts';
import { invalid } from '../../shared/index.ts';
import { imageToChw } from '../train/index.ts';
import type { Normalization } from '../train/index.ts';

/** How one axis of a chip maps onto windows. */
export type AxisPlan = {
  /** The chip's size on this axis. */
  readonly size: number;
  /** Size after resampling (equals `size` unless the chip is larger than the input but not a multiple of it). */
  readonly resized: number;
  /** Size after padding: `windows × input`. */
  readonly padded: number;
  /** Windows on this axis. */
  readonly windows: number;
};

/** How a chip becomes model inputs. */
export type WindowPlan = {
  readonly inputSize: number;
  readonly x: AxisPlan;
  readonly y: AxisPlan;
  /** Window origins in the resized, padded chip, row by row from the north-west. */
  readonly windows: readonly { readonly left: number; readonly top: number }[];
};

function planAxis(size: number, inputSize: number): AxisPlan {
  if (size < inputSize) return { size, resized: size, padded: inputSize, windows: 1 };
  const { of, resampleTo } = splitTile(size, inputSize);
  return { size, resized: resampleTo, padded: resampleTo, windows: of };
}

/**
 * Plans the windows of a chip.
 * @param width - chip width in pixels
 * @param height - chip height in pixels
 * @param inputSize - the model's square input size
 * @returns per-axis sizes and the window origins
 * @throws AppError INVALID_PARAMETER_VALUE when a size is not a positive integer
 * @example
 * planWindows(512, 512, 256).windows.length; // 4, no resampling
 * planWindows(300, 300, 256).x.resized; // 256: resampled, like a 300 px tile in a 256 px dataset
 */
export function planWindows(width: number, height: number, inputSize: number): WindowPlan {
  for (const [what, v] of [
    ['chip width', width],
    ['chip height', height],
    ['input size', inputSize],
  ] as const)
    if (!Number.isSafeInteger(v) || v < 1) invalid(`${what} ${v} must be a positive integer`);
  const x = planAxis(width, inputSize);
  const y = planAxis(height, inputSize);
  const windows: { left: number; top: number }[] = [];
  for (let row = 0; row < y.windows; row++)
    for (let col = 0; col < x.windows; col++) windows.push({ left: col * inputSize, top: row * inputSize });
  return { inputSize, x, y, windows };
}

/**
 * Bilinear resampling of an interleaved image (pixel centres at k + 0.5, edges repeated).
 * @param src - `width × height × channels` values, row-major, channels interleaved
 * @param width - source width
 * @param height - source height
 * @param channels - values per pixel
 * @param newWidth - output width
 * @param newHeight - output height
 * @returns `newWidth × newHeight × channels` values (not rounded)
 */
export function resizeBilinear(
  src: ArrayLike<number>,
  width: number,
  height: number,
  channels: number,
  newWidth: number,
  newHeight: number,
): Float32Array {
  const out = new Float32Array(newWidth * newHeight * channels);
  const cols = axisTaps(width, newWidth);
  const rows = axisTaps(height, newHeight);
  for (let j = 0; j < newHeight; j++) {
    const { i0: r0, i1: r1, t: ty } = rows[j] as Tap;
    for (let i = 0; i < newWidth; i++) {
      const { i0: c0, i1: c1, t: tx } = cols[i] as Tap;
      const o = (j * newWidth + i) * channels;
      for (let c = 0; c < channels; c++) {
        const top =
          (src[(r0 * width + c0) * channels + c] as number) * (1 - tx) +
          (src[(r0 * width + c1) * channels + c] as number) * tx;
        const bottom =
          (src[(r1 * width + c0) * channels + c] as number) * (1 - tx) +
          (src[(r1 * width + c1) * channels + c] as number) * tx;
        out[o + c] = top * (1 - ty) + bottom * ty;
      }
    }
  }
  return out;
}

type Tap = { i0: number; i1: number; t: number };

function axisTaps(size: number, newSize: number): Tap[] {
  const scale = size / newSize;
  return Array.from({ length: newSize }, (_, i) => {
    const centre = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), size - 1);
    const i0 = Math.floor(centre);
    return { i0, i1: Math.min(i0 + 1, size - 1), t: centre - i0 };
  });
}

/**
 * Resamples a chip to the plan's resized size (a no-op when no axis needs resampling).
 * @param image - the decoded chip, at the plan's `size`
 * @param plan - its window plan
 * @returns the image the windows are cut from
 */
export function resizeForPlan(image: RasterRGB, plan: WindowPlan): RasterRGB {
  const { x, y } = plan;
  if (x.resized === image.width && y.resized === image.height) return image;
  const resized = resizeBilinear(image.data, image.width, image.height, 3, x.resized, y.resized);
  const data = new Uint8Array(resized.length);
  for (let i = 0; i < resized.length; i++) data[i] = Math.round(resized[i] as number);
  return { width: x.resized, height: y.resized, data };
}

/**
 * One window of a (resized) chip as a normalised 3×S×S model input; pixels beyond the chip are black.
 * @param image - the resized chip from {@link resizeForPlan}
 * @param window - the window's origin
 * @param inputSize - S
 * @param normalization - means and standard deviations relative to v/255 (see `callerNormalization`)
 * @returns CHW float32
 */
export function windowInput(
  image: RasterRGB,
  window: { left: number; top: number },
  inputSize: number,
  normalization: Normalization,
): Float32Array {
  const pixels = new Uint8Array(inputSize * inputSize * 3);
  const cols = Math.max(0, Math.min(inputSize, image.width - window.left));
  const rows = Math.min(inputSize, image.height - window.top);
  for (let r = 0; r < rows; r++) {
    const from = ((window.top + r) * image.width + window.left) * 3;
    pixels.set(image.data.subarray(from, from + cols * 3), r * inputSize * 3);
  }
  return imageToChw(pixels, inputSize, normalization);
}

/**
 * A chip's probabilities being assembled from its windows: `classes × padded height × padded width`, planar.
 */
export class ProbabilityCanvas {
  readonly plan: WindowPlan;
  readonly classes: number;
  readonly data: Float32Array;

  /**
   * @param plan - the chip's window plan
   * @param classes - output channels of the model
   */
  constructor(plan: WindowPlan, classes: number) {
    this.plan = plan;
    this.classes = classes;
    this.data = new Float32Array(classes * plan.x.padded * plan.y.padded);
  }

  /**
   * Copies one window's probabilities into place.
   * @param probabilities - `classes × S × S` values of the window
   * @param window - the window's origin
   */
  place(probabilities: Float32Array, window: { left: number; top: number }): void {
    const s = this.plan.inputSize;
    const width = this.plan.x.padded;
    const plane = width * this.plan.y.padded;
    for (let c = 0; c < this.classes; c++)
      for (let r = 0; r < s; r++) {
        const from = c * s * s + r * s;
        this.data.set(
          probabilities.subarray(from, from + s),
          c * plane + (window.top + r) * width + window.left,
        );
      }
  }

  /**
   * The probabilities at the chip's own size: padding cropped, resampling undone.
   * @returns `classes × height × width` planar values
   */
  finish(): Float32Array {
    const { x, y } = this.plan;
    const plane = x.padded * y.padded;
    const out = new Float32Array(this.classes * x.size * y.size);
    for (let c = 0; c < this.classes; c++) {
      let cropped: Float32Array = new Float32Array(x.resized * y.resized);
      for (let r = 0; r < y.resized; r++) {
        const from = c * plane + r * x.padded;
        cropped.set(this.data.subarray(from, from + x.resized), r * x.resized);
      }
      if (x.resized !== x.size || y.resized !== y.size)
        cropped = resizeBilinear(cropped, x.resized, y.resized, 1, x.size, y.size);
      out.set(cropped, c * x.size * y.size);
    }
    return out;
  }
}
