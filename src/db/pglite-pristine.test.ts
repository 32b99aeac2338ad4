import { tmpdir } from 'node:os';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './open-database.ts';
import { registeredPristinePgliteCluster, usePristinePgliteCluster } from './pglite-pristine.ts';

describe('pristine PGlite clusters', () => {
  const before = registeredPristinePgliteCluster();
  afterAll(() => usePristinePgliteCluster(before === undefined ? undefined : () => before));

  it('starts every in-memory database from the registered cluster, each a separate copy', async () => {
    const seeded = await PGlite.create();
    await seeded.exec('CREATE TABLE marker (n int); INSERT INTO marker VALUES (7)');
    const dump = await seeded.dumpDataDir('none');
    await seeded.close();
    let reads = 0;
    usePristinePgliteCluster(async () => {
      reads += 1;
      return dump;
    });
    const first = await openDatabase('pglite://memory', { dataDir: tmpdir() });
    const second = await openDatabase('pglite://memory', { dataDir: tmpdir() });
    try {
      await first.exec('INSERT INTO marker VALUES (8)');
      expect(await first.query('SELECT n FROM marker ORDER BY n')).toEqual([{ n: 7 }, { n: 8 }]);
      expect(await second.query('SELECT n FROM marker ORDER BY n')).toEqual([{ n: 7 }]);
      expect(reads).toBe(1);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('initialises a new cluster again once the registration is withdrawn', async () => {
    usePristinePgliteCluster(undefined);
    const db = await openDatabase('pglite://memory', { dataDir: tmpdir() });
    try {
      expect(await db.query("SELECT to_regclass('marker') AS marker")).toEqual([{ marker: null }]);
    } finally {
      await db.close();
    }
  });
});
