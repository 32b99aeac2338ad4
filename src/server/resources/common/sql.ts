/** @module server/resources/common/sql — small helpers the resource stores share. */
import type { SqlClient } from '../../../db/index.ts';
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

/** WHERE conditions being collected, their values as numbered parameters. */
export class SqlConditions {
  readonly where: string[] = [];
  readonly params: unknown[] = [];

  /**
   * Adds a condition whose `?` stands for `value`.
   * @param condition - e.g. `model_name = ?`
   * @param value - the value, sent as a parameter
   */
  add(condition: string, value: unknown): void {
    this.params.push(value);
    this.where.push(condition.replace('?', `$${this.params.length}`));
  }

  /** The conditions joined by AND (`true` when none). */
  get sql(): string {
    return this.where.length === 0 ? 'true' : this.where.join(' AND ');
  }
}

/**
 * One page of a resource table, newest first by `seq` (one row more than `limit`, so paging sees whether more
 * exist).
 * @param db - the database
 * @param from - `<columns> FROM <table>`
 * @param conditions - the filters (a `seq < ?` condition for pages after the first)
 * @param limit - rows wanted
 * @param seq - the ordering column (qualified in a join, e.g. `f.seq`)
 * @returns up to `limit + 1` rows
 */
export function newestFirst<Row extends Record<string, unknown>>(
  db: SqlClient,
  from: string,
  conditions: SqlConditions,
  limit: number,
  seq = 'seq',
): Promise<Row[]> {
  const params = [...conditions.params, limit + 1];
  return db.query<Row>(
    `SELECT ${from} WHERE ${conditions.sql} ORDER BY ${seq} DESC LIMIT $${params.length}`,
    params,
  );
}

/**
 * The `column = $n` assignments of a patch's defined fields, their values appended to `params`.
 * @param patch - column → value; undefined fields are left out
 * @param params - the statement's parameters so far
 * @param encode - turns a value into its parameter (default: as it is)
 * @returns the assignments
 */
export function patchAssignments(
  patch: Readonly<Record<string, unknown>>,
  params: unknown[],
  encode: (value: unknown) => unknown = (value) => value,
): string[] {
  const sets: string[] = [];
  for (const [column, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    params.push(encode(value));
    sets.push(`${column} = $${params.length}`);
  }
  return sets;
}
