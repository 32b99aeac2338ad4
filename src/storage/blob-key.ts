/** @module storage/blob-key — the rules every blob key follows, shared by the file and S3 stores. */
import { invalid } from '../shared/index.ts';

/**
 * Name of the reserved top-level folder where stores keep their own records (hashes, partial writes); no key may
 * start with it.
 */
export const RESERVED_SEGMENT = '.fair-meta';

/**
 * Checks that a key is a safe relative `/`-separated path: not empty, no leading `/`, no empty, `.` or `..`
 * segments, no backslashes or control characters, and not under the reserved `.fair-meta/` folder.
 * @param key - the key to check
 * @returns the key, unchanged
 * @throws AppError INVALID_PARAMETER_VALUE naming the key when it is unsafe
 */
export function assertSafeKey(key: string): string {
  const reason = unsafeReason(key);
  if (reason !== undefined) invalid(`unsafe blob key ${JSON.stringify(key)}: ${reason}`);
  return key;
}

/**
 * Checks a listing prefix: `''`, or a safe key, optionally ending in `/`.
 * @param prefix - the prefix to check
 * @returns the prefix, unchanged
 * @throws AppError INVALID_PARAMETER_VALUE naming the prefix when it is unsafe
 */
export function assertSafePrefix(prefix: string): string {
  if (prefix === '') return prefix;
  const body = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  const reason = unsafeReason(body);
  if (reason !== undefined) invalid(`unsafe blob prefix ${JSON.stringify(prefix)}: ${reason}`);
  return prefix;
}

/**
 * A prefix as a folder: `''` stays `''`, anything else ends with exactly one `/`.
 * @param prefix - a key prefix such as `runs/1` or `runs/1/`
 * @returns the folder prefix (`runs/1/`)
 * @throws AppError INVALID_PARAMETER_VALUE when the prefix is unsafe
 */
export function folderPrefix(prefix: string): string {
  assertSafePrefix(prefix);
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

function unsafeReason(key: string): string | undefined {
  if (key === '') return 'empty';
  if (key.startsWith('/')) return 'absolute';
  if (key.includes('\\')) return 'backslash';
  // eslint-disable-next-line no-control-regex -- control characters are what this rejects
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'control character';
  const segments = key.split('/');
  if (segments.some((s) => s === '')) return 'empty segment';
  if (segments.some((s) => s === '.' || s === '..')) return 'dot segment';
  if (segments[0] === RESERVED_SEGMENT) return `reserved folder ${RESERVED_SEGMENT}`;
  return undefined;
}
