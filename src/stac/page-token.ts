/**
 * @module stac/page-token — the opaque paging tokens of item lists and searches: base64url JSON of the direction
 * and the key (collection, id) of the item the next or previous page starts after or before (keyset paging, so a
 * page costs the same wherever it is).
 */
import { invalid } from '../shared/index.ts';

/** Which way a token pages, and from which item (exclusive). */
export type PageToken = { direction: 'next' | 'prev'; collection: string; id: string };

/**
 * The token of a page.
 * @param token - direction and key
 * @returns a URL-safe opaque string
 */
export function encodePageToken(token: PageToken): string {
  const payload = JSON.stringify({
    d: token.direction === 'next' ? 'n' : 'p',
    c: token.collection,
    i: token.id,
  });
  return Buffer.from(payload, 'utf8').toString('base64url');
}

/**
 * Reads a token a previous page returned.
 * @param token - the `token` parameter
 * @returns direction and key
 * @throws AppError INVALID_PARAMETER_VALUE when it is not a token of this API
 */
export function decodePageToken(token: string): PageToken {
  const bad = (): never =>
    invalid(`token ${JSON.stringify(token.slice(0, 64))} is not a paging token of this API`);
  if (!/^[A-Za-z0-9_-]{1,2048}$/.test(token)) return bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return bad();
  }
  if (typeof parsed !== 'object' || parsed === null) return bad();
  const { d, c, i } = parsed as { d?: unknown; c?: unknown; i?: unknown };
  if ((d !== 'n' && d !== 'p') || typeof c !== 'string' || typeof i !== 'string') return bad();
  return { direction: d === 'n' ? 'next' : 'prev', collection: c, id: i };
}
