/** @module db/database.pglite — the embedded engine: PGlite (PostgreSQL in WebAssembly) in memory or a directory. */
import { mkdir } from 'node:fs/promises';
import { PGlite, types } from '@electric-sql/pglite';
import type { Transaction } from '@electric-sql/pglite';
import { AppError } from '../shared/index.ts';
import type { Database, Notification, SqlClient } from './database.ts';
import { checkChannel } from './channel.ts';
import { acquirePgliteLock } from './pglite-lock.ts';
import { registeredPristinePgliteCluster } from './pglite-pristine.ts';
import type { PgliteLock } from './pglite-lock.ts';
import { translateSqlError } from './sql-error.ts';

/** Parsers of this instance only: 64-bit integers and numerics as JS numbers, like the PostgreSQL engine. */
const parsers = { [types.INT8]: Number, [types.NUMERIC]: Number };

type PgliteRunner = Pick<PGlite, 'query' | 'exec'> | Transaction;

/**
 * Opens PGlite.
 * @param dir - an absolute data directory (created when missing, locked while open), or undefined for in-memory
 * @returns the open database
 * @throws AppError CONFLICT when another live process (or this one) has the directory open
 */
export async function openPgliteDatabase(dir: string | undefined): Promise<Database> {
  const displayUrl = dir === undefined ? 'pglite://memory' : `pglite://${dir}`;
  let lock: PgliteLock | undefined;
  if (dir !== undefined) {
    await mkdir(dir, { recursive: true });
    lock = await acquirePgliteLock(dir);
  }
  try {
    const pristine = dir === undefined ? await registeredPristinePgliteCluster() : undefined;
    const pg = await PGlite.create(
      dir !== undefined
        ? { dataDir: dir, parsers }
        : pristine !== undefined
          ? { parsers, loadDataDir: pristine }
          : { parsers },
    );
    return new PgliteDatabase(pg, displayUrl, lock);
  } catch (error) {
    await lock?.release();
    throw translateSqlError(error, displayUrl);
  }
}

/** Runs SQL on PGlite or one of its transactions, translating errors. */
class PgliteClient implements SqlClient {
  readonly #runner: () => PgliteRunner;
  readonly #where: string;

  constructor(runner: () => PgliteRunner, where: string) {
    this.#runner = runner;
    this.#where = where;
  }

  async query<Row extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<Row[]> {
    const runner = this.#runner();
    try {
      return (await runner.query<Row>(sql, params === undefined ? undefined : [...params])).rows;
    } catch (error) {
      throw translateSqlError(error, this.#where);
    }
  }

  async exec(sql: string): Promise<void> {
    const runner = this.#runner();
    try {
      await runner.exec(sql);
    } catch (error) {
      throw translateSqlError(error, this.#where);
    }
  }
}

/** PGlite behind the Database interface; statements of concurrent callers queue inside PGlite. */
class PgliteDatabase implements Database {
  readonly engine = 'pglite';
  readonly displayUrl: string;
  readonly #pg: PGlite;
  readonly #lock: PgliteLock | undefined;
  readonly #client: PgliteClient;
  #closed = false;

  constructor(pg: PGlite, displayUrl: string, lock: PgliteLock | undefined) {
    this.#pg = pg;
    this.displayUrl = displayUrl;
    this.#lock = lock;
    this.#client = new PgliteClient(() => this.#open(), displayUrl);
  }

  query<Row extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<Row[]> {
    return this.#client.query<Row>(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.#client.exec(sql);
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    const pg = this.#open();
    const thrownByFn = new Set<unknown>();
    try {
      return await pg.transaction((tx) =>
        fn(new PgliteClient(() => tx, this.displayUrl)).catch((error: unknown) => {
          thrownByFn.add(error);
          throw error;
        }),
      );
    } catch (error) {
      // The caller's own errors pass through unchanged; only PGlite's (BEGIN, COMMIT) are translated.
      throw thrownByFn.has(error) ? error : translateSqlError(error, this.displayUrl);
    }
  }

  async listen(channel: string, onNotification: (n: Notification) => void): Promise<() => Promise<void>> {
    checkChannel(channel);
    const pg = this.#open();
    try {
      const unlisten = await pg.listen(channel, (payload) => onNotification({ channel, payload }));
      return async () => {
        if (!this.#closed) await unlisten();
      };
    } catch (error) {
      throw translateSqlError(error, this.displayUrl);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#pg.close();
    } finally {
      await this.#lock?.release();
    }
  }

  #open(): PGlite {
    if (this.#closed) throw new AppError('INTERNAL_ERROR', `database ${this.displayUrl} is closed`);
    return this.#pg;
  }
}
