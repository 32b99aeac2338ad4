import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure } from '../shared/test-support/app-error-failure.ts';
import { openDatabase } from './open-database.ts';
import { acquirePgliteLock, lockFileName } from './pglite-lock.ts';

const run = promisify(execFile);
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fair-db-lock-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** Tries to open the PGlite directory from another Node process; returns what it printed. */
async function openFromChild(url: string): Promise<{ code?: string; message?: string; opened?: boolean }> {
  const index = resolve(import.meta.dirname, 'index.ts');
  const script = `import { openDatabase } from ${JSON.stringify(index)};
try { const db = await openDatabase(${JSON.stringify(url)}, { dataDir: '/tmp' }); await db.close(); console.log(JSON.stringify({ opened: true })); }
catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { code?: string; message?: string };
}

describe('PGlite directory lock', () => {
  it('refuses a second process while one has the directory open, and keeps the data on close', async () => {
    const url = `pglite://${dir}`;
    const db = await openDatabase(url, { dataDir: '/tmp' });
    try {
      await db.exec('CREATE TABLE kept (v int); INSERT INTO kept VALUES (7)');
      const child = await openFromChild(url);
      expect(child.code).toBe('CONFLICT');
      expect(child.message).toBe(
        `database ${dir} is in use by process ${process.pid} (PGlite is single-process; set DATABASE_URL to a PostgreSQL server to share it)`,
      );
      expect((await failure(openDatabase(url, { dataDir: '/tmp' }))).code).toBe('CONFLICT');
    } finally {
      await db.close();
    }
    expect(existsSync(join(dir, lockFileName))).toBe(false);
    const reopened = await openDatabase(url, { dataDir: '/tmp' });
    expect(await reopened.query('SELECT v FROM kept')).toEqual([{ v: 7 }]);
    await reopened.close();
  });

  it('takes over the lock of a process that died', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(join(dir, lockFileName), `${dead}\nleft-behind\n`);
    const lock = await acquirePgliteLock(dir);
    expect((await readFile(lock.path, 'utf8')).split('\n')[0]).toBe(String(process.pid));
    await lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('leaves a lock it no longer owns in place on release', async () => {
    const lock = await acquirePgliteLock(dir);
    await writeFile(lock.path, `${process.pid}\nsomeone-else\n`);
    await lock.release();
    expect(existsSync(lock.path)).toBe(true);
  });
});
