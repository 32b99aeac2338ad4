import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/index.ts';
import type { Database } from '../db/index.ts';
import { testDatabaseEngines } from '../db/test-support/test-databases.ts';
import type { TestDatabaseUrl } from '../db/test-support/test-databases.ts';
import type { StacBackend } from './backend.ts';
import { openSqlStacBackend } from './backend.sql.ts';
import { ByteCache } from './byte-cache.ts';
import { stacEndpoints } from './stac-endpoints.ts';
import type { StacEndpoint } from './stac-endpoints.ts';
import type { StacItem, StacItemCollection } from './stac-types.ts';
import { modelVersionItems } from './test-support/stac-fixtures.ts';

const baseUrl = 'http://127.0.0.1:8080/stac';

/** GET /stac/search with these parameters, through the endpoint table. */
async function searchPage(
  endpoints: StacEndpoint[],
  query: Record<string, string>,
): Promise<StacItemCollection> {
  const endpoint = endpoints.find((e) => e.method === 'GET' && e.path.endsWith('/search'));
  if (endpoint === undefined) throw new Error('no GET /search');
  return JSON.parse((await endpoint.handle({ query })).toString()) as StacItemCollection;
}

/** The ids of a search's page. */
async function search(endpoints: StacEndpoint[], query: Record<string, string>): Promise<string[]> {
  return (await searchPage(endpoints, query)).features.map((f) => f.id);
}

/** Items of model `name`; those of `a-first` sort before every other model's. */
function itemsNamed(name: string, count: number): StacItem[] {
  return modelVersionItems(name, count);
}

/** One item of model `name`. */
function itemNamed(name: string): StacItem {
  const [item] = itemsNamed(name, 1);
  if (item === undefined) throw new Error('no item');
  return item;
}

describe('ByteCache', () => {
  const bytes = (text: string) => Buffer.from(text);

  it('answers only for the tag an entry was stored with', () => {
    const cache = new ByteCache({ maxEntries: 10, maxBytes: 1000 });
    cache.set('k', 'v1', bytes('one'));
    expect(cache.get('k', 'v1')?.toString()).toBe('one');
    expect(cache.get('k', 'v2')).toBeUndefined();
    cache.set('k', 'v2', bytes('two'));
    expect(cache.get('k', 'v1')).toBeUndefined();
    expect(cache.get('k', 'v2')?.toString()).toBe('two');
    expect(cache.size).toBe(1);
    expect(cache.bytes).toBe(4); // 'two' and the key 'k'
  });

  it('drops the least recently used entries beyond its entry and byte bounds', () => {
    const cache = new ByteCache({ maxEntries: 3, maxBytes: 12 });
    for (const key of ['a', 'b', 'c']) cache.set(key, 't', bytes('xx')); // 3 bytes each with the key
    cache.get('a', 't'); // a is now the most recently used
    cache.set('d', 't', bytes('xx'));
    expect(cache.get('b', 't')).toBeUndefined();
    expect(['a', 'c', 'd'].map((k) => cache.get(k, 't')?.length)).toEqual([2, 2, 2]);
    cache.set('e', 't', bytes('x'.repeat(7))); // 8 bytes: with c, a and d 17, so c and a go
    expect(cache.bytes).toBe(11);
    expect(cache.get('e', 't')?.length).toBe(7);
    expect(cache.get('a', 't')).toBeUndefined();
    expect(cache.get('d', 't')?.length).toBe(2);
    cache.set('huge', 't', bytes('x'.repeat(9))); // 13 bytes with its key: never kept
    expect(cache.get('huge', 't')).toBeUndefined();
    expect(cache.get('d', 't')?.length).toBe(2); // nothing else was dropped for it
  });

  it('keeps nothing with maxEntries 0', () => {
    const cache = new ByteCache({ maxEntries: 0, maxBytes: 1000 });
    cache.set('k', 't', bytes('one'));
    expect(cache.get('k', 't')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});

describe.each(testDatabaseEngines())('search pages kept in memory on $name', (engine) => {
  let db: Database;
  let backend: StacBackend;
  let endpoints: StacEndpoint[];

  beforeAll(async () => {
    db = await engine.open();
    backend = await openSqlStacBackend(db);
    await backend.upsertItems(itemsNamed('m', 12));
    endpoints = stacEndpoints(backend, { baseUrl });
  });
  afterAll(() => db.close());

  it("serves this process's writes at once: an added item, a changed one, a deleted one", async () => {
    const before = await search(endpoints, { limit: '5' });
    expect(before).toHaveLength(5);
    expect(await search(endpoints, { limit: '5' })).toEqual(before); // now from memory

    const added = itemNamed('a-first');
    await backend.upsertItem(added);
    expect((await search(endpoints, { limit: '5' }))[0]).toBe(added.id);

    await backend.upsertItem({ ...added, properties: { ...added.properties, title: 'renamed' } });
    const page = await searchPage(endpoints, { limit: '5' });
    expect(page.features[0]?.properties['title']).toBe('renamed');

    expect(await backend.deleteItem(added.collection ?? '', added.id)).toBe(true);
    expect(await search(endpoints, { limit: '5' })).toEqual(before);
  });

  it('keys pages by the parsed search, so parameter order does not matter and different searches differ', async () => {
    const a = await search(endpoints, { limit: '3', collections: 'local-models' });
    const b = await search(endpoints, { collections: 'local-models', limit: '3' });
    expect(b).toEqual(a);
    expect(await search(endpoints, { limit: '4', collections: 'local-models' })).toHaveLength(4);
  });

  it('grows the change count for every write, including a failed batch', async () => {
    const start = backend.changeCount();
    await backend.upsertItems(itemsNamed('n', 2));
    expect(backend.changeCount()).toBeGreaterThan(start);
    const bad = { ...itemNamed('bad'), collection: '' };
    const mid = backend.changeCount();
    await expect(backend.upsertItems([...itemsNamed('o', 1), bad])).rejects.toThrow(/no collection/);
    expect(backend.changeCount()).toBeGreaterThan(mid);
  });
});

describe.each(testDatabaseEngines().filter((e) => e.name === 'postgres'))(
  'search pages of processes sharing $name',
  (engine) => {
    let shared: TestDatabaseUrl;
    const opened: Database[] = [];

    beforeAll(async () => {
      shared = await engine.create();
    });
    afterEach(async () => {
      for (const db of opened.splice(0)) await db.close();
    });
    afterAll(() => shared.drop());

    /** A server process's view: its own connection pool, backend and endpoints. */
    async function serverProcess(): Promise<{
      db: Database;
      backend: StacBackend;
      endpoints: StacEndpoint[];
    }> {
      const db = await openDatabase(shared.url, { dataDir: '/nonexistent' });
      opened.push(db);
      const backend = await openSqlStacBackend(db);
      return { db, backend, endpoints: stacEndpoints(backend, { baseUrl }) };
    }

    /** Waits until `backend` has heard of a change after `count`. */
    async function changeAfter(backend: StacBackend, count: number): Promise<void> {
      const deadline = Date.now() + 5000;
      while (backend.changeCount() === count) {
        if (Date.now() > deadline) throw new Error('no change notice within 5 s');
        await new Promise((r) => setTimeout(r, 10));
      }
    }

    it('drops a page when another process writes, or anyone changes the table in SQL', async () => {
      const reader = await serverProcess();
      const writer = await serverProcess();
      await writer.backend.upsertItems(itemsNamed('m', 6));
      await changeAfter(reader.backend, 0);
      const before = await search(reader.endpoints, { limit: '3' });
      expect(await search(reader.endpoints, { limit: '3' })).toEqual(before);

      const added = itemNamed('a-first');
      let count = reader.backend.changeCount();
      await writer.backend.upsertItem(added);
      await changeAfter(reader.backend, count);
      expect((await search(reader.endpoints, { limit: '3' }))[0]).toBe(added.id);

      count = reader.backend.changeCount();
      await writer.db.query('DELETE FROM stac_items WHERE id = $1', [added.id]);
      await changeAfter(reader.backend, count);
      expect(await search(reader.endpoints, { limit: '3' })).toEqual(before);
    });
  },
);
