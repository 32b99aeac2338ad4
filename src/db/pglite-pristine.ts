/**
 * @module db/pglite-pristine — a freshly initialised PGlite cluster as a tarball. A new in-memory database loads a
 * registered one in about 1 s instead of running initdb (about 4 s on 2 cores); the test setup makes one per run and
 * registers it in every test process. Without a registration nothing changes.
 */

/** A cluster tarball, or how to read one when the first in-memory database needs it. */
export type PristineCluster = Blob | (() => Promise<Blob>);

let registered: PristineCluster | undefined;
let loaded: Promise<Blob> | undefined;

/**
 * Initialises a cluster in memory and dumps it, uncompressed (loading it is then the cheapest).
 * @returns the tarball (about 40 MB)
 */
export async function dumpPristinePgliteCluster(): Promise<Blob> {
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = await PGlite.create();
  try {
    return await pg.dumpDataDir('none');
  } finally {
    await pg.close();
  }
}

/**
 * Makes every in-memory PGlite this process opens from now on start from `cluster` (directories are never seeded).
 * @param cluster - a tarball from `dumpPristinePgliteCluster` of the same PGlite version, or a function reading one
 *   (called once, when the first in-memory database opens); undefined: initdb again
 */
export function usePristinePgliteCluster(cluster: PristineCluster | undefined): void {
  registered = cluster;
  loaded = undefined;
}

/** The registered tarball, read on first use, if any (for `database.pglite`). */
export function registeredPristinePgliteCluster(): Promise<Blob> | undefined {
  if (registered === undefined) return undefined;
  const cluster = registered;
  loaded ??= typeof cluster === 'function' ? cluster() : Promise.resolve(cluster);
  return loaded;
}
