/** @module storage/blob-body — turns a `BlobBody` into a stream and hashes it on the way through. */
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import type { BlobBody } from './blob-store.ts';

/**
 * A body as a readable stream of bytes; bytes and text become a one-chunk stream, streams pass through.
 * @param body - bytes, text, a Readable or an async iterable of bytes
 * @returns a Readable of Buffers or Uint8Arrays
 */
export function bodyStream(body: BlobBody): Readable {
  if (typeof body === 'string') return Readable.from([Buffer.from(body, 'utf8')]);
  if (body instanceof Uint8Array) return Readable.from([body]);
  if (body instanceof Readable) return body;
  return Readable.from(body);
}

/**
 * The bytes of a body when it is already in memory (bytes or text), or undefined for streams.
 * @param body - the body
 * @returns a Buffer sharing the bytes, or undefined
 */
export function bodyBytes(body: BlobBody): Buffer | undefined {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return undefined;
}

/** A pass-through stream that counts bytes and computes their SHA-256 (`digest()` once it has ended). */
export class HashingStream extends Transform {
  #hash = createHash('sha256');
  #size = 0;
  #digest: string | undefined;

  override _transform(chunk: unknown, encoding: BufferEncoding, callback: TransformCallback): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : (chunk as Uint8Array);
    this.#hash.update(bytes);
    this.#size += bytes.byteLength;
    callback(null, bytes);
  }

  override _flush(callback: TransformCallback): void {
    this.#digest = this.#hash.digest('hex');
    callback();
  }

  /** Bytes seen so far. */
  get size(): number {
    return this.#size;
  }

  /**
   * Hex SHA-256 of everything that went through.
   * @throws Error when the stream has not ended
   */
  digest(): string {
    if (this.#digest === undefined) throw new Error('HashingStream.digest() called before the end');
    return this.#digest;
  }
}

/**
 * Hex SHA-256 of bytes.
 * @param bytes - the content
 * @returns the lowercase hex digest
 */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Reads a whole stream into one Buffer.
 * @param stream - the stream
 * @returns its bytes
 */
export async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}
