/**
 * @module datasets/fail-fast-source — stops a dataset run early when its imagery source fails on every one of its
 * first tiles, instead of retrying each tile of a large AOI against a source that is broken as a whole.
 */
import type { ImagerySource } from '../imagery/index.ts';
import { AppError } from '../shared/index.ts';

/** Consecutive failures, with no tile read yet, after which the source is taken to be broken as a whole. */
const FAIL_FAST_AFTER = 8;

/**
 * Wraps a source so that a source failing on its first tiles (a private address, a server answering 401/500/HTML
 * to everything) stops the run with that error at once, instead of after every tile of a large AOI was retried.
 * @param source - the imagery source
 * @param stop - aborted, with an AppError naming the source and the last failure, once the source is judged broken
 * @returns a source that reads through `source`
 */
export function failingFast(source: ImagerySource, stop: AbortController): ImagerySource {
  let failures = 0;
  let successes = 0;
  return {
    kind: source.kind,
    label: source.label,
    minzoom: source.minzoom,
    maxzoom: source.maxzoom,
    bounds: source.bounds,
    listTiles: () => source.listTiles(),
    async readTile(tile, signal) {
      try {
        const image = await source.readTile(tile, signal);
        successes++;
        return image;
      } catch (error) {
        failures++;
        if (successes === 0 && failures >= FAIL_FAST_AFTER && !stop.signal.aborted) {
          const reason = error instanceof Error ? error.message : String(error);
          const code = error instanceof AppError ? error.code : 'UPSTREAM_FAILURE';
          stop.abort(
            new AppError(code, `imagery ${source.label} failed on its first ${failures} tiles: ${reason}`),
          );
        }
        throw error;
      }
    },
  };
}
