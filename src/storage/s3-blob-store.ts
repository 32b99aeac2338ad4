/**
 * @module storage/s3-blob-store — the `s3://bucket[/prefix]` blob store (any S3 API: AWS, MinIO, Ceph, Swift s3api).
 * Each object carries its SHA-256 as user metadata `x-amz-meta-sha256`, set when it is written.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Config } from '../shared/index.ts';
import { invalid } from '../shared/index.ts';
import { HashingStream, bodyBytes, bodyStream, readAll, sha256Hex } from './blob-body.ts';
import { assertSafeKey, assertSafePrefix } from './blob-key.ts';
import type { BlobBody, BlobInfo, BlobStore } from './blob-store.ts';
import { isS3NotFound, s3Failure } from './s3-errors.ts';

/** Multipart part size; bodies up to one part go as a single PutObject. */
export const PART_SIZE = 8 * 1024 * 1024;

/** HEAD requests in flight at once while listing. */
const HEAD_CONCURRENCY = 16;

/** Options of an S3 store beyond the server settings. */
export type S3BlobStoreOptions = {
  /** Folder where stream bodies larger than one part are spooled while hashed, default `os.tmpdir()`. */
  spoolDir?: string;
};

/**
 * Blob store on an S3 bucket. A stream body is hashed as it arrives: up to one part (8 MiB) it is held in memory and
 * sent with one PutObject; past that it is spooled to a temporary file, then sent as a multipart upload, so the
 * object is created with its `sha256` metadata in one step (no copy-in-place, no sidecar objects; works the same on
 * every S3 server). `list` pages through ListObjectsV2 and HEADs each object for its hash.
 */
export class S3BlobStore implements BlobStore {
  readonly baseUri: string;
  readonly bucket: string;
  readonly #prefix: string;
  readonly #client: S3Client;
  readonly #spoolDir: string;

  /**
   * @param bucket - the bucket
   * @param prefix - key prefix inside the bucket (`''` for none), without leading or trailing `/`
   * @param s3 - endpoint, region, path style and credentials
   * @param options - spool folder
   */
  constructor(bucket: string, prefix: string, s3: S3Config, options: S3BlobStoreOptions = {}) {
    this.bucket = bucket;
    this.#prefix = prefix;
    this.baseUri = prefix === '' ? `s3://${bucket}` : `s3://${bucket}/${prefix}`;
    this.#client = new S3Client(clientConfig(s3));
    this.#spoolDir = options.spoolDir ?? tmpdir();
  }

  uriOf(key: string): string {
    return `${this.baseUri}/${assertSafeKey(key)}`;
  }

  keyOf(uri: string): string {
    if (uri === this.baseUri || uri === `${this.baseUri}/`) return '';
    if (!uri.startsWith(`${this.baseUri}/`)) invalid(`URI ${uri} is outside the blob store ${this.baseUri}`);
    return assertSafePrefix(uri.slice(this.baseUri.length + 1));
  }

  async put(key: string, body: BlobBody, options: { contentType?: string } = {}): Promise<BlobInfo> {
    const uri = this.uriOf(key);
    const bytes = bodyBytes(body) ?? (await this.#spoolOrBuffer(body));
    try {
      if (Buffer.isBuffer(bytes)) {
        await this.#send(key, bytes, sha256Hex(bytes), options.contentType);
      } else {
        await this.#send(key, createReadStream(bytes.path), bytes.sha256, options.contentType);
      }
    } catch (error) {
      throw s3Failure(error, 'PutObject', uri, this.bucket);
    } finally {
      if (!Buffer.isBuffer(bytes)) await rm(bytes.dir, { recursive: true, force: true });
    }
    const info = await this.head(key);
    if (info === undefined) throw s3Failure({ name: 'NoSuchKey' }, 'HeadObject', uri, this.bucket);
    return info;
  }

  async get(key: string): Promise<Readable> {
    const uri = this.uriOf(key);
    try {
      const out = await this.#client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.#objectKey(key) }),
      );
      const body = out.Body;
      if (body instanceof Readable) return body;
      if (body === undefined) return Readable.from([]);
      return Readable.from(body as unknown as AsyncIterable<Uint8Array>);
    } catch (error) {
      throw s3Failure(error, 'GetObject', uri, this.bucket);
    }
  }

  async getBytes(key: string): Promise<Buffer> {
    return readAll(await this.get(key));
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    const uri = this.uriOf(key);
    let out;
    try {
      out = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.#objectKey(key) }),
      );
    } catch (error) {
      if (isS3NotFound(error)) return undefined;
      throw s3Failure(error, 'HeadObject', uri, this.bucket);
    }
    // Objects written by other tools have no recorded hash: hash their content once per call.
    const sha256 = out.Metadata?.['sha256'] ?? (await this.#hashContent(key));
    return { uri, key, size: out.ContentLength ?? 0, sha256, modifiedAt: out.LastModified ?? new Date(0) };
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    assertSafePrefix(prefix);
    const base = this.#prefix === '' ? '' : `${this.#prefix}/`;
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.#client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: `${base}${prefix}`,
            ...(token === undefined ? {} : { ContinuationToken: token }),
          }),
        );
      } catch (error) {
        throw s3Failure(error, 'ListObjectsV2', `${this.baseUri}/${prefix}`, this.bucket);
      }
      const keys = (page.Contents ?? [])
        .map((o) => (o.Key ?? '').slice(base.length))
        .filter((k) => isListable(k));
      for (let i = 0; i < keys.length; i += HEAD_CONCURRENCY) {
        const infos = await Promise.all(keys.slice(i, i + HEAD_CONCURRENCY).map((k) => this.head(k)));
        for (const info of infos) if (info !== undefined) yield info;
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async delete(key: string): Promise<void> {
    const uri = this.uriOf(key);
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.#objectKey(key) }));
    } catch (error) {
      if (!isS3NotFound(error)) throw s3Failure(error, 'DeleteObject', uri, this.bucket);
    }
  }

  /**
   * Creates the bucket when it does not exist (for tests and first-time setup; production buckets are provisioned).
   * @throws AppError UPSTREAM_FAILURE when the server refuses
   */
  async ensureBucket(): Promise<void> {
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (error) {
      if (!isS3NotFound(error) && (error as { name?: unknown }).name !== 'NoSuchBucket') {
        throw s3Failure(error, 'HeadBucket', `s3://${this.bucket}`, this.bucket);
      }
    }
    try {
      await this.#client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      throw s3Failure(error, 'CreateBucket', `s3://${this.bucket}`, this.bucket);
    }
  }

  /** Closes the client's connections. */
  destroy(): void {
    this.#client.destroy();
  }

  async #send(
    key: string,
    body: Buffer | Readable,
    sha256: string,
    contentType: string | undefined,
  ): Promise<void> {
    const params = {
      Bucket: this.bucket,
      Key: this.#objectKey(key),
      Body: body,
      Metadata: { sha256 },
      ...(contentType === undefined ? {} : { ContentType: contentType }),
    };
    if (Buffer.isBuffer(body) && body.byteLength <= PART_SIZE) {
      await this.#client.send(new PutObjectCommand(params));
      return;
    }
    await new Upload({ client: this.#client, params, partSize: PART_SIZE, queueSize: 2 }).done();
  }

  /** A stream body: in memory when it fits one part, else spooled to a temp file (hashed either way). */
  async #spoolOrBuffer(body: BlobBody): Promise<Buffer | { dir: string; path: string; sha256: string }> {
    const iterator = bodyStream(body)[Symbol.asyncIterator]();
    const head: Buffer[] = [];
    let size = 0;
    while (size <= PART_SIZE) {
      const next = (await iterator.next()) as IteratorResult<Uint8Array | string>;
      if (next.done === true) return Buffer.concat(head);
      const chunk = Buffer.from(next.value);
      head.push(chunk);
      size += chunk.byteLength;
    }
    const dir = await mkdtemp(join(this.#spoolDir, 'fair-s3-spool-'));
    const path = join(dir, 'body');
    const hashing = new HashingStream();
    const rest = { [Symbol.asyncIterator]: () => iterator };
    async function* all(): AsyncGenerator<Buffer> {
      yield* head;
      for await (const chunk of rest) yield Buffer.from(chunk as Uint8Array);
    }
    try {
      await pipeline(Readable.from(all()), hashing, createWriteStream(path));
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return { dir, path, sha256: hashing.digest() };
  }

  async #hashContent(key: string): Promise<string> {
    const hashing = new HashingStream();
    await pipeline(await this.get(key), hashing, async (source: AsyncIterable<unknown>) => {
      for await (const _ of source);
    });
    return hashing.digest();
  }

  #objectKey(key: string): string {
    return this.#prefix === '' ? key : `${this.#prefix}/${key}`;
  }
}

/**
 * Opens the S3 store of an `s3://bucket[/prefix]` URL.
 * @param url - the storage URL
 * @param s3 - endpoint, region, path style and credentials
 * @param options - spool folder, default `os.tmpdir()`
 * @returns the store (the bucket is not checked until first use)
 * @throws AppError INVALID_PARAMETER_VALUE for a malformed URL
 */
export function createS3BlobStore(url: string, s3: S3Config, options: S3BlobStoreOptions = {}): S3BlobStore {
  const match = /^s3:\/\/([^/?#]+)(?:\/([^?#]*))?$/.exec(url);
  if (match === null) invalid(`storage URL ${url} is not s3://bucket[/prefix]`);
  const bucket = match[1]!;
  const prefix = (match[2] ?? '').replace(/\/+$/, '');
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket))
    invalid(`S3 bucket name ${bucket} in ${url} is invalid`);
  if (prefix !== '') assertSafeKey(prefix);
  return new S3BlobStore(bucket, prefix, s3, options);
}

function clientConfig(s3: S3Config): S3ClientConfig {
  return {
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    // S3-compatible servers (Swift s3api, older MinIO) reject the SDK's default CRC32 checksum headers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(s3.endpoint === undefined ? {} : { endpoint: s3.endpoint }),
    ...(s3.accessKeyId === undefined || s3.secretAccessKey === undefined
      ? {}
      : { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } }),
  };
}

/** Keys a listing reports: safe keys outside the reserved folder (skips folder markers such as `a/`). */
function isListable(key: string): boolean {
  try {
    assertSafeKey(key);
    return true;
  } catch {
    return false;
  }
}
