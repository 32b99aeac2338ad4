import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../shared/test-support/app-error-failure.ts';
import type { Database, Notification } from './database.ts';
import { openDatabase, redactUrl } from './open-database.ts';
import { testDatabaseEngines } from './test-support/test-databases.ts';

describe.each(testDatabaseEngines())('Database contract on $name', (engine) => {
  // One database per engine: opening PGlite costs seconds. Each test uses tables of its own.
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
  });
  afterAll(() => db?.close());

  it('reports its engine', () => {
    expect(db.engine).toBe(engine.name);
  });

  it('binds $n parameters', async () => {
    const rows = await db.query<{ sum: number; text: string }>(
      'SELECT $1::int + $2::int AS sum, $3::text AS text',
      [2, 3, "it's"],
    );
    expect(rows).toEqual([{ sum: 5, text: "it's" }]);
  });

  it('round-trips json and jsonb', async () => {
    await db.exec('CREATE TABLE docs (id int PRIMARY KEY, b jsonb NOT NULL, j json NOT NULL)');
    const value = { name: 'Banepa', tags: ['a', 'b'], nested: { n: 1.5, ok: true, none: null } };
    await db.query('INSERT INTO docs VALUES (1, $1, $2)', [value, JSON.stringify([1, [2]])]);
    const [row] = await db.query('SELECT b, j FROM docs WHERE id = 1');
    expect(row).toEqual({ b: value, j: [1, [2]] });
  });

  it('returns int8 and numeric as numbers and timestamps as Date', async () => {
    const [row] = await db.query(
      'SELECT 9007199254740991::int8 AS big, count(*) AS n, 2.25::numeric AS num, ARRAY[1, 2]::int8[] AS arr, now() AS at FROM (VALUES (1), (2)) v(x)',
    );
    expect(row).toMatchObject({ big: 9007199254740991, n: 2, num: 2.25, arr: [1, 2] });
    expect(row?.['at']).toBeInstanceOf(Date);
  });

  it('supports identity columns', async () => {
    await db.exec('CREATE TABLE ids (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text)');
    const rows = await db.query("INSERT INTO ids (v) VALUES ('a'), ('b') RETURNING id");
    expect(rows).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('commits a transaction', async () => {
    await db.exec('CREATE TABLE committed (v int)');
    const result = await db.transaction(async (tx) => {
      await tx.query('INSERT INTO committed VALUES ($1)', [1]);
      return (await tx.query<{ n: number }>('SELECT count(*) AS n FROM committed'))[0]?.n;
    });
    expect(result).toBe(1);
    expect(await db.query('SELECT v FROM committed')).toEqual([{ v: 1 }]);
  });

  it('rolls a transaction back and rethrows the error of its function unchanged', async () => {
    await db.exec('CREATE TABLE rolled (v int)');
    const thrown = new Error('stop');
    const outcome = db.transaction(async (tx) => {
      await tx.query('INSERT INTO rolled VALUES (1)');
      throw thrown;
    });
    await expect(outcome).rejects.toBe(thrown);
    expect(await db.query('SELECT v FROM rolled')).toEqual([]);
  });

  it('rolls back when a statement in the transaction fails', async () => {
    await db.exec('CREATE TABLE rolled_sql (v int PRIMARY KEY)');
    const outcome = db.transaction(async (tx) => {
      await tx.query('INSERT INTO rolled_sql VALUES (1)');
      await tx.query('INSERT INTO rolled_sql VALUES (1)');
    });
    expect((await failure(outcome)).code).toBe('CONFLICT');
    expect(await db.query('SELECT v FROM rolled_sql')).toEqual([]);
  });

  it('translates a unique violation into CONFLICT naming SQLSTATE and constraint', async () => {
    await db.exec('CREATE TABLE uniq (v text CONSTRAINT uniq_v_key UNIQUE)');
    await db.query("INSERT INTO uniq VALUES ('a')");
    const error = await failure(db.query("INSERT INTO uniq VALUES ('a')"));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain('23505');
    expect(error.message).toContain('uniq_v_key');
  });

  it('translates syntax errors and missing tables into INVALID_PARAMETER_VALUE', async () => {
    expect(await failure(db.query('SELEC 1'))).toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining('42601'),
    });
    expect((await failure(db.query('SELECT * FROM no_such_table'))).message).toContain('42P01');
  });

  it('translates other errors into INTERNAL_ERROR', async () => {
    const error = await failure(db.query('SELECT 1 / 0'));
    expect(error).toMatchObject({ code: 'INTERNAL_ERROR', message: expect.stringContaining('22012') });
  });

  it('delivers NOTIFY to listeners until they unsubscribe', async () => {
    const first: Notification[] = [];
    const second: Notification[] = [];
    const arrivals: Array<() => void> = [];
    const arrived = () => new Promise<void>((resolve) => arrivals.push(resolve));
    const record = (into: Notification[]) => (n: Notification) => {
      into.push(n);
      arrivals.shift()?.();
    };
    const stopFirst = await db.listen('contract_first', record(first));
    const stopSecond = await db.listen('contract_second', record(second));
    let next = arrived();
    await db.query("SELECT pg_notify('contract_first', 'one')");
    await next;
    await stopFirst();
    next = arrived();
    await db.query("SELECT pg_notify('contract_first', 'after unsubscribe')");
    await db.query("SELECT pg_notify('contract_second', 'two')");
    await next;
    await stopSecond();
    expect(first).toEqual([{ channel: 'contract_first', payload: 'one' }]);
    expect(second).toEqual([{ channel: 'contract_second', payload: 'two' }]);
  });

  it.runIf(engine.name === 'postgres')(
    'listens again after losing its connection, telling every listener about the gap',
    async () => {
      const got: Notification[] = [];
      let wake: (() => void) | undefined;
      const next = () => new Promise<void>((resolve) => (wake = resolve));
      const stop = await db.listen('contract_gap', (n) => {
        got.push(n);
        wake?.();
      });
      const listeners = await db.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN contract_gap'",
      );
      expect(listeners).toHaveLength(1);
      let arrived = next();
      await db.query('SELECT pg_terminate_backend($1)', [listeners[0]?.pid]);
      await arrived;
      expect(got).toEqual([{ channel: 'contract_gap', payload: '', gap: true }]);
      arrived = next();
      await db.query("SELECT pg_notify('contract_gap', 'after')");
      await arrived;
      expect(got[1]).toEqual({ channel: 'contract_gap', payload: 'after' });
      await stop();
    },
  );

  it('refuses channel names that are not lower-case identifiers', async () => {
    expect((await failure(db.listen('Bad-Name', () => undefined))).code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('claims rows with FOR UPDATE SKIP LOCKED', async () => {
    await db.exec('CREATE TABLE queue (id int PRIMARY KEY); INSERT INTO queue VALUES (1), (2)');
    const claim = 'SELECT id FROM queue ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED';
    if (engine.name === 'pglite') {
      // One connection: a second transaction would wait for the first, so only the statement itself is checked.
      expect(await db.transaction((tx) => tx.query(claim))).toEqual([{ id: 1 }]);
      return;
    }
    const claimed = await db.transaction(async (first) => {
      const mine = await first.query(claim);
      const theirs = await db.transaction((second) => second.query(claim));
      return [mine, theirs];
    });
    expect(claimed).toEqual([[{ id: 1 }], [{ id: 2 }]]);
  });
});

describe('openDatabase', () => {
  it('refuses an unknown scheme, listing the known ones', async () => {
    const error = await failure(openDatabase('mysql://u:secret@h/db', { dataDir: '/tmp' }));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain('pglite:, postgres:, postgresql:');
    expect(error.message).not.toContain('secret');
  });

  it('refuses a pglite URL with a host other than memory', async () => {
    expect((await failure(openDatabase('pglite://elsewhere/x', { dataDir: '/tmp' }))).code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
  });

  it('throws once closed', async () => {
    const db = await openDatabase('pglite://memory', { dataDir: '/tmp' });
    await db.close();
    expect((await failure(db.query('SELECT 1'))).message).toContain('closed');
  });

  it('removes the password from URLs shown to people', () => {
    expect(redactUrl('postgresql://fair:s3cret@db:5432/fair')).toBe('postgresql://fair@db:5432/fair');
    expect(redactUrl('postgres://db/fair')).toBe('postgres://db/fair');
  });
});
