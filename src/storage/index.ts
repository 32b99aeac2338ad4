/** @module storage — large values behind one interface: `file://` (embedded default) and `s3://`. */
export type * from './blob-store.ts';
export { createBlobStore } from './create-blob-store.ts';
export type { BlobStoreOptions } from './create-blob-store.ts';
export { assertSafeKey, folderPrefix } from './blob-key.ts';
export { uploadDirectory } from './upload-directory.ts';
export type { UploadedDirectory } from './upload-directory.ts';
export { downloadPrefix } from './download-prefix.ts';
export type { DownloadedPrefix } from './download-prefix.ts';
export { prefixDigest, listingDigest } from './prefix-digest.ts';
export type { DigestEntry } from './prefix-digest.ts';
export { putJson, getJson } from './json-blob.ts';
export type { JsonParser } from './json-blob.ts';
