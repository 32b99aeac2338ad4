/** @module storage/download-prefix — streams every object under a prefix into a local folder. */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../shared/index.ts';
import { HashingStream } from './blob-body.ts';
import { folderPrefix } from './blob-key.ts';
import type { BlobStore } from './blob-store.ts';
import { listingDigest } from './prefix-digest.ts';
import type { DigestEntry } from './prefix-digest.ts';

/** What `downloadPrefix` wrote. */
export type DownloadedPrefix = {
  /** Files written. */
  files: number;
  /** Bytes written. */
  bytes: number;
  /** Listing digest, as `uploadDirectory` and `prefixDigest` compute it. */
  sha256: string;
};

/**
 * Downloads every object under a prefix to `<localDir>/<key relative to the prefix>`, streaming each one and checking
 * its SHA-256 against the store's record. A prefix with no objects gives an empty (created) folder.
 * @param store - the blob store
 * @param uriOrKeyPrefix - a URI of the store (`s3://bucket/runs/1/`) or a key prefix (`runs/1`), taken as a folder
 * @param localDir - the folder to write into (created; existing files of the same names are overwritten)
 * @returns the counts and the listing digest
 * @throws AppError INVALID_PARAMETER_VALUE for a URI outside the store or an unsafe prefix; UPSTREAM_FAILURE when
 *   an object's content does not match its recorded SHA-256
 */
export async function downloadPrefix(
  store: BlobStore,
  uriOrKeyPrefix: string,
  localDir: string,
): Promise<DownloadedPrefix> {
  const folder = folderPrefix(uriOrKeyPrefix.includes('://') ? store.keyOf(uriOrKeyPrefix) : uriOrKeyPrefix);
  await mkdir(localDir, { recursive: true });
  const entries: DigestEntry[] = [];
  let bytes = 0;
  for await (const info of store.list(folder)) {
    const path = info.key.slice(folder.length);
    const target = join(localDir, ...path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    const hashing = new HashingStream();
    await pipeline(await store.get(info.key), hashing, createWriteStream(target));
    if (hashing.digest() !== info.sha256) {
      throw new AppError(
        'UPSTREAM_FAILURE',
        `blob ${info.uri} does not match its recorded sha256 (changed during download or corrupt)`,
      );
    }
    entries.push({ path, sha256: info.sha256 });
    bytes += hashing.size;
  }
  return { files: entries.length, bytes, sha256: listingDigest(entries) };
}
