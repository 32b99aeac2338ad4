/**
 * @module predict/tile-prefetcher — reads the tiles of a prediction ahead of the model, in the order the model needs
 * them, with bounded concurrency and a bounded number of decoded tiles held (issue 4 §1: bounded streaming).
 */
import { tileKey } from '../geo/index.ts';
import type { Tile } from '../geo/index.ts';
import type { ImagerySource, RasterRGB } from '../imagery/index.ts';
import { resizeBilinear } from '../ml/index.ts';
import { AppError, isAppError } from '../shared/index.ts';

/** What reading one tile gave: its pixels at the grid's tile size, `missing` (404/410/204), or a failure. */
export type TileResult =
  { kind: 'image'; image: RasterRGB } | { kind: 'missing' } | { kind: 'failed'; reason: string };

/** Options of {@link TilePrefetcher}. */
export type PrefetchOptions = {
  /** Reads in flight, default 8. */
  concurrency?: number;
  /** Tiles started but not yet released (in flight or decoded), default 64. */
  maxHeld?: number;
  /** Pixels per tile side of the grid; tiles of another size are resampled (bilinear). */
  tileSize: number;
  /** Aborts reads in flight. */
  signal?: AbortSignal;
};

type Entry = { tile: Tile; uses: number; result: Promise<TileResult> };

/**
 * Reads tiles in a planned order ahead of use. A tile may be planned more than once (a stripe margin); each planned
 * occurrence is one use, and {@link TilePrefetcher.release} once per use frees it. Reads start in plan order while
 * fewer than `concurrency` are in flight and fewer than `maxHeld` are held; `get` of a tile further down the plan
 * starts every planned tile up to it at once. Callers get each tile before they release it.
 */
export class TilePrefetcher {
  readonly #source: ImagerySource;
  readonly #order: readonly Tile[];
  readonly #concurrency: number;
  readonly #maxHeld: number;
  readonly #tileSize: number;
  readonly #signal: AbortSignal | undefined;
  readonly #held = new Map<string, Entry>();
  #next = 0;
  #inFlight = 0;
  /** Tiles the imagery does not have (404/410/204). */
  missing = 0;
  /** Tiles read successfully. */
  read = 0;

  /**
   * @param source - the imagery
   * @param order - every tile in the order it will be used (duplicates allowed)
   * @param options - concurrency (8), maxHeld (64), tileSize, signal
   */
  constructor(source: ImagerySource, order: readonly Tile[], options: PrefetchOptions) {
    this.#source = source;
    this.#order = order;
    this.#concurrency = options.concurrency ?? 8;
    this.#maxHeld = Math.max(options.maxHeld ?? 64, this.#concurrency);
    this.#tileSize = options.tileSize;
    this.#signal = options.signal;
    this.#pump();
  }

  /**
   * The result of a tile, reading it now when it was not started yet.
   * @param tile - a tile of the plan
   * @returns its pixels, `missing` or the failure
   */
  get(tile: Tile): Promise<TileResult> {
    const key = tileKey(tile);
    const held = this.#held.get(key);
    if (held) return held.result;
    // Needed now: start every planned tile up to this one (they are needed no later), past the concurrency limit.
    for (let i = this.#next; i < this.#order.length; i++)
      if (tileKey(this.#order[i] as Tile) === key) {
        while (this.#next <= i) this.#plan(this.#order[this.#next++] as Tile);
        return (this.#held.get(key) as Entry).result;
      }
    return this.#start(tile, 1).result;
  }

  /**
   * Frees one use of a tile; once every planned use is released the decoded pixels are dropped and later tiles start.
   * @param tile - a tile previously planned
   */
  release(tile: Tile): void {
    const key = tileKey(tile);
    const entry = this.#held.get(key);
    if (entry === undefined) return;
    entry.uses--;
    if (entry.uses <= 0) this.#held.delete(key);
    this.#pump();
  }

  /** Tiles currently held (in flight or decoded). */
  get held(): number {
    return this.#held.size;
  }

  #pump(): void {
    while (
      this.#next < this.#order.length &&
      this.#inFlight < this.#concurrency &&
      this.#held.size < this.#maxHeld
    ) {
      this.#plan(this.#order[this.#next++] as Tile);
    }
  }

  /** Counts one more planned use of a tile, reading it when it is not held. */
  #plan(tile: Tile): void {
    const existing = this.#held.get(tileKey(tile));
    if (existing) existing.uses++;
    else this.#start(tile, 1);
  }

  #start(tile: Tile, uses: number): Entry {
    this.#inFlight++;
    const result = this.#read(tile).finally(() => {
      this.#inFlight--;
      this.#pump();
    });
    const entry: Entry = { tile, uses, result };
    this.#held.set(tileKey(tile), entry);
    return entry;
  }

  async #read(tile: Tile): Promise<TileResult> {
    try {
      const image = await this.#source.readTile(tile, this.#signal);
      this.read++;
      return { kind: 'image', image: fitTile(image, this.#tileSize) };
    } catch (error) {
      if (isAppError(error, 'RESOURCE_DOES_NOT_EXIST')) {
        this.missing++;
        return { kind: 'missing' };
      }
      if (this.#signal?.aborted) return { kind: 'failed', reason: 'aborted' };
      return { kind: 'failed', reason: error instanceof Error ? error.message : String(error) };
    }
  }
}

/**
 * A tile at the grid's tile size: as is when it already has it, otherwise resampled (bilinear).
 * @param image - the decoded tile
 * @param size - the grid's pixels per tile side
 * @returns the tile, `size × size`
 */
export function fitTile(image: RasterRGB, size: number): RasterRGB {
  if (image.width === size && image.height === size) return image;
  const data = resizeBilinear(image.data, image.width, image.height, 3, size, size);
  const out = new Uint8Array(size * size * 3);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(data[i] as number);
  return { width: size, height: size, data: out };
}

/**
 * The error of a tile that failed for another reason than being missing.
 * @param tile - the tile
 * @param reason - why
 * @returns an UPSTREAM_FAILURE naming the tile
 */
export function tileFailure(tile: Tile, reason: string): AppError {
  return new AppError('UPSTREAM_FAILURE', `tile ${tileKey(tile)} could not be read: ${reason}`, { tile });
}
