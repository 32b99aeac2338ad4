import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../shared/test-support/app-error-failure.ts';
import type { Database, Migration } from './database.ts';
import { migrate, migrationChecksum } from './migrate.ts';
import { openDatabase } from './open-database.ts';
import { testDatabaseEngines } from './test-support/test-databases.ts';

const migrations: Migration[] = [
  { id: '0002-index', sql: 'CREATE INDEX things_name ON things (name)' },
  {
    id: '0001-things',
    sql: 'CREATE TABLE things (id int PRIMARY KEY, name text); CREATE TABLE others (id int)',
  },
];

describe.each(testDatabaseEngines())('migrate on $name', (engine) => {
  // One database per engine (PGlite takes seconds to open); each test migrates a domain of its own.
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
  });
  afterAll(() => db?.close());

  const withTables = (domain: string): Migration[] =>
    migrations.map((m) => ({
      id: m.id,
      sql: m.sql.replaceAll('things', `${domain}_things`).replaceAll('others', `${domain}_others`),
    }));

  it('applies missing migrations in id order, once', async () => {
    expect(await migrate(db, 'first', withTables('first'))).toEqual(['0001-things', '0002-index']);
    expect(await migrate(db, 'first', withTables('first'))).toEqual([]);
    const rows = await db.query('SELECT id, checksum FROM schema_migrations WHERE domain = $1 ORDER BY id', [
      'first',
    ]);
    expect(rows).toEqual(
      withTables('first')
        .reverse()
        .map((m) => ({ id: m.id, checksum: migrationChecksum(m) })),
    );
  });

  it('applies only the migrations added since', async () => {
    const all = withTables('grown');
    expect(await migrate(db, 'grown', all.slice(1))).toEqual(['0001-things']);
    expect(await migrate(db, 'grown', all)).toEqual(['0002-index']);
  });

  it('refuses a migration whose SQL changed after it was applied', async () => {
    await migrate(db, 'changed', withTables('changed'));
    const edited = withTables('changed').map((m) =>
      m.id === '0001-things' ? { ...m, sql: `${m.sql};` } : m,
    );
    const error = await failure(migrate(db, 'changed', edited));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain('0001-things');
  });

  it('refuses a database that has migrations the code does not know', async () => {
    await migrate(db, 'newer', withTables('newer'));
    const error = await failure(migrate(db, 'newer', withTables('newer').slice(1)));
    expect(error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('0002-index') });
  });

  it('rolls a failing migration back with its record and keeps the ones before it', async () => {
    const broken: Migration[] = [
      { id: '0001-ok', sql: 'CREATE TABLE broken_ok (id int)' },
      { id: '0002-bad', sql: 'CREATE TABLE broken_half (id int); SELECT * FROM no_such_table' },
    ];
    expect((await failure(migrate(db, 'broken', broken))).code).toBe('INVALID_PARAMETER_VALUE');
    const tables = await db.query(
      "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'broken_%'",
    );
    expect(tables).toEqual([{ table_name: 'broken_ok' }]);
    expect(await db.query("SELECT id FROM schema_migrations WHERE domain = 'broken'")).toEqual([
      { id: '0001-ok' },
    ]);
  });

  it('refuses duplicate ids and an empty domain', async () => {
    const twice = [migrations[1]!, migrations[1]!];
    expect((await failure(migrate(db, 'dup', twice))).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await failure(migrate(db, ' ', migrations))).code).toBe('INVALID_PARAMETER_VALUE');
  });
});

describe.each(testDatabaseEngines().filter((e) => e.name === 'postgres'))(
  'migrate from two processes on $name',
  (engine) => {
    it('applies each migration once when two pools migrate at once', async () => {
      const { url, drop } = await engine.create();
      const [a, b] = await Promise.all([
        openDatabase(url, { dataDir: '/tmp' }),
        openDatabase(url, { dataDir: '/tmp' }),
      ]);
      try {
        // CREATE TABLE without IF NOT EXISTS fails when run twice, so a double application would reject.
        const results = await Promise.all([migrate(a, 'race', migrations), migrate(b, 'race', migrations)]);
        expect(results.flat().sort()).toEqual(['0001-things', '0002-index']);
        expect(await a.query("SELECT count(*) AS n FROM schema_migrations WHERE domain = 'race'")).toEqual([
          { n: 2 },
        ]);
      } finally {
        await Promise.all([a.close(), b.close()]);
        await drop();
      }
    });
  },
);
