/**
 * @module predict/instance-scanner — finds buildings in finished probability rows as they arrive, north to south, and
 * emits each one exactly once and whole: an instance that still touches the newest row is carried over to the next
 * scan with the rows it spans, everything above is dropped (issue 4 §1, §2). Memory: one scan's rows plus the rows of
 * buildings still open.
 */
import {
  LabelWorkspace,
  PREDICTED_GROW_PX,
  instancesFromMulticlass,
  labelComponents,
  traceLabel,
} from '../polygons/index.ts';
import type { LabelImage, PixelPolygon } from '../polygons/index.ts';
import { invalid } from '../shared/index.ts';
import type { FinishedRows } from './probability-rows.ts';

/** A building found on the grid, in grid pixel coordinates. */
export type PixelInstance = {
  /** Outer ring then holes, closed, grid pixel corners (x east, y south). */
  polygon: PixelPolygon;
  /** Pixels of the piece. */
  pixels: number;
  /** Mean building probability over the instance's pixels. */
  confidence: number;
};

/** Settings of an {@link InstanceScanner}. */
export type ScannerSettings = {
  /** Grid column of the rows' first column (the stripe's extended start). */
  x0: number;
  /** Columns per row. */
  width: number;
  /** Grid columns owned: an instance is emitted only when its westmost pixel lies in `[coreX0, coreX1)`. */
  coreX0: number;
  coreX1: number;
  /** Grid height: the scan that reaches it is the last. */
  gridHeight: number;
  /** Probability at or above which a pixel is a building. */
  confidence: number;
  /** Several classes (footprint/boundary/contact): instances from seeds grown back, else connected components. */
  multiclass: boolean;
  /** Growth of multi-class seeds, pixels, default polygons' `PREDICTED_GROW_PX`. */
  growPx?: number;
  /** Most rows carried for buildings still open; past it they are emitted as they are, default 1024. */
  maxCarryRows?: number;
};

type Stats = {
  minX: Int32Array;
  maxX: Int32Array;
  minY: Int32Array;
  maxY: Int32Array;
  sum: Float64Array;
  count: Int32Array;
};

/**
 * Scans rows for building instances. Rows are pushed in order; every push scans the rows held, emits the instances
 * that can no longer grow and keeps the rows of those that still can.
 */
export class InstanceScanner {
  readonly #s: Required<ScannerSettings>;
  #building = new Float32Array(0);
  /** Class of each held pixel at or above the confidence (1 for a single class), else 0: labelling's input. */
  #mask = new Uint8Array(0);
  /** `#mask` as 32-bit words: a zero word is 4 background pixels, which label no instance. */
  #maskWords = new Uint32Array(0);
  /** Labelling buffers kept from scan to scan: allocating them per scan cost more than labelling. */
  readonly #workspace = new LabelWorkspace();
  /** Grid row of held row 0, and rows held. */
  #top = 0;
  #rows = 0;
  /** Grid row where the previous scan's rows ended. */
  #previousEnd = 0;

  /**
   * @param settings - see {@link ScannerSettings}
   * @throws AppError INVALID_PARAMETER_VALUE for a confidence outside (0, 1] or bad sizes
   */
  constructor(settings: ScannerSettings) {
    if (!(settings.confidence > 0 && settings.confidence <= 1))
      invalid(`confidence ${settings.confidence} must be in (0, 1]`);
    if (!Number.isSafeInteger(settings.width) || settings.width < 1)
      invalid(`scanner width ${settings.width} must be a positive integer`);
    this.#s = { growPx: PREDICTED_GROW_PX, maxCarryRows: 1024, ...settings };
  }

  /** Rows held now (the rows of buildings still open). */
  get rowsHeld(): number {
    return this.#rows;
  }

  /**
   * Appends finished rows and scans.
   * @param rows - the next rows, starting where the last push ended, `width` columns
   * @returns the instances completed by these rows
   * @throws AppError INVALID_PARAMETER_VALUE when the rows do not continue the last push, have another width or lack
   *   the classes of a multi-class scanner
   */
  push(rows: FinishedRows): PixelInstance[] {
    if (rows.width !== this.#s.width) invalid(`rows have ${rows.width} columns, expected ${this.#s.width}`);
    if (rows.y0 !== this.#top + this.#rows)
      invalid(`rows start at ${rows.y0}, expected ${this.#top + this.#rows}`);
    if (this.#s.multiclass && rows.foregroundClass === undefined)
      invalid(`rows at ${rows.y0} have no foregroundClass for a multi-class scanner`);
    this.#append(rows);
    const end = this.#top + this.#rows;
    const instances = this.#scan(end >= this.#s.gridHeight);
    this.#previousEnd = end;
    return instances;
  }

  #append(rows: FinishedRows): void {
    const { width } = this.#s;
    const needed = (this.#rows + rows.rows) * width;
    if (needed > this.#building.length) {
      const grown = Math.max(needed, this.#building.length * 2);
      this.#building = copyInto(new Float32Array(grown), this.#building, this.#rows * width);
      this.#mask = copyInto(new Uint8Array(grown), this.#mask, this.#rows * width);
      this.#maskWords = new Uint32Array(this.#mask.buffer, 0, grown >> 2);
    }
    const at = this.#rows * width;
    this.#building.set(rows.building, at);
    this.#maskRows(rows, at);
    this.#rows += rows.rows;
  }

  /** Masks only the new rows: held rows keep their mask from the push that brought them. */
  #maskRows(rows: FinishedRows, at: number): void {
    const { confidence } = this.#s;
    const { building, foregroundClass } = rows;
    const mask = this.#mask;
    const n = rows.rows * rows.width;
    // Branch-free: a comparison as 0/1 times the class (edges of buildings would mispredict a branch).
    if (foregroundClass === undefined)
      for (let i = 0; i < n; i++) mask[at + i] = Number((building[i] as number) >= confidence);
    else
      for (let i = 0; i < n; i++)
        mask[at + i] = (foregroundClass[i] as number) * Number((building[i] as number) >= confidence);
  }

  #scan(last: boolean): PixelInstance[] {
    const { width, growPx, maxCarryRows } = this.#s;
    const height = this.#rows;
    if (height === 0) return [];
    const image = this.#instances(height);
    const stats = instanceStats(image, this.#building, this.#maskWords);
    const guard = this.#s.multiclass ? growPx : 0;
    const emitFrom = this.#previousEnd - 1 - guard - this.#top;
    const openFrom = height - 1 - guard;
    const emit = new Uint8Array(image.count + 1);
    let carryFrom = height;
    for (let l = 1; l <= image.count; l++) {
      const open = !last && (stats.maxY[l] as number) >= openFrom;
      if (open) carryFrom = Math.min(carryFrom, stats.minY[l] as number);
      else if ((stats.maxY[l] as number) >= emitFrom && this.#owns(stats.minX[l] as number)) emit[l] = 1;
    }
    // Seeds of multi-class instances compete within growPx: keep the pixels just above an open instance too.
    let keepFrom = Math.max(0, carryFrom - (this.#s.multiclass ? growPx + 1 : 0));
    if (carryFrom < height && height - keepFrom > maxCarryRows) {
      for (let l = 1; l <= image.count; l++)
        if ((stats.maxY[l] as number) >= emitFrom && this.#owns(stats.minX[l] as number)) emit[l] = 1;
      keepFrom = height;
    }
    const instances = this.#trace(image, emit, stats);
    this.#dropRows(keepFrom, width);
    return instances;
  }

  #owns(localMinX: number): boolean {
    const x = localMinX + this.#s.x0;
    return x >= this.#s.coreX0 && x < this.#s.coreX1;
  }

  #instances(height: number): LabelImage {
    const { width } = this.#s;
    const mask = this.#mask.subarray(0, width * height);
    const workspace = this.#workspace;
    if (!this.#s.multiclass) return labelComponents(mask, { width, height }, { workspace });
    return instancesFromMulticlass(mask, { width, height }, { growPx: this.#s.growPx, workspace });
  }

  /** Traces each emitted instance within its bounding box (far less work than tracing the whole buffer). */
  #trace(image: LabelImage, emit: Uint8Array, stats: Stats): PixelInstance[] {
    const found: PixelInstance[] = [];
    const offset = [this.#s.x0, this.#top] as const;
    for (let l = 1; l <= image.count; l++) {
      if (emit[l] !== 1) continue;
      const box = {
        x0: stats.minX[l] as number,
        y0: stats.minY[l] as number,
        x1: (stats.maxX[l] as number) + 1,
        y1: (stats.maxY[l] as number) + 1,
      };
      const pixels = stats.count[l] as number;
      // Instances are 4-connected (components, or 4-connected seeds grown by 4-neighbour steps): one piece each, so
      // the pixel count tells whether the outline leaves room for holes.
      found.push({
        polygon: traceLabel(image, l, box, { offset, pixels }),
        pixels,
        confidence: (stats.sum[l] as number) / Math.max(1, pixels),
      });
    }
    return found;
  }

  #dropRows(keepFrom: number, width: number): void {
    if (keepFrom <= 0) return;
    const kept = this.#rows - keepFrom;
    this.#building.copyWithin(0, keepFrom * width, this.#rows * width);
    this.#mask.copyWithin(0, keepFrom * width, this.#rows * width);
    this.#top += keepFrom;
    this.#rows = kept;
  }
}

function copyInto<T extends Float32Array | Uint8Array>(target: T, source: T, length: number): T {
  target.set(source.subarray(0, length));
  return target;
}

/**
 * Bounding box, probability sum and pixel count of every instance, run by run along each row (runs of one label are
 * long; the sum still adds pixel by pixel in raster order). Background is skipped 4 pixels at a time where the mask
 * is: instances grow only into masked pixels.
 */
function instanceStats(image: LabelImage, building: Float32Array, maskWords: Uint32Array): Stats {
  const n = image.count + 1;
  const { labels, width, height } = image;
  const minX = new Int32Array(n).fill(width);
  const maxX = new Int32Array(n).fill(-1);
  const minY = new Int32Array(n).fill(height);
  const maxY = new Int32Array(n).fill(-1);
  const sum = new Float64Array(n);
  const count = new Int32Array(n);
  for (let y = 0, row = 0; y < height; y++, row += width) {
    const rowEnd = row + width;
    let i = row;
    while (i < rowEnd) {
      const l = labels[i] as number;
      if (l === 0) {
        i++;
        if ((i & 3) === 0) while (i + 4 <= rowEnd && maskWords[i >> 2] === 0) i += 4;
        continue;
      }
      const from = i;
      let s = sum[l] as number;
      do s += building[i++] as number;
      while (i < rowEnd && labels[i] === l);
      if (count[l] === 0) minY[l] = y;
      maxY[l] = y;
      if (from - row < (minX[l] as number)) minX[l] = from - row;
      if (i - 1 - row > (maxX[l] as number)) maxX[l] = i - 1 - row;
      sum[l] = s;
      count[l] = (count[l] as number) + (i - from);
    }
  }
  return { minX, maxX, minY, maxY, sum, count };
}
