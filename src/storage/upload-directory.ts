/** @module storage/upload-directory — streams a local folder into a blob store under a key prefix. */
import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../shared/index.ts';
import { folderPrefix } from './blob-key.ts';
import type { BlobStore } from './blob-store.ts';
import { compareKeys } from './key-order.ts';
import { listingDigest } from './prefix-digest.ts';

/** What `uploadDirectory` wrote. */
export type UploadedDirectory = {
  /** URI of the prefix, ending in `/` (`s3://bucket/runs/1/`). */
  uri: string;
  /** Files uploaded. */
  files: number;
  /** Bytes uploaded. */
  bytes: number;
  /** Digest of the sorted `path\tsha256` listing; equals `prefixDigest(store, keyPrefix).sha256`. */
  sha256: string;
};

/** Files uploaded at once; enough to hide S3 round trips, few enough for a 2-core machine. */
const CONCURRENCY = 4;

/**
 * Uploads every regular file under a local folder (recursively; symbolic links and other special files are
 * skipped) to `<keyPrefix>/<relative path>`, streaming each file. Objects already under the prefix that the folder
 * lacks are left alone: upload to a fresh prefix when the digest must describe exactly the folder.
 * @param store - the blob store
 * @param localDir - the folder to upload
 * @param keyPrefix - the key prefix, taken as a folder (`runs/1` and `runs/1/` are the same; `''` is the store root)
 * @returns the prefix URI, the counts and the listing digest
 * @throws AppError INVALID_PARAMETER_VALUE for an unsafe prefix or a file name that is not a safe key;
 *   RESOURCE_DOES_NOT_EXIST when the folder is missing
 * @example
 * const { uri, sha256 } = await uploadDirectory(store, '/tmp/model', 'models/m1');
 */
export async function uploadDirectory(
  store: BlobStore,
  localDir: string,
  keyPrefix: string,
): Promise<UploadedDirectory> {
  const folder = folderPrefix(keyPrefix);
  const paths = (await filesUnder(localDir, '')).sort(compareKeys);
  const entries: { path: string; sha256: string }[] = new Array(paths.length);
  let bytes = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < paths.length; i = next++) {
      const path = paths[i]!;
      const info = await store.put(`${folder}${path}`, createReadStream(join(localDir, ...path.split('/'))));
      entries[i] = { path, sha256: info.sha256 };
      bytes += info.size;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, paths.length) }, worker));
  const uri = folder === '' ? `${store.baseUri}/` : `${store.uriOf(folder.slice(0, -1))}/`;
  return { uri, files: paths.length, bytes, sha256: listingDigest(entries) };
}

/** Relative `/`-separated paths of the regular files under `root/rel`. */
async function filesUnder(root: string, rel: string): Promise<string[]> {
  const entries = await readdir(join(root, ...rel.split('/')), { withFileTypes: true }).catch(
    (error: unknown) => {
      if ((error as { code?: unknown }).code === 'ENOENT') {
        throw new AppError('RESOURCE_DOES_NOT_EXIST', `folder ${root} does not exist`);
      }
      throw error;
    },
  );
  const out: string[] = [];
  for (const e of entries) {
    const path = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...(await filesUnder(root, path)));
    else if (e.isFile()) out.push(path);
  }
  return out;
}
