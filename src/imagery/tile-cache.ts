/**
 * @module imagery/tile-cache — an on-disk cache of fetched tile bytes keyed by sha256 of the URL; writes are atomic
 * (temporary file + rename) so a crash or a concurrent writer never leaves a torn entry.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A directory of cached responses: `<dir>/<first 2 hex>/<sha256 of URL>`. */
export type TileCache = {
  /** Bytes stored for `url`, or undefined when absent (or unreadable). */
  get(url: string): Promise<Uint8Array | undefined>;
  /** Stores `bytes` for `url` atomically. */
  put(url: string, bytes: Uint8Array): Promise<void>;
  /** Removes the entry for `url` (e.g. when it no longer decodes). */
  remove(url: string): Promise<void>;
  /** Path of the entry for `url`. */
  pathOf(url: string): string;
};

/**
 * A tile cache under `dir` (created on first write). Entries never expire: imagery tiles are treated as immutable,
 * delete the directory to refresh.
 * @param dir - the cache directory
 */
export function createTileCache(dir: string): TileCache {
  const pathOf = (url: string): string => {
    const hash = createHash('sha256').update(url).digest('hex');
    return join(dir, hash.slice(0, 2), hash);
  };
  return {
    pathOf,
    async get(url) {
      try {
        return await readFile(pathOf(url));
      } catch {
        return undefined;
      }
    },
    async put(url, bytes) {
      const target = pathOf(url);
      const temp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      await mkdir(join(target, '..'), { recursive: true });
      try {
        await writeFile(temp, bytes);
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
    },
    async remove(url) {
      await rm(pathOf(url), { force: true });
    },
  };
}
