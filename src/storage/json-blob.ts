/** @module storage/json-blob — JSON values in a blob store. */
import { AppError, invalid } from '../shared/index.ts';
import type { BlobInfo, BlobStore } from './blob-store.ts';

/** Anything with zod's `parse` (a zod schema, or a hand-written validator). */
export type JsonParser<T> = { parse(value: unknown): T };

/**
 * Writes a value as JSON (`application/json`, UTF-8).
 * @param store - the blob store
 * @param key - the key
 * @param value - a JSON-serialisable value
 * @returns the written object's info
 * @throws AppError INVALID_PARAMETER_VALUE for an unsafe key or a value JSON cannot represent (undefined, a function)
 */
export async function putJson(store: BlobStore, key: string, value: unknown): Promise<BlobInfo> {
  const text = JSON.stringify(value);
  if (text === undefined) invalid(`value for blob key ${JSON.stringify(key)} is not JSON-serialisable`);
  return store.put(key, text, { contentType: 'application/json' });
}

/**
 * Reads a JSON value, optionally validated.
 * @param store - the blob store
 * @param key - the key
 * @param parser - a zod schema or anything with `parse(value)`, default none (the value is returned as `unknown`)
 * @returns the parsed value
 * @throws AppError RESOURCE_DOES_NOT_EXIST when missing; INTERNAL_ERROR when the content is not JSON; whatever the
 *   parser throws when the value does not fit
 */
export async function getJson(store: BlobStore, key: string): Promise<unknown>;
export async function getJson<T>(store: BlobStore, key: string, parser: JsonParser<T>): Promise<T>;
export async function getJson<T>(store: BlobStore, key: string, parser?: JsonParser<T>): Promise<unknown> {
  const text = (await store.getBytes(key)).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('INTERNAL_ERROR', `blob ${store.uriOf(key)} is not valid JSON`);
  }
  return parser === undefined ? value : parser.parse(value);
}
