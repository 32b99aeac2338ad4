/**
 * @module tracking/page-token — the opaque page tokens of the searches: base64 of `{"offset": n}`, as MLflow's own
 * stores write them, so tokens look the same to clients.
 */
import { invalid } from '../shared/index.ts';

/**
 * The token of the page that starts at `offset`.
 * @param offset - rows to skip (a positive integer)
 * @returns the base64 token
 */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64');
}

/**
 * The offset a page token stands for.
 * @param token - the token a previous page returned; undefined or `''` for the first page
 * @returns rows to skip (0 for the first page)
 * @throws AppError INVALID_PARAMETER_VALUE when the token is not base64, not JSON or holds no positive integer offset
 */
export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  if (!/^[A-Za-z0-9+/\-_]+={0,2}$/.test(token)) invalid('Invalid page token, could not base64-decode');
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoded);
  } catch {
    invalid(`Invalid page token, decoded value=${decoded}`);
  }
  const offset =
    typeof parsed === 'object' && parsed !== null ? (parsed as { offset?: unknown }).offset : undefined;
  const value = typeof offset === 'string' && /^\d+$/.test(offset) ? Number(offset) : offset;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    invalid(`Invalid page token, parsed value=${decoded}`);
  }
  return value;
}

/**
 * Checks a `max_results` request value.
 * @param value - what the caller asked for, or undefined
 * @param fallback - the default (MLflow: 1000)
 * @param limit - the largest allowed (MLflow: 50000)
 * @returns the page size to use
 * @throws AppError INVALID_PARAMETER_VALUE when the value is not a positive integer or exceeds the limit
 */
export function pageSize(value: number | undefined, fallback: number, limit: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    invalid(`Invalid value ${value} for parameter 'max_results' supplied. It must be a positive integer`);
  }
  if (value > limit) {
    invalid(`Invalid value ${value} for parameter 'max_results' supplied. It must be at most ${limit}`);
  }
  return value;
}
