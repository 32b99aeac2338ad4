/**
 * @module storage/file-blob-store — the `file://` blob store: one file per key under a base folder, written
 * atomically, with each object's SHA-256 recorded under `.fair-meta/sha256/`.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AppError, invalid } from '../shared/index.ts';
import { HashingStream, bodyStream, readAll } from './blob-body.ts';
import { RESERVED_SEGMENT, assertSafeKey, assertSafePrefix } from './blob-key.ts';
import type { BlobBody, BlobInfo, BlobStore } from './blob-store.ts';
import { compareKeys } from './key-order.ts';

/** A hash record: the digest and the size and mtime of the file it was computed from. */
type HashRecord = { sha256: string; size: number; mtimeMs: number };

/**
 * Blob store on a local folder. Writes go to `.fair-meta/tmp/` (same file system) and are renamed into place; the
 * SHA-256 computed while streaming is kept in `.fair-meta/sha256/<key>` with the file's size and mtime, so `head` and
 * `list` answer without reading content (a record that no longer matches its file, e.g. after a crash or a hand
 * edit, is recomputed once).
 */
export class FileBlobStore implements BlobStore {
  readonly baseUri: string;
  readonly #dir: string;

  /**
   * @param dir - the base folder (created on first write); relative paths resolve against the working directory
   */
  constructor(dir: string) {
    this.#dir = resolve(dir);
    this.baseUri = pathToFileURL(this.#dir).href.replace(/\/+$/, '');
  }

  /** The absolute base folder. */
  get dir(): string {
    return this.#dir;
  }

  uriOf(key: string): string {
    assertSafeKey(key);
    return `${this.baseUri}/${key.split('/').map(encodeSegment).join('/')}`;
  }

  keyOf(uri: string): string {
    if (uri === this.baseUri || uri === `${this.baseUri}/`) return '';
    if (!uri.startsWith(`${this.baseUri}/`)) invalid(`URI ${uri} is outside the blob store ${this.baseUri}`);
    let key: string;
    try {
      key = uri
        .slice(this.baseUri.length + 1)
        .split('/')
        .map((s) => decodeURIComponent(s))
        .join('/');
    } catch {
      invalid(`URI ${uri} has a malformed percent-encoding`);
    }
    return assertSafePrefix(key);
  }

  async put(key: string, body: BlobBody): Promise<BlobInfo> {
    const path = this.#path(key);
    const tmpDir = join(this.#dir, RESERVED_SEGMENT, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmp = join(tmpDir, randomUUID());
    try {
      const hashing = new HashingStream();
      await pipeline(bodyStream(body), hashing, createWriteStream(tmp));
      const stats = await stat(tmp);
      const record: HashRecord = { sha256: hashing.digest(), size: stats.size, mtimeMs: stats.mtimeMs };
      await this.#mkdirFor(key, path);
      await rename(tmp, path).catch((error: unknown) => this.#conflict(key, error));
      await this.#writeRecord(key, record);
      return this.#info(key, stats, record.sha256);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async get(key: string): Promise<Readable> {
    const path = this.#path(key);
    const handle = await open(path, 'r').catch((error: unknown) => this.#missing(key, error));
    if ((await handle.stat()).isDirectory()) {
      await handle.close();
      this.#missing(key, Object.assign(new Error('directory'), { code: 'EISDIR' }));
    }
    return handle.createReadStream();
  }

  async getBytes(key: string): Promise<Buffer> {
    return readAll(await this.get(key));
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    const path = this.#path(key);
    const stats = await stat(path).catch((error: unknown) => {
      if (isMissing(error)) return undefined;
      throw error;
    });
    if (stats === undefined || !stats.isFile()) return undefined;
    return this.#info(key, stats, await this.#sha256(key, path, stats));
  }

  async *list(prefix: string): AsyncIterable<BlobInfo> {
    assertSafePrefix(prefix);
    const start = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
    for await (const key of this.#walk(start, prefix)) {
      const info = await this.head(key);
      if (info !== undefined) yield info;
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.#path(key);
    await rm(path, { force: true }).catch((error: unknown) => {
      if (!isMissing(error)) throw error;
    });
    await rm(this.#recordPath(key), { force: true }).catch(() => undefined);
    await this.#pruneEmpty(dirname(path), this.#dir);
    await this.#pruneEmpty(dirname(this.#recordPath(key)), join(this.#dir, RESERVED_SEGMENT, 'sha256'));
  }

  /** Keys under folder `dir` (a `''` or `/`-terminated key prefix) that start with `prefix`, in key order. */
  async *#walk(dir: string, prefix: string): AsyncGenerator<string> {
    const entries = await readdir(join(this.#dir, dir), { withFileTypes: true }).catch((error: unknown) => {
      if (isMissing(error)) return [];
      throw error;
    });
    const named = entries
      .filter((e) => !(dir === '' && e.name === RESERVED_SEGMENT))
      .map((e) => ({ entry: e, key: `${dir}${e.name}${e.isDirectory() ? '/' : ''}` }))
      .sort((a, b) => compareKeys(a.key, b.key));
    for (const { entry, key } of named) {
      if (entry.isDirectory()) {
        if (key.startsWith(prefix) || prefix.startsWith(key)) yield* this.#walk(key, prefix);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        yield key;
      }
    }
  }

  async #sha256(key: string, path: string, stats: Stats): Promise<string> {
    const text = await readFile(this.#recordPath(key), 'utf8').catch(() => undefined);
    const [sha256, size, mtimeMs] = (text ?? '').trim().split(' ');
    if (sha256 !== undefined && Number(size) === stats.size && Number(mtimeMs) === stats.mtimeMs)
      return sha256;
    const hashing = new HashingStream();
    await pipeline(createReadStream(path), hashing, async (source: AsyncIterable<unknown>) => {
      for await (const _ of source);
    });
    await this.#writeRecord(key, { sha256: hashing.digest(), size: stats.size, mtimeMs: stats.mtimeMs });
    return hashing.digest();
  }

  async #writeRecord(key: string, record: HashRecord): Promise<void> {
    const path = this.#recordPath(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = join(this.#dir, RESERVED_SEGMENT, 'tmp', randomUUID());
    await writeFile(tmp, `${record.sha256} ${record.size} ${record.mtimeMs}\n`);
    await rename(tmp, path);
  }

  async #mkdirFor(key: string, path: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true }).catch((error: unknown) => this.#conflict(key, error));
  }

  async #pruneEmpty(dir: string, root: string): Promise<void> {
    for (let d = dir; d.startsWith(`${root}/`); d = dirname(d)) {
      const removed = await rmdir(d).then(
        () => true,
        () => false,
      );
      if (!removed) return;
    }
  }

  #info(key: string, stats: Stats, sha256: string): BlobInfo {
    return { uri: this.uriOf(key), key, size: stats.size, sha256, modifiedAt: stats.mtime };
  }

  #path(key: string): string {
    return join(this.#dir, ...assertSafeKey(key).split('/'));
  }

  #recordPath(key: string): string {
    return join(this.#dir, RESERVED_SEGMENT, 'sha256', ...key.split('/'));
  }

  #missing(key: string, error: unknown): never {
    if (isMissing(error) || hasCode(error, 'EISDIR')) {
      throw new AppError('RESOURCE_DOES_NOT_EXIST', `blob ${this.uriOf(key)} does not exist`);
    }
    throw error;
  }

  #conflict(key: string, error: unknown): never {
    if (hasCode(error, 'EEXIST') || hasCode(error, 'ENOTDIR') || hasCode(error, 'EISDIR')) {
      invalid(
        `blob key ${JSON.stringify(key)} conflicts with an existing key (a file and a folder of one name)`,
      );
    }
    throw error;
  }
}

/**
 * Opens the file store of a `file:` URL or an absolute path.
 * @param location - `file:///abs/dir` or `/abs/dir`
 * @returns the store
 * @throws AppError INVALID_PARAMETER_VALUE when the location is neither
 */
export function createFileBlobStore(location: string): FileBlobStore {
  if (location.startsWith('file:')) {
    let path: string;
    try {
      path = fileURLToPath(location);
    } catch {
      invalid(`storage URL ${location} is not a valid file:// URL (expected file:///absolute/dir)`);
    }
    return new FileBlobStore(path);
  }
  if (!location.startsWith('/')) invalid(`storage path ${location} is not absolute`);
  return new FileBlobStore(location);
}

function encodeSegment(segment: string): string {
  return pathToFileURL(`/${segment}`).href.slice('file:///'.length);
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

function isMissing(error: unknown): boolean {
  return hasCode(error, 'ENOENT') || hasCode(error, 'ENOTDIR');
}
