/** @module db/migrate — versioned schema migrations per domain, recorded in `schema_migrations`. */
import { createHash } from 'node:crypto';
import { AppError, invalid } from '../shared/index.ts';
import type { Database, Migration, SqlClient } from './database.ts';

/** Applied migrations of every domain: one row each, with the checksum of the SQL that ran. */
const createTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
  domain text NOT NULL,
  id text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (domain, id)
)`;

/** Key of the transaction-level advisory lock that serialises migrations across processes (any constant). */
const lockKey = 0x6641_4972; // "fAIr"

/**
 * Hex SHA-256 of a migration's SQL, as recorded in `schema_migrations.checksum`.
 * @param migration - the migration
 * @returns 64 hex digits
 */
export function migrationChecksum(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex');
}

/**
 * Brings one domain's schema up to date: applies every migration not yet recorded, in id order, each in its own
 * transaction together with its `schema_migrations` row. Safe when several processes migrate at once (a
 * PostgreSQL advisory lock serialises them; PGlite is one process). Already applied migrations are checked, not rerun.
 * @param db - the open database
 * @param domain - the owning domain (`workflows`, `tracking`, …)
 * @param migrations - every migration of the domain, ever (never edit or drop an applied one: add a new one)
 * @returns the ids applied by this call (empty when the schema was already current)
 * @throws AppError INVALID_PARAMETER_VALUE for an empty domain or duplicate ids; CONFLICT when an applied
 *   migration's SQL changed (checksum differs) or the database holds a migration the code does not know (a newer
 *   database); the error of a failing migration, after its transaction rolled back
 * @example
 * await migrate(db, 'workflows', [{ id: '0001-runs', sql: 'CREATE TABLE runs (id text PRIMARY KEY)' }]);
 */
export async function migrate(
  db: Database,
  domain: string,
  migrations: readonly Migration[],
): Promise<string[]> {
  if (domain.trim() === '') invalid('migration domain must not be empty');
  const ordered = [...migrations].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i]?.id === ordered[i - 1]?.id)
      invalid(`migration id ${ordered[i]?.id} of ${domain} appears twice`);
  }
  const recorded = await db.transaction(async (tx) => {
    await lock(tx);
    await tx.exec(createTable);
    return recordedIds(tx, domain, ordered);
  });
  const applied: string[] = [];
  for (const migration of ordered.filter((m) => !recorded.has(m.id))) {
    const ran = await db.transaction(async (tx) => {
      await lock(tx);
      // Another process may have applied it while this one waited for the lock.
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE domain = $1 AND id = $2', [
        domain,
        migration.id,
      ]);
      if (done.length > 0) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (domain, id, checksum) VALUES ($1, $2, $3)', [
        domain,
        migration.id,
        migrationChecksum(migration),
      ]);
      return true;
    });
    if (ran) applied.push(migration.id);
  }
  return applied;
}

async function lock(tx: SqlClient): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey]);
}

/** The recorded migrations of a domain, after checking them against the code's list. */
async function recordedIds(tx: SqlClient, domain: string, known: readonly Migration[]): Promise<Set<string>> {
  const rows = await tx.query<{ id: string; checksum: string }>(
    'SELECT id, checksum FROM schema_migrations WHERE domain = $1 ORDER BY id',
    [domain],
  );
  const byId = new Map(known.map((m) => [m.id, m]));
  for (const row of rows) {
    const migration = byId.get(row.id);
    if (migration === undefined) {
      throw new AppError(
        'CONFLICT',
        `database has migration ${row.id} of ${domain} that this code does not know (the database is newer than the code)`,
        { domain, id: row.id },
      );
    }
    if (migrationChecksum(migration) !== row.checksum) {
      throw new AppError(
        'CONFLICT',
        `migration ${row.id} of ${domain} was changed after it was applied (checksum differs); add a new migration instead`,
        { domain, id: row.id, recorded: row.checksum, current: migrationChecksum(migration) },
      );
    }
  }
  return new Set(rows.map((row) => row.id));
}
