/**
 * @module server/resources/common/paging — keyset paging of the resource lists: newest first by the rows' `seq`,
 * `limit` and an opaque `page_token` in, `{items, next_page_token}` out (stable while rows are added).
 */
import { z } from 'zod';
import { invalid } from '../../../shared/index.ts';

/** One page of a list; `next_page_token` is null on the last page. */
export type Page<T> = { items: T[]; next_page_token: string | null };

/** What a store needs to read one page: rows older than `beforeSeq`, at most `limit + 1` of them. */
export type PageRequest = { limit: number; beforeSeq: number | undefined };

/** The paging query parameters every list takes. */
export const pagingQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('page size, 1–200, default 50'),
  page_token: z.string().min(1).max(200).optional().describe('`next_page_token` of the previous page'),
};

/** The response schema of a page of `item`. */
export function pageSchema(item: z.ZodType): z.ZodType {
  return z.object({ items: z.array(item), next_page_token: z.string().nullable() });
}

/**
 * The page request of a list query.
 * @param query - parsed `limit` and `page_token`
 * @returns the store's page request
 * @throws AppError INVALID_PARAMETER_VALUE naming `page_token` when it is not a token of these lists
 */
export function pageRequest(query: { limit: number; page_token?: string | undefined }): PageRequest {
  if (query.page_token === undefined) return { limit: query.limit, beforeSeq: undefined };
  let seq: unknown;
  try {
    seq = (JSON.parse(Buffer.from(query.page_token, 'base64url').toString('utf8')) as { before?: unknown })
      .before;
  } catch {
    seq = undefined;
  }
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1)
    invalid('invalid query parameter page_token: not a page token of this list');
  return { limit: query.limit, beforeSeq: seq };
}

/**
 * Cuts the rows a store read (`limit + 1`, newest first) into a page.
 * @param rows - rows with their `seq`, at most `limit + 1`
 * @param limit - the page size
 * @param toItem - serialises one row
 * @returns the page, with a token when more rows follow
 */
export function pageOf<R extends { seq: number }, T>(
  rows: readonly R[],
  limit: number,
  toItem: (row: R) => T,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const more = rows.length > limit && last !== undefined;
  return {
    items: items.map(toItem),
    next_page_token: more ? Buffer.from(JSON.stringify({ before: last.seq })).toString('base64url') : null,
  };
}
