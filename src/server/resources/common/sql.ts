/** @module server/resources/common/sql — small helpers the resource stores share. */
import { AppError } from '../../../shared/index.ts';

/**
 * The row an `INSERT … RETURNING` gave.
 * @param rows - the statement's rows
 * @returns the first row
 * @throws AppError INTERNAL_ERROR when there is none
 */
export function firstRow<T>(rows: readonly T[]): T {
  const row = rows[0];
  if (row === undefined) throw new AppError('INTERNAL_ERROR', 'a write returned no row');
  return row;
}

/**
 * Counts of a grouped query as a record.
 * @param rows - `{key, n}` rows
 * @returns `{key: n}`
 */
export function countsOf(rows: readonly { key: string | null; n: number }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.key ?? 'null'] = row.n;
  return counts;
}
