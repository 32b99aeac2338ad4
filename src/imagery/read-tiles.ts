/**
 * @module imagery/read-tiles — reads many tiles from a source with bounded concurrency, yielding each as it arrives
 * and reporting every failure together at the end.
 */
import { tileKey } from '../geo/index.ts';
import type { Tile } from '../geo/index.ts';
import { AppError, invalid, silentProgress } from '../shared/index.ts';
import type { Progress } from '../shared/index.ts';
import type { ImagerySource } from './imagery-source.ts';
import type { RasterRGB } from './raster.ts';

/** Options of {@link readTiles}. */
export type ReadTilesOptions = {
  /** Tiles read at once, default 8. */
  concurrency?: number;
  /** Ticks once per tile attempted (success or failure). */
  progress?: Progress;
  /** Stops reading; in-flight reads are aborted and the signal's reason is thrown. */
  signal?: AbortSignal;
};

/** A tile that could not be read, and why. */
export type FailedTile = { tile: Tile; reason: string };

/** Default number of tiles read at once. */
export const DEFAULT_READ_CONCURRENCY = 8;
/** Failed tiles named in the error message (all are in `details.failed`). */
const FAILURES_SHOWN = 5;

type Outcome = { index: number; image?: RasterRGB; reason?: string };

/**
 * Reads `tiles` from `source`, at most `concurrency` at a time, yielding `{tile, image}` in arrival order. A tile
 * that fails does not stop the others; once every tile was attempted, failures are thrown together. Breaking out of the
 * loop aborts the reads still in flight.
 * @param source - the imagery source
 * @param tiles - the tiles to read
 * @param options - concurrency (default 8), progress, signal
 * @yields each tile read, with its image
 * @throws AppError UPSTREAM_FAILURE after the last tile when any failed: the message gives the count and the first
 *   few tiles (z/x/y and reason); `details.failed` lists every `{tile, reason}`
 * @throws the signal's reason when aborted
 * @example
 * for await (const { tile, image } of readTiles(source, source.listTiles() ?? [], { concurrency: 4 })) save(tile, image);
 */
export async function* readTiles(
  source: ImagerySource,
  tiles: Tile[],
  options: ReadTilesOptions = {},
): AsyncGenerator<{ tile: Tile; image: RasterRGB }> {
  const concurrency = options.concurrency ?? DEFAULT_READ_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    invalid(`concurrency ${concurrency} must be a positive integer`);
  const progress = options.progress ?? silentProgress;
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const pending = new Map<number, Promise<Outcome>>();
  const failed: FailedTile[] = [];
  let next = 0;
  progress.start(tiles.length, 'tiles');
  try {
    while (next < tiles.length || pending.size > 0) {
      throwIfAborted(options.signal);
      while (pending.size < concurrency && next < tiles.length) {
        const index = next++;
        pending.set(index, attempt(source, tiles[index] as Tile, index, signal));
      }
      const outcome = await Promise.race(pending.values());
      pending.delete(outcome.index);
      throwIfAborted(options.signal);
      const tile = tiles[outcome.index] as Tile;
      progress.tick(1);
      if (outcome.image) yield { tile, image: outcome.image };
      else failed.push({ tile, reason: outcome.reason ?? 'unknown error' });
    }
  } finally {
    stop.abort(new AppError('UPSTREAM_FAILURE', 'tile reading stopped'));
  }
  progress.done(failed.length > 0 ? `${failed.length} failed` : undefined);
  if (failed.length > 0) throw failureError(failed, tiles.length);
}

async function attempt(
  source: ImagerySource,
  tile: Tile,
  index: number,
  signal: AbortSignal,
): Promise<Outcome> {
  try {
    return { index, image: await source.readTile(tile, signal) };
  } catch (error) {
    return { index, reason: error instanceof Error ? error.message : String(error) };
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  throw reason instanceof Error ? reason : new AppError('UPSTREAM_FAILURE', 'tile reading was aborted');
}

/**
 * The error thrown when tiles failed: count, the first few tiles with reasons, and all of them in `details.failed`.
 * @param failed - every failed tile
 * @param total - tiles attempted
 */
export function failureError(failed: FailedTile[], total: number): AppError {
  const shown = failed.slice(0, FAILURES_SHOWN).map((f) => `${tileKey(f.tile)} (${f.reason})`);
  const more = failed.length > FAILURES_SHOWN ? `; and ${failed.length - FAILURES_SHOWN} more` : '';
  return new AppError(
    'UPSTREAM_FAILURE',
    `${failed.length} of ${total} tiles failed: ${shown.join('; ')}${more}`,
    { failed },
  );
}
