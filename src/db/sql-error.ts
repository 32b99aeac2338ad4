/** @module db/sql-error — turns a driver error (pg or PGlite, both carry SQLSTATE fields) into an AppError. */
import { AppError, isAppError } from '../shared/index.ts';
import type { ErrorCode } from '../shared/index.ts';

/** The fields pg's `DatabaseError` and PGlite's error share. */
type DriverErrorFields = { code?: unknown; constraint?: unknown; table?: unknown; detail?: unknown };

/**
 * Maps a SQLSTATE to the error code callers see: unique violations, serialization failures and deadlocks are
 * CONFLICT (retry or report), other integrity (23xxx) and syntax/access (42xxx) errors are bad input.
 * @param sqlState - five-character SQLSTATE, e.g. `23505`
 * @returns the AppError code
 */
export function codeOfSqlState(sqlState: string): ErrorCode {
  if (sqlState === '23505' || sqlState === '40001' || sqlState === '40P01') return 'CONFLICT';
  if (sqlState.startsWith('23') || sqlState.startsWith('42')) return 'INVALID_PARAMETER_VALUE';
  return 'INTERNAL_ERROR';
}

/**
 * Translates any error thrown by a driver into an AppError (AppErrors pass through unchanged).
 * @param error - what the driver threw
 * @param where - the database's display URL, named in the message
 * @returns the AppError to throw; `details` holds `{ sqlState, constraint, table }`
 */
export function translateSqlError(error: unknown, where: string): AppError {
  if (isAppError(error)) return error;
  const fields: DriverErrorFields = typeof error === 'object' && error !== null ? error : {};
  const text = firstLine(error instanceof Error ? error.message : String(error));
  const sqlState =
    typeof fields.code === 'string' && /^[0-9A-Z]{5}$/.test(fields.code) ? fields.code : undefined;
  if (sqlState === undefined)
    return new AppError('INTERNAL_ERROR', `database ${where}: ${text}`, { cause: text });
  const constraint = typeof fields.constraint === 'string' ? fields.constraint : undefined;
  const table = typeof fields.table === 'string' ? fields.table : undefined;
  const named = constraint === undefined ? '' : ` (constraint ${constraint})`;
  return new AppError(codeOfSqlState(sqlState), `SQLSTATE ${sqlState}${named}: ${text}`, {
    sqlState,
    constraint,
    table,
    detail: typeof fields.detail === 'string' ? fields.detail : undefined,
  });
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}
