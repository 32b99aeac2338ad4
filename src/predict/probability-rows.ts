/**
 * @module predict/probability-rows — the stitcher: window probabilities go onto one pixel grid, blended with a weight
 * ramp where windows overlap, and leave it as finished rows once no later window can touch them (issue 4 §2). Holds
 * one window height of rows, whatever the area.
 */
import { MULTICLASS, SEED_PROBABILITY } from '../polygons/index.ts';
import { invalid } from '../shared/index.ts';
import { blendRamp } from './window-grid.ts';

const FOOTPRINT: number = MULTICLASS.footprint;
const BOUNDARY: number = MULTICLASS.boundary;

/** Finished grid rows, cropped to the columns asked for. */
export type FinishedRows = {
  /** Grid row of the first row. */
  y0: number;
  /** Rows held. */
  rows: number;
  /** Columns per row. */
  width: number;
  /**
   * Building probability per pixel: the sigmoid output, or for several classes the sum of the foreground ones
   * (1 − P(background)).
   */
  building: Float32Array;
  /**
   * For several classes: the most probable non-background class of each pixel (1..C−1), footprint (1) only at
   * P(footprint) ≥ `SEED_PROBABILITY` (else boundary, 2), as polygons' `instanceClassMap`; absent for one class.
   */
  foregroundClass?: Uint8Array;
};

/** Layout of a {@link ProbabilityRows}. */
export type ProbabilityRowsLayout = {
  /** Grid columns the windows cover, `[x0, x1)`. */
  x0: number;
  x1: number;
  /** Grid columns returned by `take`, within `[x0, x1)`. */
  cropX0: number;
  cropX1: number;
  /** Grid height in rows: windows may reach past it (padding), those rows are dropped. */
  height: number;
  /** Output channels of the model. */
  channels: number;
  /** Window side. */
  inputSize: number;
  /** Blend ramp length (0 = plain averaging where windows overlap). */
  overlap: number;
};

/**
 * Accumulates weighted window outputs for one window height of rows. Windows are added row of windows by row of
 * windows, each row starting at or below the previous one; `take(until)` hands out the rows above `until`, which no
 * later window may touch.
 */
export class ProbabilityRows {
  readonly #layout: ProbabilityRowsLayout;
  readonly #width: number;
  /** Blended sums of the kept channels: every channel for one class; the foreground ones (1..C−1) for several. */
  readonly #sums: Float32Array;
  /** First model channel kept in `#sums`: 1 with several classes (the background is 1 − the rest), else 0. */
  readonly #firstChannel: number;
  readonly #weights: Float32Array;
  readonly #ramp: Float32Array;
  /** Per row of the window being added: 1 where its flat columns are copied rather than blended. */
  readonly #copiedRows: Uint8Array;
  /** Columns `[flatFrom, flatTo)` of a window where the ramp is 1. */
  readonly #flatFrom: number;
  readonly #flatTo: number;
  #top = 0;

  /**
   * @param layout - columns, crop, grid height, channels, window size and overlap
   * @throws AppError INVALID_PARAMETER_VALUE when the crop is outside the columns or sizes are bad
   */
  constructor(layout: ProbabilityRowsLayout) {
    const { x0, x1, cropX0, cropX1, channels, inputSize } = layout;
    if (!(x0 <= cropX0 && cropX0 < cropX1 && cropX1 <= x1))
      invalid(`crop ${cropX0}..${cropX1} must lie within columns ${x0}..${x1}`);
    if (!Number.isInteger(channels) || channels < 1)
      invalid(`channels ${channels} must be a positive integer`);
    this.#layout = layout;
    this.#width = x1 - x0;
    this.#firstChannel = channels > 1 ? 1 : 0;
    this.#sums = new Float32Array((channels - this.#firstChannel) * inputSize * this.#width);
    this.#weights = new Float32Array(inputSize * this.#width);
    this.#ramp = blendRamp(inputSize, layout.overlap);
    this.#copiedRows = new Uint8Array(inputSize);
    const ramp = this.#ramp;
    let from = ramp.indexOf(1);
    if (from < 0) from = inputSize;
    let to = from;
    while (to < inputSize && ramp[to] === 1) to++;
    this.#flatFrom = from;
    this.#flatTo = to;
  }

  /** First row not yet taken. */
  get top(): number {
    return this.#top;
  }

  /**
   * Adds one window's output.
   * @param output - model output, `n × channels × S × S`
   * @param slot - which image of the output
   * @param wx - window origin column (grid pixels)
   * @param wy - window origin row (grid pixels); must equal the first row not yet taken
   * @throws AppError INVALID_PARAMETER_VALUE when the window starts above or below the rows held
   */
  add(output: Float32Array, slot: number, wx: number, wy: number): void {
    const { channels, inputSize: S, x0, height } = this.#layout;
    if (wy !== this.#top) invalid(`window row ${wy} is not the first open row ${this.#top}`);
    const plane = S * S;
    const W = this.#width;
    const i0 = Math.max(0, x0 - wx);
    const i1 = Math.min(S, x0 + W - wx);
    const j1 = Math.min(S, height - wy);
    const ramp = this.#ramp;
    const weights = this.#weights;
    const sums = this.#sums;
    const base = slot * channels * plane;
    // Columns of the window where the ramp is 1 (the whole window without overlap).
    const f0 = Math.max(i0, this.#flatFrom);
    const f1 = Math.min(i1, this.#flatTo);
    // Rows whose flat columns no other window has written yet: there the sum is the output itself (0 + 1·v = v
    // exactly), copied natively instead of blended pixel by pixel. Decided for every row first; then the weights and
    // each channel are written in one pass over the window each (few calls, long loops).
    const copied = this.#copiedRows;
    for (let j = 0; j < j1; j++) {
      const at = j * W + (wx - x0);
      copied[j] = ramp[j] === 1 && f0 < f1 && allZero(weights, at + f0, at + f1) ? 1 : 0;
    }
    // Values first: where the weight is still 0 the sum holds leftovers of taken rows and is overwritten.
    for (let c = this.#firstChannel; c < channels; c++)
      for (let j = 0; j < j1; j++) {
        const at = j * W + (wx - x0);
        const sumsAt = (c - this.#firstChannel) * S * W;
        const src = base + c * plane + j * S;
        const wyj = ramp[j] as number;
        if (copied[j] === 1) {
          sums.set(output.subarray(src + f0, src + f1), sumsAt + at + f0);
          addWeighted(sums, sumsAt, weights, at, output, src, ramp, wyj, i0, f0);
          addWeighted(sums, sumsAt, weights, at, output, src, ramp, wyj, f1, i1);
        } else addWeighted(sums, sumsAt, weights, at, output, src, ramp, wyj, i0, i1);
      }
    for (let j = 0; j < j1; j++) {
      const at = j * W + (wx - x0);
      const wyj = ramp[j] as number;
      if (copied[j] === 1) {
        weights.fill(1, at + f0, at + f1);
        addWeights(weights, ramp, wyj, at, i0, f0);
        addWeights(weights, ramp, wyj, at, f1, i1);
      } else addWeights(weights, ramp, wyj, at, i0, i1);
    }
  }

  /**
   * Hands out rows `[top, until)`, normalised by their weights and cropped; pixels no window covered (skipped no-data
   * windows) have probability 0.
   * @param until - end row (exclusive), at most one window height below `top` and at most the grid height
   * @returns the finished rows
   * @throws AppError INVALID_PARAMETER_VALUE for an `until` outside that range
   */
  take(until: number): FinishedRows {
    const { channels, inputSize: S, cropX0, cropX1, x0, height } = this.#layout;
    const top = this.#top;
    if (!(until >= top && until <= Math.min(height, top + S)))
      invalid(`rows up to ${until} cannot be taken from rows ${top}..${Math.min(height, top + S)}`);
    const rows = until - top;
    const width = cropX1 - cropX0;
    const W = this.#width;
    const building = new Float32Array(rows * width);
    const foregroundClass = channels > 1 ? new Uint8Array(rows * width) : undefined;
    const weights = this.#weights;
    const sums = this.#sums;
    for (let r = 0; r < rows; r++) {
      const rowAt = r * W + (cropX0 - x0);
      const outAt = r * width;
      if (foregroundClass === undefined) {
        for (let i = 0; i < width; i++) {
          const weight = weights[rowAt + i] as number;
          if (weight > 0) building[outAt + i] = (sums[rowAt + i] as number) / weight;
        }
        continue;
      }
      this.#foregroundRow(rowAt, foregroundClass, building, outAt, width);
    }
    this.#shift(rows);
    this.#top = until;
    return { y0: top, rows, width, building, ...(foregroundClass ? { foregroundClass } : {}) };
  }

  /**
   * One row of several classes in one pass: building probability (the foreground sum), and the most probable
   * non-background class (ties to the lower class), where a footprint below the seed probability is boundary, as
   * polygons' instanceClassMap decides. Pixels no window covered hold leftover sums: probability 0, class 1.
   */
  #foregroundRow(
    rowAt: number,
    classes: Uint8Array,
    building: Float32Array,
    outAt: number,
    width: number,
  ): void {
    const { channels, inputSize: S } = this.#layout;
    const sums = this.#sums;
    const weights = this.#weights;
    const stride = S * this.#width;
    const footprintAt = (FOOTPRINT - this.#firstChannel) * stride + rowAt;
    for (let i = 0; i < width; i++) {
      const weight = weights[rowAt + i] as number;
      if (!(weight > 0)) {
        classes[outAt + i] = FOOTPRINT;
        continue;
      }
      const footprint = sums[footprintAt + i] as number;
      let foreground = footprint;
      let best = footprint;
      let label = FOOTPRINT;
      for (let c = FOOTPRINT + 1, at = footprintAt + stride + i; c < channels; c++, at += stride) {
        const v = sums[at] as number;
        foreground += v;
        if (v > best) {
          best = v;
          label = c;
        }
      }
      building[outAt + i] = foreground / weight;
      if (label === FOOTPRINT && footprint / weight < SEED_PROBABILITY) label = BOUNDARY;
      classes[outAt + i] = label;
    }
  }

  /**
   * Moves the rows still open to the front and clears the weights of the rest. Their sums are left as they are: a sum
   * counts only where its weight is above 0, and the first window to weigh a pixel overwrites it.
   */
  #shift(rows: number): void {
    if (rows === 0) return;
    const { channels, inputSize: S } = this.#layout;
    const W = this.#width;
    const keep = (S - rows) * W;
    for (let c = 0; c < channels - this.#firstChannel; c++) {
      const base = c * S * W;
      this.#sums.copyWithin(base, base + rows * W, base + S * W);
    }
    this.#weights.copyWithin(0, rows * W, S * W);
    this.#weights.fill(0, keep, S * W);
  }
}

/**
 * Adds the blend weights of window row weight `wyj` times the column ramp, window columns `[i0, i1)`, to the weights
 * at `at`. Each weight is rounded to float32 first, as where it scales the values (`addWeighted`).
 */
function addWeights(
  weights: Float32Array,
  ramp: Float32Array,
  wyj: number,
  at: number,
  i0: number,
  i1: number,
): void {
  for (let i = i0; i < i1; i++)
    weights[at + i] = (weights[at + i] as number) + Math.fround(wyj * (ramp[i] as number));
}

/**
 * Adds `output[src + i]` times its float32 blend weight to the sum at `sumsAt + at + i`, window columns `[i0, i1)`;
 * where the weight at `at + i` is still 0 the sum is set instead (the same bits as adding to 0).
 */
function addWeighted(
  sums: Float32Array,
  sumsAt: number,
  weights: Float32Array,
  at: number,
  output: Float32Array,
  src: number,
  ramp: Float32Array,
  wyj: number,
  i0: number,
  i1: number,
): void {
  for (let i = i0; i < i1; i++) {
    const value = Math.fround(wyj * (ramp[i] as number)) * (output[src + i] as number);
    const k = sumsAt + at + i;
    sums[k] = weights[at + i] === 0 ? value : (sums[k] as number) + value;
  }
}

/** Whether `values[from..to)` are all 0. */
function allZero(values: Float32Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (values[i] !== 0) return false;
  return true;
}
