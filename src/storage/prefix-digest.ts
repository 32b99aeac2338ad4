/** @module storage/prefix-digest — one content digest for every object under a prefix (a folder of blobs). */
import { createHash } from 'node:crypto';
import { folderPrefix } from './blob-key.ts';
import type { BlobStore } from './blob-store.ts';
import { compareKeys } from './key-order.ts';

/** One object of a folder: its key relative to the folder, and its content hash. */
export type DigestEntry = { path: string; sha256: string };

/**
 * The digest of a folder listing: hex SHA-256 of `"<path>\t<sha256>\n"` per entry, entries in key order. Paths are
 * relative to the folder, so the same files give the same digest under any prefix or store.
 * @param entries - the folder's objects, in any order
 * @returns the lowercase hex digest (of the empty string for no entries)
 */
export function listingDigest(entries: readonly DigestEntry[]): string {
  const hash = createHash('sha256');
  for (const e of [...entries].sort((a, b) => compareKeys(a.path, b.path)))
    hash.update(`${e.path}\t${e.sha256}\n`);
  return hash.digest('hex');
}

/**
 * The digest of every object under a prefix, the same as `uploadDirectory` returns for the folder it uploaded there.
 * Reads only metadata (`list`), never content.
 * @param store - the blob store
 * @param prefix - a key prefix, taken as a folder (`runs/1` means `runs/1/`; `''` is the whole store)
 * @returns `{ sha256, files, bytes }` of the objects under the prefix
 * @throws AppError INVALID_PARAMETER_VALUE for an unsafe prefix
 */
export async function prefixDigest(
  store: BlobStore,
  prefix: string,
): Promise<{ sha256: string; files: number; bytes: number }> {
  const folder = folderPrefix(prefix);
  const entries: DigestEntry[] = [];
  let bytes = 0;
  for await (const info of store.list(folder)) {
    entries.push({ path: info.key.slice(folder.length), sha256: info.sha256 });
    bytes += info.size;
  }
  return { sha256: listingDigest(entries), files: entries.length, bytes };
}
