/**
 * @module tests/setup/postgres — starts (or reuses) a loopback PostgreSQL cluster for the tests: trust auth on
 * 127.0.0.1:54329, data in /tmp/fair-test-postgres/data. The server is left running for the next test run.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { acquirePgliteLock } from '../../src/db/pglite-lock.ts';
import { isAppError } from '../../src/shared/errors.ts';

export type TestPostgres = { ok: true; url: string } | { ok: false; reason: string };

const run = promisify(execFile);
const port = 54329;
const root = '/tmp/fair-test-postgres';
const dataDir = join(root, 'data');
const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;

/**
 * The URL of a database of the test cluster over its Unix socket (in the data directory), when the socket is there:
 * what a server on the same host uses, without TCP's per-message cost on loopback.
 * @param database - database name
 * @returns the socket URL, or undefined when the cluster is not this one or is not running
 */
export function testPostgresSocketUrl(database: string): string | undefined {
  if (!existsSync(join(dataDir, `.s.PGSQL.${port}`))) return undefined;
  return `postgres:///${database}?host=${encodeURIComponent(dataDir)}&port=${port}&user=postgres`;
}

/**
 * Reuses a server answering on 127.0.0.1:54329, or creates and starts the cluster there. Two test runs starting at
 * once take turns through a lock file in /tmp/fair-test-postgres.
 * @returns the admin URL (superuser `postgres`, database `postgres`), or why PostgreSQL is unavailable
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  if (await answers()) return { ok: true, url: adminUrl };
  const bin = findBinDir();
  if (bin === undefined) return { ok: false, reason: 'no PostgreSQL binaries in /usr/lib/postgresql/*/bin' };
  try {
    await mkdir(root, { recursive: true });
    const lock = await waitForLock(root);
    try {
      if (!(await answers())) await startCluster(bin);
    } finally {
      await lock.release();
    }
    if (!(await answers()))
      return { ok: false, reason: `PostgreSQL started but does not answer on ${adminUrl}` };
    return { ok: true, url: adminUrl };
  } catch (error) {
    return {
      ok: false,
      reason: error instanceof Error ? (error.message.split('\n', 1)[0] ?? '') : String(error),
    };
  }
}

async function startCluster(bin: string): Promise<void> {
  const asRoot = userInfo().uid === 0;
  const as = (command: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args])
      : run(join(bin, command), args);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    if (asRoot) await chown(dataDir, ...(await postgresIds()));
    await as('initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
      '--locale=C',
    ]);
  }
  const settings = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dataDir}`,
    '-c max_connections=300',
    // A throw-away cluster: durability is not worth the disk waits.
    '-c fsync=off -c synchronous_commit=off -c full_page_writes=off',
  ].join(' ');
  await as('pg_ctl', [
    '-D',
    dataDir,
    '-l',
    join(dataDir, 'server.log'),
    '-o',
    settings,
    '-w',
    '-t',
    '60',
    'start',
  ]);
}

async function answers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function findBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(base, versions[0], 'bin');
}

async function postgresIds(): Promise<[number, number]> {
  const { stdout } = await run('id', ['-u', 'postgres']);
  const { stdout: group } = await run('id', ['-g', 'postgres']);
  return [Number(stdout.trim()), Number(group.trim())];
}

async function waitForLock(dir: string): ReturnType<typeof acquirePgliteLock> {
  for (let waited = 0; ; waited += 200) {
    try {
      return await acquirePgliteLock(dir);
    } catch (error) {
      if (!isAppError(error, 'CONFLICT') || waited > 120_000) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
