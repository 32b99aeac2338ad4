/** @module db/database — the one SQL interface every domain talks to: PostgreSQL's dialect, embedded or served. */

/** Something that runs parameterised SQL (`$1`, `$2`, …): the database itself or one open transaction. */
export interface SqlClient {
  /**
   * Runs one statement.
   * @param sql - PostgreSQL SQL with `$n` placeholders
   * @param params - values for the placeholders (objects are sent as JSON for json/jsonb columns)
   * @returns the rows; `json`/`jsonb` columns parsed, `int8`/`bigint` and `numeric` as JS numbers, timestamps as Date
   * @throws AppError (never a driver error): CONFLICT for unique/serialization violations, INVALID_PARAMETER_VALUE
   *   for constraint/syntax errors, INTERNAL_ERROR otherwise; the message names the SQLSTATE and the constraint
   */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<Row[]>;
  /**
   * Runs a script of one or more statements without parameters (a migration, DDL), in order; the results are dropped.
   * @param sql - PostgreSQL SQL, statements separated by `;`
   * @throws AppError as `query` does
   */
  exec(sql: string): Promise<void>;
}

/**
 * A notification received on a channel (PostgreSQL LISTEN/NOTIFY). `gap` marks the one every listener receives
 * (payload `''`) after the listening connection was lost and listens again: notifications sent meanwhile are gone,
 * so treat it as "anything may have changed".
 */
export type Notification = { channel: string; payload: string; gap?: true };

/** An open database: PGlite in the data directory (embedded default) or PostgreSQL 15+ (production). */
export interface Database extends SqlClient {
  /** Which engine is behind the interface; the SQL dialect is the same. */
  readonly engine: 'pglite' | 'postgres';
  /** The URL it was opened with, credentials removed (for logs and `--json` summaries). */
  readonly displayUrl: string;
  /**
   * Runs `fn` in one transaction (BEGIN … COMMIT, ROLLBACK when it throws). Statements of other callers wait on
   * PGlite and run on other connections on PostgreSQL.
   */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  /**
   * Subscribes to `NOTIFY channel` (sent by any connection, e.g. `SELECT pg_notify('channel', 'payload')`). On
   * PostgreSQL a lost listening connection is opened again (retrying with back-off until `close`), and every
   * listener then receives one notification with `gap: true`.
   * @returns a function that unsubscribes
   */
  listen(channel: string, onNotification: (notification: Notification) => void): Promise<() => Promise<void>>;
  /** Closes every connection; later calls throw. */
  close(): Promise<void>;
}

/** One versioned schema change of one domain; `id` sorts in application order (`0001-…`, `0002-…`). */
export type Migration = { id: string; sql: string };
