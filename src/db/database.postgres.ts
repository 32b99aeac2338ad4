/** @module db/database.postgres — the served engine: a `pg` connection pool to PostgreSQL 15+. */
import pg from 'pg';
import type { ClientBase, CustomTypesConfig, PoolClient } from 'pg';
import { AppError } from '../shared/index.ts';
import type { Database, Notification, SqlClient } from './database.ts';
import { checkChannel } from './channel.ts';
import { translateSqlError } from './sql-error.ts';

/** Connections in the pool. */
const poolSize = 10;

/** Type OIDs whose parser differs from pg's default (int8, numeric and their arrays become JS numbers). */
const oid = {
  int8: 20,
  numeric: 1700,
  int8Array: 1016,
  numericArray: 1231,
  int4Array: 1007,
  float8Array: 1022,
};

/** Parsers of this pool only (pg's global table is left alone). */
const typeParsers: CustomTypesConfig = {
  getTypeParser: ((id: number, format?: 'text' | 'binary') => {
    if (format === 'binary') return pg.types.getTypeParser(id, format);
    if (id === oid.int8 || id === oid.numeric) return Number;
    if (id === oid.int8Array) return pg.types.getTypeParser(oid.int4Array);
    if (id === oid.numericArray) return pg.types.getTypeParser(oid.float8Array);
    return pg.types.getTypeParser(id);
  }) as CustomTypesConfig['getTypeParser'],
};

/**
 * Opens a pool to PostgreSQL and checks that it answers.
 * @param url - `postgres://user:password@host:port/database` (already normalised)
 * @param displayUrl - the URL without password, for messages
 * @returns the open database
 * @throws AppError (INTERNAL_ERROR when the server cannot be reached, naming the display URL)
 */
export async function openPostgresDatabase(url: string, displayUrl: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types: typeParsers });
  // An idle client that loses its server must not crash the process; the next query reports the failure.
  pool.on('error', () => undefined);
  const db = new PostgresDatabase(pool, url, displayUrl);
  try {
    await db.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return db;
}

async function run<Row>(
  client: pg.Pool | ClientBase,
  sql: string,
  params: readonly unknown[] | undefined,
  where: string,
): Promise<Row[]> {
  try {
    const result = await client.query(sql, params === undefined ? undefined : [...params]);
    // A multi-statement script returns one result per statement.
    const last = Array.isArray(result) ? (result as pg.QueryResult[]).at(-1) : result;
    return (last?.rows ?? []) as Row[];
  } catch (error) {
    throw translateSqlError(error, where);
  }
}

/** One transaction's client; unusable once the transaction ended. */
class PostgresTransaction implements SqlClient {
  ended = false;
  readonly #client: PoolClient;
  readonly #where: string;

  constructor(client: PoolClient, where: string) {
    this.#client = client;
    this.#where = where;
  }

  async query<Row extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<Row[]> {
    return run<Row>(this.#live(), sql, params, this.#where);
  }

  async exec(sql: string): Promise<void> {
    await run(this.#live(), sql, undefined, this.#where);
  }

  #live(): PoolClient {
    if (this.ended) throw new AppError('INTERNAL_ERROR', `transaction on ${this.#where} already ended`);
    return this.#client;
  }
}

/** PostgreSQL behind the Database interface. */
class PostgresDatabase implements Database {
  readonly engine = 'postgres';
  readonly displayUrl: string;
  readonly #pool: pg.Pool;
  readonly #url: string;
  readonly #handlers = new Map<string, Set<(n: Notification) => void>>();
  #listener: Promise<pg.Client> | undefined;
  #listenQueue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(pool: pg.Pool, url: string, displayUrl: string) {
    this.#pool = pool;
    this.#url = url;
    this.displayUrl = displayUrl;
  }

  async query<Row extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<Row[]> {
    return run<Row>(this.#open(), sql, params, this.displayUrl);
  }

  async exec(sql: string): Promise<void> {
    await run(this.#open(), sql, undefined, this.displayUrl);
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    const client = await this.#open()
      .connect()
      .catch((error: unknown) => {
        throw translateSqlError(error, this.displayUrl);
      });
    const tx = new PostgresTransaction(client, this.displayUrl);
    let broken: Error | undefined;
    try {
      await tx.exec('BEGIN');
      const result = await fn(tx);
      await tx.exec('COMMIT');
      return result;
    } catch (error) {
      await run(client, 'ROLLBACK', undefined, this.displayUrl).catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      // SQL errors are AppErrors already (tx translates them); the caller's own errors pass through unchanged.
      throw error;
    } finally {
      tx.ended = true;
      // A client whose ROLLBACK failed is in an unknown state: destroy it rather than return it to the pool.
      client.release(broken);
    }
  }

  async listen(channel: string, onNotification: (n: Notification) => void): Promise<() => Promise<void>> {
    checkChannel(channel);
    this.#open();
    return this.#serial(async () => {
      const listener = await this.#listenerClient();
      let handlers = this.#handlers.get(channel);
      if (handlers === undefined) {
        await run(listener, `LISTEN ${channel}`, undefined, this.displayUrl);
        handlers = new Set();
        this.#handlers.set(channel, handlers);
      }
      const handler = (n: Notification) => onNotification(n);
      handlers.add(handler);
      return () => this.#unlisten(channel, handler);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#dropListener();
    await this.#pool.end();
  }

  /** Closes the listening connection, if any (its loss is then not repaired: it is no longer the listener). */
  async #dropListener(): Promise<void> {
    const listener = this.#listener;
    this.#listener = undefined;
    if (listener !== undefined) await (await listener.catch(() => undefined))?.end().catch(() => undefined);
  }

  #unlisten(channel: string, handler: (n: Notification) => void): Promise<void> {
    return this.#serial(async () => {
      const handlers = this.#handlers.get(channel);
      if (handlers === undefined || !handlers.delete(handler) || handlers.size > 0) return;
      this.#handlers.delete(channel);
      if (this.#closed || this.#listener === undefined) return;
      await run(await this.#listener, `UNLISTEN ${channel}`, undefined, this.displayUrl);
    });
  }

  #listenerClient(): Promise<pg.Client> {
    this.#listener ??= (async () => {
      const client = new pg.Client({ connectionString: this.#url, types: typeParsers });
      // A dropped connection (server restart, network, terminated backend) ends in 'error' and/or 'end'.
      client.on('error', () => this.#listenerLost(client));
      client.on('end', () => this.#listenerLost(client));
      client.on('notification', (message) => {
        const handlers = this.#handlers.get(message.channel);
        const notification = { channel: message.channel, payload: message.payload ?? '' };
        // Handlers run outside pg's socket reader (as PGlite runs them), so one that throws cannot break the client.
        for (const handler of handlers ?? []) queueMicrotask(() => handler(notification));
      });
      await client.connect().catch((error: unknown) => {
        this.#listener = undefined;
        throw translateSqlError(error, this.displayUrl);
      });
      return client;
    })();
    return this.#listener;
  }

  /**
   * Replaces a lost listening connection: once a new one LISTENs on every channel again, each handler receives a
   * `gap` notification (what was sent meanwhile is gone). Retries with back-off (0.1 s doubling to 5 s) until
   * `close`.
   */
  #listenerLost(client: pg.Client): void {
    const lost = this.#listener;
    if (this.#closed || lost === undefined) return;
    void lost.then(
      async (current) => {
        if (current !== client || this.#listener !== lost) return; // already replaced
        this.#listener = undefined;
        for (let delayMs = 100; !this.#closed; delayMs = Math.min(delayMs * 2, 5000)) {
          try {
            const channels = await this.#serial(async () => {
              if (this.#closed) return [];
              const listener = await this.#listenerClient();
              for (const channel of this.#handlers.keys())
                await run(listener, `LISTEN ${channel}`, undefined, this.displayUrl);
              return [...this.#handlers.keys()];
            });
            for (const channel of channels)
              for (const handler of this.#handlers.get(channel) ?? [])
                queueMicrotask(() => handler({ channel, payload: '', gap: true }));
            return;
          } catch {
            await this.#dropListener();
            await new Promise((resolve) => setTimeout(resolve, delayMs).unref()); // a retry never keeps the process up
          }
        }
      },
      () => undefined,
    );
  }

  /** Runs LISTEN/UNLISTEN bookkeeping one at a time, so a subscription is active when `listen` resolves. */
  #serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.#listenQueue.then(op, op);
    this.#listenQueue = next.catch(() => undefined);
    return next;
  }

  #open(): pg.Pool {
    if (this.#closed) throw new AppError('INTERNAL_ERROR', `database ${this.displayUrl} is closed`);
    return this.#pool;
  }
}
