/** @module storage/create-blob-store — picks the blob store a storage URL names, through a scheme registry. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { S3Config } from '../shared/index.ts';
import { invalid } from '../shared/index.ts';
import type { BlobStore } from './blob-store.ts';

/** What a store factory receives besides the URL. */
export type BlobStoreOptions = {
  /** Data directory of embedded defaults; the default store is `<dataDir>/blobs`. */
  dataDir: string;
  /** How `s3://` stores reach their server. */
  s3: S3Config;
};

type Factory = (url: string, options: BlobStoreOptions) => Promise<BlobStore>;

/** Scheme → factory; implementations load lazily so the S3 SDK loads only when an `s3://` URL is used. */
const schemes: Readonly<Record<string, Factory>> = {
  'file:': async (url) => (await import('./file-blob-store.ts')).createFileBlobStore(url),
  's3:': async (url, options) => (await import('./s3-blob-store.ts')).createS3BlobStore(url, options.s3),
};

/**
 * Opens the blob store a storage URL names.
 * @param url - `file:///abs/dir`, a plain absolute path, `s3://bucket[/prefix]`, or undefined for
 *   `file://<abs dataDir>/blobs`
 * @param options - the data directory and the S3 settings (from `loadConfig()`)
 * @returns the store (S3 stores do not check the bucket until first use)
 * @throws AppError INVALID_PARAMETER_VALUE for an unknown scheme (listing the known ones) or a malformed URL
 * @example
 * const store = await createBlobStore(config.storageUrl, { dataDir: config.dataDir, s3: config.s3 });
 * await store.put('runs/1/metrics.json', JSON.stringify(metrics));
 */
export async function createBlobStore(
  url: string | undefined,
  options: BlobStoreOptions,
): Promise<BlobStore> {
  const location =
    url === undefined || url === '' ? pathToFileURL(resolve(options.dataDir, 'blobs')).href : url;
  if (location.startsWith('/')) return schemes['file:']!(pathToFileURL(location).href, options);
  const scheme = /^([a-z][a-z0-9+.-]*:)/i.exec(location)?.[1]?.toLowerCase();
  const factory = scheme === undefined ? undefined : schemes[scheme];
  if (factory === undefined) {
    invalid(
      `storage URL ${location} has an unknown scheme; known: ${Object.keys(schemes)
        .map((s) => `${s}//`)
        .join(', ')}`,
    );
  }
  return factory(location, options);
}
