/** @module storage/blob-store — the one interface to large values: file:// (embedded default) and s3://. */
import type { Readable } from 'node:stream';

/** What the store knows of one object. */
export type BlobInfo = {
  /** Full URI (`file:///abs/path/key`, `s3://bucket/prefix/key`). */
  uri: string;
  /** Key relative to the store's base (`a/b/c.bin`, `/`-separated, no leading `/`). */
  key: string;
  /** Bytes. */
  size: number;
  /** Hex SHA-256 of the content, computed while writing and recorded with the object. */
  sha256: string;
  /** When it was last written. */
  modifiedAt: Date;
};

/** Body accepted by `put`: bytes, text, or a stream (streamed; never buffered whole). */
export type BlobBody = Uint8Array | string | Readable | AsyncIterable<Uint8Array>;

/** A blob store rooted at a base URI; keys are `/`-separated paths under it. */
export interface BlobStore {
  /** The base URI (`file:///abs/dir`, `s3://bucket/prefix`), no trailing slash. */
  readonly baseUri: string;
  /** The URI of a key. */
  uriOf(key: string): string;
  /**
   * The key of a URI of this store.
   * @throws AppError INVALID_PARAMETER_VALUE when the URI is outside the store
   */
  keyOf(uri: string): string;
  /**
   * Writes an object atomically (readers see the old or the new content, never a part); large bodies go as
   * multipart uploads on S3.
   * @throws AppError INVALID_PARAMETER_VALUE for an unsafe key (`..`, absolute, empty)
   */
  put(key: string, body: BlobBody, options?: { contentType?: string }): Promise<BlobInfo>;
  /**
   * Streams an object.
   * @throws AppError RESOURCE_DOES_NOT_EXIST naming the URI when missing
   */
  get(key: string): Promise<Readable>;
  /** Reads a whole object (for small values). @throws AppError RESOURCE_DOES_NOT_EXIST when missing */
  getBytes(key: string): Promise<Buffer>;
  /** Metadata of an object, or undefined when missing. */
  head(key: string): Promise<BlobInfo | undefined>;
  /** Every object whose key starts with `prefix` (`''` for all), in key order. */
  list(prefix: string): AsyncIterable<BlobInfo>;
  /** Deletes an object; deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
}
