/**
 * @module db/pglite-lock — an exclusive, cross-process lock file in a PGlite directory: PGlite is one process's
 * embedded PostgreSQL, and two processes writing one directory would corrupt it.
 */
import { randomUUID } from 'node:crypto';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../shared/index.ts';

/** Name of the lock file inside the PGlite directory. */
export const lockFileName = 'fair.lock';

/** A held lock; `release` removes the file when it is still ours. */
export interface PgliteLock {
  /** The lock file's path. */
  readonly path: string;
  /** Removes the lock file (only when it still holds this lock's token); idempotent. */
  release(): Promise<void>;
}

/**
 * Takes the lock of a PGlite directory. The file holds the owner's pid and a token; a lock whose pid is no longer
 * alive (a crashed process) is taken over.
 * @param dir - the PGlite data directory (must exist)
 * @returns the held lock
 * @throws AppError CONFLICT naming the directory and the pid of the live process that holds it (this process too)
 */
export async function acquirePgliteLock(dir: string): Promise<PgliteLock> {
  const path = join(dir, lockFileName);
  const token = `${process.pid}\n${randomUUID()}\n`;
  const draft = `${path}.${process.pid}.${randomUUID()}`;
  await writeFile(draft, token);
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      // link() publishes the complete file atomically and fails when a lock exists, so no reader sees it half written.
      if (await tryLink(draft, path)) return lockOf(path, token);
      await takeOverIfStale(dir, path);
    }
  } finally {
    await unlink(draft).catch(() => undefined);
  }
  throw new AppError('CONFLICT', `database ${dir} is locked by another process (lock file ${path})`);
}

function lockOf(path: string, token: string): PgliteLock {
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      if ((await readFile(path, 'utf8').catch(() => '')) === token) await unlink(path).catch(() => undefined);
    },
  };
}

async function tryLink(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Throws CONFLICT when the holder lives; otherwise moves the stale file aside so the next attempt can link. */
async function takeOverIfStale(dir: string, path: string): Promise<void> {
  const holder = pidOf(await readFile(path, 'utf8').catch(() => ''));
  if (holder !== undefined && isAlive(holder)) throw inUse(dir, holder);
  const aside = `${path}.stale.${process.pid}.${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  // Between our read and the rename another process may have taken the stale lock over and linked its own:
  // if what we moved is not the stale file, put it back and report that process.
  const moved = pidOf(await readFile(aside, 'utf8').catch(() => ''));
  if (moved !== holder && moved !== undefined && isAlive(moved)) {
    await tryLink(aside, path);
    await unlink(aside).catch(() => undefined);
    throw inUse(dir, moved);
  }
  await unlink(aside).catch(() => undefined);
}

function pidOf(content: string): number | undefined {
  const pid = Number(content.split('\n', 1)[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function inUse(dir: string, pid: number): AppError {
  return new AppError(
    'CONFLICT',
    `database ${dir} is in use by process ${pid} (PGlite is single-process; set DATABASE_URL to a PostgreSQL server to share it)`,
    { dir, pid },
  );
}
