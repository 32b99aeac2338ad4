/**
 * @module bench/fresh-postgres — an empty PostgreSQL database for one bench run: on the given server, else on the
 * loopback test cluster (started when needed, as the tests do; reached over its Unix socket, as a server on the same
 * host would be), dropped again by `drop()`.
 */
import pg from 'pg';
import { startTestPostgres, testPostgresSocketUrl } from '../tests/setup/postgres.ts';

/** The database's URL and its removal, or why there is no PostgreSQL here. */
export type FreshPostgres = { url: string; drop(): Promise<void> } | { skipped: string };

/**
 * Creates `<prefix>_<pid>` on the server.
 * @param prefix - database name prefix (letters, digits, `_`)
 * @param adminUrl - a server URL with the right to create databases; default the loopback test cluster
 * @returns the database, or `skipped` with the reason the test cluster could not start
 */
export async function freshPostgresDatabase(prefix: string, adminUrl?: string): Promise<FreshPostgres> {
  let serverUrl = adminUrl;
  if (serverUrl === undefined) {
    const server = await startTestPostgres();
    if (!server.ok) return { skipped: server.reason };
    serverUrl = server.url;
  }
  const name = `${prefix}_${process.pid}`;
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS ${name}`);
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const local = adminUrl === undefined ? testPostgresSocketUrl(name) : undefined;
  return { url: local ?? url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
