/**
 * @module db/test-support/test-databases — the database engines a test suite runs on, each handing out fresh,
 * empty, private databases: in-memory PGlite always, PostgreSQL when the test server runs (tests/global-setup.ts).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject, it } from 'vitest';
import type { Database, SqlClient } from '../database.ts';
import { openDatabase } from '../open-database.ts';

/** A fresh database reachable by URL (e.g. from a child process); `drop` deletes it. */
export type TestDatabaseUrl = { url: string; drop(): Promise<void> };

/** One engine to run a suite on. */
export type TestDatabaseEngine = {
  /** `pglite` or `postgres` (use `$name` in `describe.each` titles). */
  name: Database['engine'];
  /**
   * Opens a new, empty database that no other test sees: in-memory PGlite, or a uniquely named PostgreSQL
   * database. Its `close()` also deletes it (drops the PostgreSQL database); call it in `afterEach`/`afterAll`.
   */
  open(): Promise<Database>;
  /**
   * Creates a new, empty database and returns its URL without opening it: a temporary PGlite directory
   * (`pglite:///tmp/…`, one process at a time) or a PostgreSQL database.
   */
  create(): Promise<TestDatabaseUrl>;
};

/**
 * The engines a database-backed suite runs on: `pglite` always, `postgres` when the test server is available.
 * When it is not, this registers a skipped test named after the reason in the calling scope, so the report shows
 * what did not run. Call it at collection time (file or `describe` scope).
 * @returns the engines to run the suite on
 * @example
 * describe.each(testDatabaseEngines())('task queue on $name', (engine) => {
 *   let db: Database;
 *   beforeEach(async () => { db = await engine.open(); });
 *   afterEach(() => db.close());
 *   it('claims each task once', async () => { ... });
 * });
 */
export function testDatabaseEngines(): TestDatabaseEngine[] {
  const engines = [pgliteEngine];
  const adminUrl = inject('testPostgresUrl');
  if (adminUrl === null) it.skip(`postgres engine: ${inject('testPostgresSkipReason')}`, () => undefined);
  else engines.push(postgresEngine(adminUrl));
  return engines;
}

const pgliteEngine: TestDatabaseEngine = {
  name: 'pglite',
  open: () => openDatabase('pglite://memory', { dataDir: tmpdir() }),
  async create() {
    const dir = await mkdtemp(join(tmpdir(), 'fair-test-pglite-'));
    return { url: `pglite://${dir}`, drop: () => rm(dir, { recursive: true, force: true }) };
  },
};

/** Names of databases this process created start with this; a later run drops those of dead processes. */
const prefix = 'fair_test_';
let counter = 0;
let sweptDatabases: Promise<void> | undefined;

function postgresEngine(adminUrl: string): TestDatabaseEngine {
  const engine: TestDatabaseEngine = {
    name: 'postgres',
    async create() {
      sweptDatabases ??= dropDatabasesOfDeadProcesses(adminUrl);
      await sweptDatabases;
      const name = `${prefix}${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
      await admin(adminUrl, `CREATE DATABASE ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return {
        url: url.toString(),
        drop: () => admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      };
    },
    async open() {
      const { url, drop } = await engine.create();
      return new DroppedOnClose(await openDatabase(url, { dataDir: tmpdir() }), drop);
    },
  };
  return engine;
}

/** A test database whose `close()` also drops it. */
class DroppedOnClose implements Database {
  readonly engine: Database['engine'];
  readonly displayUrl: string;
  readonly #db: Database;
  readonly #drop: () => Promise<void>;

  constructor(db: Database, drop: () => Promise<void>) {
    this.#db = db;
    this.#drop = drop;
    this.engine = db.engine;
    this.displayUrl = db.displayUrl;
  }

  query<Row extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<Row[]> {
    return this.#db.query<Row>(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.#db.exec(sql);
  }

  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    return this.#db.transaction(fn);
  }

  listen(...args: Parameters<Database['listen']>): ReturnType<Database['listen']> {
    return this.#db.listen(...args);
  }

  async close(): Promise<void> {
    await this.#db.close();
    await this.#drop();
  }
}

async function admin(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function dropDatabasesOfDeadProcesses(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE '${prefix}%'`,
    );
    for (const { datname } of rows) {
      const pid = Number(/^fair_test_(\d+)_/.exec(datname)?.[1]);
      if (Number.isInteger(pid) && !isAlive(pid))
        await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
