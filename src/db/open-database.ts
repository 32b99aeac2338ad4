/** @module db/open-database — chooses the engine from a URL (scheme registry) and opens it. */
import { isAbsolute, resolve } from 'node:path';
import { invalid } from '../shared/index.ts';
import type { Database } from './database.ts';

/** What `openDatabase` needs besides the URL. */
export type OpenDatabaseOptions = {
  /** The data directory; the embedded default lives in `<dataDir>/db`. */
  dataDir: string;
};

type Opener = (url: string, options: OpenDatabaseOptions) => Promise<Database>;

/** Engines by URL scheme (a `+driver` suffix is dropped first); drivers load only when chosen. */
const engines: Readonly<Record<string, { engine: Database['engine']; open: Opener }>> = {
  pglite: {
    engine: 'pglite',
    open: async (url, options) => {
      const { openPgliteDatabase } = await import('./database.pglite.ts');
      return openPgliteDatabase(pgliteDirOf(url, options.dataDir));
    },
  },
  postgres: { engine: 'postgres', open: openPostgres },
  postgresql: { engine: 'postgres', open: openPostgres },
};

/** The URL schemes `openDatabase` knows, for messages and docs. */
export const databaseSchemes: readonly string[] = Object.keys(engines).map((scheme) => `${scheme}:`);

/**
 * Opens the database a URL names.
 * - undefined or `pglite:` → PGlite in `<dataDir>/db`; `pglite:///abs/dir` (or `pglite:dir`) → PGlite in that
 *   directory; `pglite://memory` → in-memory PGlite (tests). A PGlite directory is locked to one process while open.
 * - `postgres://…`, `postgresql://…`, `postgresql+driver://…` → a pool of 10 connections to PostgreSQL 15+.
 * @param url - the database URL (config `databaseUrl`, env DATABASE_URL), default the embedded PGlite
 * @param options - `dataDir`, the data directory of the embedded default
 * @returns the open database; call `close()` when done
 * @throws AppError INVALID_PARAMETER_VALUE for an unknown scheme (listing the known ones) or a malformed URL;
 *   CONFLICT when a PGlite directory is in use by another live process; INTERNAL_ERROR when a server cannot be reached
 * @example
 * const db = await openDatabase(config.databaseUrl, { dataDir: config.dataDir });
 * const rows = await db.query<{ n: number }>('SELECT count(*) AS n FROM runs WHERE project = $1', [project]);
 */
export async function openDatabase(url: string | undefined, options: OpenDatabaseOptions): Promise<Database> {
  const { target, entry } = engineEntryOf(url);
  return entry.open(target, options);
}

/**
 * The engine a database URL selects, without opening it (e.g. to refuse several processes on one PGlite directory).
 * @param url - as for `openDatabase`; undefined or blank is the embedded default
 * @returns `pglite` or `postgres`
 * @throws AppError INVALID_PARAMETER_VALUE for an unknown scheme, as `openDatabase`
 */
export function databaseEngineOf(url: string | undefined): Database['engine'] {
  return engineEntryOf(url).entry.engine;
}

function engineEntryOf(url: string | undefined): { target: string; entry: (typeof engines)[string] } {
  const target = url === undefined || url.trim() === '' ? 'pglite:' : url.trim();
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(target)?.[1]?.toLowerCase();
  const base = scheme?.split('+')[0];
  const entry = base === undefined ? undefined : engines[base];
  if (entry === undefined) {
    invalid(
      `unknown database URL scheme in ${JSON.stringify(redactUrl(target))}; known schemes: ${databaseSchemes.join(', ')}`,
    );
  }
  return { target, entry };
}

/**
 * A URL without its password (`postgres://user:secret@host/db` → `postgres://user@host/db`), for logs and messages.
 * @param url - any URL
 * @returns the URL with the password removed; unparsable input is returned without anything after `//…@`
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

async function openPostgres(url: string): Promise<Database> {
  const normalised = url.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:/, 'postgres:');
  if (!URL.canParse(normalised)) invalid(`malformed PostgreSQL URL ${JSON.stringify(redactUrl(normalised))}`);
  const { openPostgresDatabase } = await import('./database.postgres.ts');
  return openPostgresDatabase(normalised, redactUrl(normalised));
}

/** The directory of a `pglite:` URL, or undefined for `pglite://memory`. */
function pgliteDirOf(url: string, dataDir: string): string | undefined {
  const rest = url.replace(/^[^:]*:/, '');
  if (rest === '') return resolve(dataDir, 'db');
  if (!rest.startsWith('//')) return resolve(decodeURIComponent(rest));
  const parsed = new URL(`pglite:${rest}`);
  if (parsed.host === 'memory' && (parsed.pathname === '' || parsed.pathname === '/')) return undefined;
  const path = decodeURIComponent(parsed.pathname);
  if (parsed.host !== '' || !isAbsolute(path) || path === '/') {
    invalid(`PGlite URL ${JSON.stringify(url)} must be pglite:, pglite://memory or pglite:///absolute/dir`);
  }
  return path;
}
