/** @module workflows/control-plane/transactions — statements and transactions retried when PostgreSQL picks them as a deadlock victim. */
import type { Database, SqlClient } from '../../db/index.ts';
import { isAppError } from '../../shared/index.ts';

/**
 * Runs `fn`, retrying (up to 5 times, a few ms apart) when it fails with AppError CONFLICT — the db layer's code for
 * deadlocks and serialization failures, which a claim, a completion and a cancel of one execution can cause together.
 * @param fn - the work; must be safe to run again from the start (one statement, or a whole transaction)
 * @returns what `fn` returns
 * @throws the last error when every try failed, or any other error at once
 */
export async function retryOnConflict<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= 5 || !isAppError(error, 'CONFLICT')) throw error;
      await new Promise((resolve) => setTimeout(resolve, attempt * 5 * Math.random()));
    }
  }
}

/**
 * Runs `fn` in a transaction, retried on CONFLICT (see `retryOnConflict`).
 * @param db - the database
 * @param fn - the transaction body; must be safe to run again from the start
 * @returns what `fn` returns
 * @throws the last error when every try failed, or any other error at once
 */
export function retryingTransaction<T>(db: Database, fn: (tx: SqlClient) => Promise<T>): Promise<T> {
  return retryOnConflict(() => db.transaction(fn));
}
