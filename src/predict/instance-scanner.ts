/**
 * @module predict/instance-scanner — finds buildings in finished probability rows as they arrive, north to south, and
 * emits each one exactly once and whole: an instance that still touches the newest row is carried over to the next
 * scan with the rows it spans, everything above is dropped (issue 4 §1, §2). Memory: one scan's rows plus the rows of
 * buildings still open.
 */
import { instancesFromMulticlass, labelComponents, tracePolygons } from '../polygons/index.ts';
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
  /** Growth of multi-class seeds, pixels, default 2. */
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
  #classes = new Uint8Array(0);
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
    this.#s = { growPx: 2, maxCarryRows: 1024, ...settings };
  }

  /** Rows held now (the rows of buildings still open). */
  get rowsHeld(): number {
    return this.#rows;
  }

  /**
   * Appends finished rows and scans.
   * @param rows - the next rows, starting where the last push ended, `width` columns
   * @returns the instances completed by these rows
   * @throws AppError INVALID_PARAMETER_VALUE when the rows do not continue the last push or have another width
   */
  push(rows: FinishedRows): PixelInstance[] {
    if (rows.width !== this.#s.width) invalid(`rows have ${rows.width} columns, expected ${this.#s.width}`);
    if (rows.y0 !== this.#top + this.#rows)
      invalid(`rows start at ${rows.y0}, expected ${this.#top + this.#rows}`);
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
      this.#classes = copyInto(new Uint8Array(grown), this.#classes, this.#rows * width);
    }
    const at = this.#rows * width;
    this.#building.set(rows.building, at);
    if (rows.foregroundClass) this.#classes.set(rows.foregroundClass, at);
    this.#rows += rows.rows;
  }

  #scan(last: boolean): PixelInstance[] {
    const { width, growPx, maxCarryRows } = this.#s;
    const height = this.#rows;
    if (height === 0) return [];
    const image = this.#instances(height);
    const stats = instanceStats(image, this.#building);
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
    const { width, confidence } = this.#s;
    const n = width * height;
    const mask = new Uint8Array(n);
    const building = this.#building;
    if (!this.#s.multiclass) {
      for (let i = 0; i < n; i++) mask[i] = (building[i] as number) >= confidence ? 1 : 0;
      return labelComponents(mask, { width, height });
    }
    const classes = this.#classes;
    for (let i = 0; i < n; i++) mask[i] = (building[i] as number) >= confidence ? (classes[i] as number) : 0;
    return instancesFromMulticlass(mask, { width, height }, { growPx: this.#s.growPx });
  }

  /** Traces each emitted instance on a crop of its bounding box (far less work than tracing the whole buffer). */
  #trace(image: LabelImage, emit: Uint8Array, stats: Stats): PixelInstance[] {
    const found: PixelInstance[] = [];
    const { labels, width } = image;
    for (let l = 1; l <= image.count; l++) {
      if (emit[l] !== 1) continue;
      const x0 = stats.minX[l] as number;
      const y0 = stats.minY[l] as number;
      const w = (stats.maxX[l] as number) + 1 - x0;
      const h = (stats.maxY[l] as number) + 1 - y0;
      const crop = new Int32Array(w * h);
      for (let y = 0; y < h; y++) {
        const from = (y + y0) * width + x0;
        for (let x = 0; x < w; x++) if (labels[from + x] === l) crop[y * w + x] = 1;
      }
      const dx = x0 + this.#s.x0;
      const dy = y0 + this.#top;
      const confidence = (stats.sum[l] as number) / Math.max(1, stats.count[l] as number);
      // Instances are 4-connected (components, or 4-connected seeds grown by 4-neighbour steps): one piece each.
      for (const piece of tracePolygons(crop, w, h, { connected: true }))
        found.push({
          polygon: piece.polygon.map((ring) => ring.map(([x, y]): [number, number] => [x + dx, y + dy])),
          pixels: piece.pixels,
          confidence,
        });
    }
    return found;
  }

  #dropRows(keepFrom: number, width: number): void {
    if (keepFrom <= 0) return;
    const kept = this.#rows - keepFrom;
    this.#building.copyWithin(0, keepFrom * width, this.#rows * width);
    this.#classes.copyWithin(0, keepFrom * width, this.#rows * width);
    this.#top += keepFrom;
    this.#rows = kept;
  }
}

function copyInto<T extends Float32Array | Uint8Array>(target: T, source: T, length: number): T {
  target.set(source.subarray(0, length));
  return target;
}

/** Westmost column, top and bottom rows, probability sum and pixel count of every instance. */
function instanceStats(image: LabelImage, building: Float32Array): Stats {
  const n = image.count + 1;
  const { labels, width } = image;
  const minX = new Int32Array(n).fill(width);
  const maxX = new Int32Array(n).fill(-1);
  const minY = new Int32Array(n).fill(image.height);
  const maxY = new Int32Array(n).fill(-1);
  const sum = new Float64Array(n);
  const count = new Int32Array(n);
  for (let y = 0, row = 0; row < labels.length; y++, row += width)
    for (let x = 0; x < width; x++) {
      const l = labels[row + x] as number;
      if (l === 0) continue;
      if (x < (minX[l] as number)) minX[l] = x;
      if (x > (maxX[l] as number)) maxX[l] = x;
      if (y < (minY[l] as number)) minY[l] = y;
      maxY[l] = y;
      sum[l] = (sum[l] as number) + (building[row + x] as number);
      count[l] = (count[l] as number) + 1;
    }
  return { minX, maxX, minY, maxY, sum, count };
}
