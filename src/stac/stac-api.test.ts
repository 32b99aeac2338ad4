import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/index.ts';
import { testDatabaseEngines } from '../db/test-support/test-databases.ts';
import { createStacValidator } from '../shared/index.ts';
import type { StacValidator } from '../shared/index.ts';
import type { StacBackend } from './backend.ts';
import { openSqlStacBackend } from './backend.sql.ts';
import { publishItems } from './publish.ts';
import type { QueryParams } from './search-request.ts';
import { stacEndpoints, stacErrorResponse } from './stac-endpoints.ts';
import type { StacEndpoint, StacRequest } from './stac-endpoints.ts';
import type { StacCollection, StacItem, StacItemCollection, StacLink } from './stac-types.ts';
import {
  STAC_SCHEMAS_DIR,
  banepaDatasetItem,
  baseModelItems,
  modelVersionItems,
} from './test-support/stac-fixtures.ts';

const baseUrl = 'http://127.0.0.1:8080/stac';

describe.each(testDatabaseEngines())('STAC API on $name', (engine) => {
  let db: Database;
  let backend: StacBackend;
  let endpoints: StacEndpoint[];
  let validator: StacValidator;

  beforeAll(async () => {
    db = await engine.open();
    backend = await openSqlStacBackend(db);
    validator = await createStacValidator(STAC_SCHEMAS_DIR);
    await publishItems(backend, [...modelVersionItems('m', 25), ...baseModelItems(), banepaDatasetItem()], {
      validator,
    });
    endpoints = stacEndpoints(backend, { baseUrl, serviceDescUrl: 'http://127.0.0.1:8080/api/openapi.json' });
  });
  afterAll(() => db.close());

  /** Calls the endpoint whose pattern matches, the way the HTTP layer does. */
  async function call(method: 'GET' | 'POST', path: string, request: StacRequest = {}): Promise<unknown> {
    for (const endpoint of endpoints) {
      if (endpoint.method !== method) continue;
      const names: string[] = [];
      const pattern = endpoint.path.replace(/:(\w+)/g, (_, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      const match = new RegExp(`^${pattern}$`).exec(path);
      if (match === null) continue;
      const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1] ?? '')]));
      return JSON.parse((await endpoint.handle({ ...request, params })).toString()) as unknown;
    }
    throw new Error(`no endpoint ${method} ${path}`);
  }

  async function failure(method: 'GET' | 'POST', path: string, request: StacRequest = {}) {
    try {
      await call(method, path, request);
    } catch (error) {
      return stacErrorResponse(error);
    }
    throw new Error('expected an error');
  }

  /** Follows a GET paging link. */
  async function follow(link: StacLink | undefined): Promise<StacItemCollection> {
    if (link === undefined) throw new Error('no link to follow');
    const url = new URL(link.href);
    if (link.method === 'POST')
      return (await call('POST', url.pathname, { body: link.body })) as StacItemCollection;
    const query: QueryParams = Object.fromEntries(url.searchParams);
    return (await call('GET', url.pathname, { query })) as StacItemCollection;
  }

  const ids = (page: StacItemCollection): string[] => page.features.map((f) => f.id);
  const link = (doc: { links: StacLink[] }, rel: string): StacLink | undefined =>
    doc.links.find((l) => l.rel === rel);

  it('serves a landing page with conformance classes and links to everything', async () => {
    const landing = (await call('GET', '/stac')) as { conformsTo: string[]; links: StacLink[] };
    expect(landing.conformsTo).toEqual(
      expect.arrayContaining([
        'https://api.stacspec.org/v1.0.0/core',
        'https://api.stacspec.org/v1.0.0/collections',
        'https://api.stacspec.org/v1.0.0/ogcapi-features',
        'https://api.stacspec.org/v1.0.0/item-search',
      ]),
    );
    expect(validator.validate(landing).errors).toEqual([]);
    const rels = landing.links.map((l) => `${l.rel} ${l.method ?? ''} ${l.href}`.replace('  ', ' '));
    expect(rels).toEqual(
      expect.arrayContaining([
        `conformance ${baseUrl}/conformance`,
        `data ${baseUrl}/collections`,
        `search GET ${baseUrl}/search`,
        `search POST ${baseUrl}/search`,
        'service-desc http://127.0.0.1:8080/api/openapi.json',
        `child ${baseUrl}/collections/local-models`,
      ]),
    );
    expect(await call('GET', '/stac/conformance')).toEqual({ conformsTo: landing.conformsTo });
  });

  it('lists the three collections, each with the extent of its items, all valid STAC', async () => {
    const { collections } = (await call('GET', '/stac/collections')) as { collections: StacCollection[] };
    expect(collections.map((c) => c.id)).toEqual(['base-models', 'local-models', 'datasets']);
    for (const c of collections) expect(validator.validate(c).errors).toEqual([]);
    const local = (await call('GET', '/stac/collections/local-models')) as StacCollection;
    expect(local.extent.spatial.bbox[0]).toEqual([0, 0, 24.01, 0.01]);
    expect(local.extent.temporal.interval[0]).toEqual([
      '2026-01-02T00:00:00.000Z',
      '2026-01-26T00:00:00.000Z',
    ]);
    expect(link(local, 'items')?.href).toBe(`${baseUrl}/collections/local-models/items`);
  });

  it('answers 404 with a STAC error body for an unknown collection or item', async () => {
    const collection = await failure('GET', '/stac/collections/models');
    expect(collection.status).toBe(404);
    expect(collection.body.description).toMatch(/collection models does not exist/);
    expect((await failure('GET', '/stac/collections/models/items')).status).toBe(404);
    const item = await failure('GET', '/stac/collections/local-models/items/m-v99');
    expect(item).toEqual({
      status: 404,
      body: {
        code: 'RESOURCE_DOES_NOT_EXIST',
        description: 'item m-v99 does not exist in collection local-models',
      },
    });
  });

  it('serves one item with absolute API links and valid STAC', async () => {
    const item = (await call('GET', '/stac/collections/local-models/items/m-v2')) as StacItem;
    expect(validator.validate(item).errors).toEqual([]);
    expect(link(item, 'self')?.href).toBe(`${baseUrl}/collections/local-models/items/m-v2`);
    expect(link(item, 'collection')?.href).toBe(`${baseUrl}/collections/local-models`);
    expect(item.links.filter((l) => l.rel === 'derived_from').map((l) => l.href)).toEqual([
      `${baseUrl}/collections/base-models/items/unet-s`,
      `${baseUrl}/collections/datasets/items/banepa`,
    ]);
    expect(link(item, 'predecessor-version')?.href).toBe(`${baseUrl}/collections/local-models/items/m-v1`);
    expect(link(item, 'mlflow-run')?.href).toBe('http://127.0.0.1:5000/#/experiments/1/runs/run2');
  });

  it('pages a collection’s items forward with next links and back with prev links', async () => {
    const first = (await call('GET', '/stac/collections/local-models/items', {
      query: { limit: '10' },
    })) as StacItemCollection;
    expect(first.numberReturned).toBe(10);
    expect(link(first, 'prev')).toBeUndefined();
    const second = await follow(link(first, 'next'));
    const third = await follow(link(second, 'next'));
    expect(third.numberReturned).toBe(5);
    expect(link(third, 'next')).toBeUndefined();
    const all = [...ids(first), ...ids(second), ...ids(third)];
    expect(new Set(all).size).toBe(25);
    expect(all).toEqual([...all].sort());
    const back = await follow(link(third, 'prev'));
    expect(ids(back)).toEqual(ids(second));
    const start = await follow(link(back, 'prev'));
    expect(ids(start)).toEqual(ids(first));
    expect(link(start, 'prev')).toBeUndefined();
    expect(ids(await follow(link(start, 'next')))).toEqual(ids(second));
  });

  it('defaults to 10 items per page and keeps filters in paging links', async () => {
    const page = (await call('GET', '/stac/collections/local-models/items')) as StacItemCollection;
    expect(page.numberReturned).toBe(10);
    const filtered = (await call('GET', '/stac/collections/local-models/items', {
      query: { bbox: '0,0,5.5,1', limit: '4' },
    })) as StacItemCollection;
    expect(ids(filtered)).toEqual(['m-v1', 'm-v2', 'm-v3', 'm-v4']);
    const next = await follow(link(filtered, 'next'));
    expect(ids(next)).toEqual(['m-v5', 'm-v6']);
    expect(link(next, 'next')).toBeUndefined();
  });

  it('searches by ids and collections', async () => {
    const byIds = (await call('GET', '/stac/search', {
      query: { ids: 'm-v3,unet-s,nope' },
    })) as StacItemCollection;
    expect(ids(byIds).sort()).toEqual(['m-v3', 'unet-s']);
    const byCollection = (await call('GET', '/stac/search', {
      query: { collections: 'base-models,datasets' },
    })) as StacItemCollection;
    expect(ids(byCollection)).toEqual(['unet-s', 'yolo-buildings', 'banepa']);
    const unknown = (await call('GET', '/stac/search', {
      query: { collections: 'models' },
    })) as StacItemCollection;
    expect(unknown.numberReturned).toBe(0);
  });

  it('searches by bbox, including one across the antimeridian', async () => {
    const banepa = (await call('GET', '/stac/search', {
      query: { bbox: '85.5,27.6,85.6,27.7' },
    })) as StacItemCollection;
    // The global base models cover Banepa too.
    expect(ids(banepa)).toEqual(['unet-s', 'yolo-buildings', 'banepa']);
    const across = (await call('POST', '/stac/search', {
      body: { bbox: [179, -1, 2.005, 1], collections: ['local-models'] },
    })) as StacItemCollection;
    expect(ids(across)).toEqual(['m-v1', 'm-v2', 'm-v3']);
  });

  it('selects the same items through the box index (small boxes) and the comparisons (large ones), edges included', async () => {
    const all = (await call('GET', '/stac/search', { query: { limit: '1000' } })) as StacItemCollection;
    const overlaps = (item: StacItem, [w, s, e, n]: number[]): boolean => {
      const b = item.bbox;
      return b !== undefined && b[2]! >= w! && b[0]! <= e! && b[3]! >= s! && b[1]! <= n!;
    };
    const first = all.features.find((f) => f.collection === 'local-models');
    if (first?.bbox === undefined) throw new Error('no local model with a bbox');
    const [x0, y0, x1, y1] = first.bbox as number[];
    const boxes = [
      [x0!, y0!, x1!, y1!],
      [x1!, y1!, x1! + 1, y1! + 1], // touches one corner only
      [x0! - 0.001, y0! - 0.001, x0! - 0.0001, y0! - 0.0001], // just outside
      [-10, -10, 10, 10], // 400 deg², the largest answered from the index
      [-10, -10, 10.5, 10],
      [0, 0, 60, 30],
      [-180, -90, 180, 90],
    ];
    for (const box of boxes) {
      const found = (await call('GET', '/stac/search', {
        query: { bbox: box.join(','), limit: '1000' },
      })) as StacItemCollection;
      const expected = all.features.filter((f) => overlaps(f, box)).map((f) => f.id);
      expect(ids(found), box.join(',')).toEqual(expected);
    }
  });

  it('searches by datetime: instants, closed and open intervals', async () => {
    const search = async (datetime: string): Promise<string[]> =>
      ids(
        (await call('GET', '/stac/search', {
          query: { datetime, collections: 'local-models', limit: '100' },
        })) as StacItemCollection,
      );
    expect(await search('2026-01-03T00:00:00Z')).toEqual(['m-v2']);
    expect(await search('2026-01-03T00:00:00Z/2026-01-05T00:00:00Z')).toEqual(['m-v2', 'm-v3', 'm-v4']);
    expect(await search('2026-01-24T00:00:00Z/..')).toEqual(['m-v23', 'm-v24', 'm-v25']);
    expect(await search('../2026-01-03T00:00:00Z')).toEqual(['m-v1', 'm-v2']);
    expect(await search('/2026-01-02T12:00:00Z')).toEqual(['m-v1']);
  });

  it('searches by intersects exactly, not just by bbox', async () => {
    // A triangle whose bbox covers versions 1-3 but whose shape misses version 3's box.
    const triangle = {
      type: 'Polygon',
      coordinates: [
        [
          [-0.5, -0.5],
          [2.4, -0.5],
          [-0.5, 2.4],
          [-0.5, -0.5],
        ],
      ],
    };
    const page = (await call('POST', '/stac/search', {
      body: { intersects: triangle, collections: ['local-models'] },
    })) as StacItemCollection;
    expect(ids(page)).toEqual(['m-v1', 'm-v2']);
    const point = (await call('GET', '/stac/search', {
      query: {
        intersects: JSON.stringify({ type: 'Point', coordinates: [85.52, 27.63] }),
        collections: 'datasets',
      },
    })) as StacItemCollection;
    expect(ids(point)).toEqual(['banepa']);
  });

  it('filters by mlm:tasks and keywords (all given values, keywords in any case)', async () => {
    const detection = (await call('GET', '/stac/search', {
      query: { 'mlm:tasks': 'object-detection' },
    })) as StacItemCollection;
    expect(ids(detection)).toEqual(['yolo-buildings']);
    const segmentation = (await call('POST', '/stac/search', {
      body: { 'mlm:tasks': ['semantic-segmentation'], collections: ['base-models'] },
    })) as StacItemCollection;
    expect(ids(segmentation)).toEqual(['unet-s']);
    const keywords = (await call('GET', '/stac/search', {
      query: { keywords: 'building,object-detection' },
    })) as StacItemCollection;
    expect(ids(keywords)).toEqual(['yolo-buildings']);
    const none = (await call('GET', '/stac/search', {
      query: { keywords: 'building,object-detection', 'mlm:tasks': 'semantic-segmentation' },
    })) as StacItemCollection;
    expect(none.numberReturned).toBe(0);
  });

  it('pages a POST search with POST links carrying the body', async () => {
    const first = (await call('POST', '/stac/search', {
      body: { collections: ['local-models'], limit: 20 },
    })) as StacItemCollection;
    const next = link(first, 'next');
    expect(next).toMatchObject({
      method: 'POST',
      merge: false,
      body: { collections: ['local-models'], limit: 20 },
    });
    const second = await follow(next);
    expect(ids(second)).toEqual(['m-v5', 'm-v6', 'm-v7', 'm-v8', 'm-v9']);
    expect(ids(await follow(link(second, 'prev')))).toEqual(ids(first));
  });

  it('pages an intersects search, reading past more non-matching candidates than one backend query holds', async () => {
    // 1200 versions 0.05° apart at latitude 40; the triangle's bbox holds them all, its shape only those east of
    // -145° (version 681 on), so the first 680 candidates in key order are read and dropped.
    await backend.upsertItems(
      modelVersionItems('chunky', 1200, { lon0: -179, lat0: 40, step: 0.05, pad: 4 }),
    );
    const triangle = {
      type: 'Polygon',
      coordinates: [
        [
          [-180, 39],
          [-110, 39],
          [-110, 41],
          [-180, 39],
        ],
      ],
    };
    const body = { intersects: triangle, collections: ['local-models'], limit: 5 };
    const first = (await call('POST', '/stac/search', { body })) as StacItemCollection;
    expect(ids(first)).toEqual([
      'chunky-v0681',
      'chunky-v0682',
      'chunky-v0683',
      'chunky-v0684',
      'chunky-v0685',
    ]);
    const second = await follow(link(first, 'next'));
    expect(ids(second)[0]).toBe('chunky-v0686');
    const back = await follow(link(second, 'prev'));
    expect(ids(back)).toEqual(ids(first));
    expect(link(back, 'prev')).toBeUndefined();
    const tail = (await call('POST', '/stac/search', {
      body: { ...body, ids: ['chunky-v1199', 'chunky-v1200', 'chunky-v0001'] },
    })) as StacItemCollection;
    expect(ids(tail)).toEqual(['chunky-v1199', 'chunky-v1200']);
  });

  it('answers 400 naming the parameter for bad input', async () => {
    const cases: [StacRequest, RegExp][] = [
      [{ query: { bbox: '10,5,11,4' } }, /bbox 10,5,11,4 is inverted/],
      [{ query: { datetime: 'yesterday' } }, /datetime yesterday is not RFC 3339/],
      [{ query: { limit: '0' } }, /limit 0 must be an integer from 1 to 10000/],
      [{ query: { limit: '10001' } }, /limit 10001/],
      [{ query: { token: 'abc' } }, /token "abc" is not a paging token/],
      [{ query: { fields: 'id' } }, /query parameter fields is not supported/],
    ];
    for (const [request, message] of cases) {
      const { status, body } = await failure('GET', '/stac/search', request);
      expect(status).toBe(400);
      expect(body.code).toBe('INVALID_PARAMETER_VALUE');
      expect(body.description).toMatch(message);
    }
    const post = await failure('POST', '/stac/search', {
      body: { intersects: { type: 'Polygon', coordinates: 1 } },
    });
    expect(post.status).toBe(400);
  });

  it('replaces an item on upsert and removes it on delete', async () => {
    const [item] = modelVersionItems('replace-me', 1, { lon0: 50, lat0: 50 });
    if (item === undefined) throw new Error('no item');
    await backend.upsertItem(item);
    await backend.upsertItem({ ...item, properties: { ...item.properties, title: 'renamed' } });
    const got = (await call('GET', `/stac/collections/local-models/items/${item.id}`)) as StacItem;
    expect(got.properties['title']).toBe('renamed');
    expect(await backend.deleteItem('local-models', item.id)).toBe(true);
    expect(await backend.deleteItem('local-models', item.id)).toBe(false);
    expect((await failure('GET', `/stac/collections/local-models/items/${item.id}`)).status).toBe(404);
  });

  it('serves a changed item in pages right after it changes (cached texts follow the content)', async () => {
    const [item] = modelVersionItems('cached', 1, { lon0: 70, lat0: 70 });
    if (item === undefined) throw new Error('no item');
    await backend.upsertItem(item);
    const page = async () =>
      ((await call('GET', '/stac/search', { query: { ids: item.id } })) as StacItemCollection).features[0];
    expect((await page())?.properties['title']).toBe(item.properties['title']);
    await backend.upsertItem({ ...item, properties: { ...item.properties, title: 'changed' } });
    expect((await page())?.properties['title']).toBe('changed');
    await backend.deleteItem('local-models', item.id);
    expect(await page()).toBeUndefined();
  });

  it('matches ids, keywords and tasks holding quotes, commas and backslashes exactly', async () => {
    const [item] = modelVersionItems('odd', 1, { lon0: 80, lat0: 80 });
    if (item === undefined) throw new Error('no item');
    const odd = {
      ...item,
      id: 'we"ird,id\\x',
      properties: { ...item.properties, keywords: ['a"b\\c', 'x,y'] },
    };
    await backend.upsertItem(odd);
    const byId = (await call('POST', '/stac/search', { body: { ids: [odd.id] } })) as StacItemCollection;
    expect(ids(byId)).toEqual([odd.id]);
    const byKeyword = (await call('POST', '/stac/search', {
      body: { keywords: ['A"B\\C', 'x,y'] },
    })) as StacItemCollection;
    expect(ids(byKeyword)).toEqual([odd.id]);
    const got = (await call(
      'GET',
      `/stac/collections/local-models/items/${encodeURIComponent(odd.id)}`,
    )) as StacItem;
    expect(got.id).toBe(odd.id);
    await backend.deleteItem('local-models', odd.id);
  });

  it('finds items with a start/end interval and no datetime, and never matches a null geometry by bbox', async () => {
    const [item] = modelVersionItems('interval', 1, { lon0: 90, lat0: 10 });
    if (item === undefined) throw new Error('no item');
    const interval: StacItem = {
      ...item,
      properties: {
        ...item.properties,
        datetime: null,
        start_datetime: '2030-01-01T00:00:00Z',
        end_datetime: '2030-12-31T00:00:00Z',
      },
    };
    const nowhere: StacItem = { ...item, id: 'nowhere', geometry: null, properties: { ...item.properties } };
    delete nowhere.bbox;
    await backend.upsertItems([interval, nowhere]);
    const during = (await call('GET', '/stac/search', {
      query: { datetime: '2030-06-01T00:00:00Z', collections: 'local-models' },
    })) as StacItemCollection;
    expect(ids(during)).toEqual([interval.id]);
    const after = (await call('GET', '/stac/search', {
      query: { datetime: '2031-01-01T00:00:00Z/..', collections: 'local-models' },
    })) as StacItemCollection;
    expect(after.numberReturned).toBe(0);
    const world = (await call('GET', '/stac/search', {
      query: { bbox: '-180,-90,180,90', ids: 'nowhere' },
    })) as StacItemCollection;
    expect(world.numberReturned).toBe(0);
    await backend.deleteItem('local-models', interval.id);
    await backend.deleteItem('local-models', 'nowhere');
  });

  it('refuses to publish an item that is not valid STAC, writing nothing', async () => {
    const [good, bad] = modelVersionItems('invalid', 2, { lon0: 60, lat0: 60 });
    if (good === undefined || bad === undefined) throw new Error('no items');
    bad.properties['mlm:tasks'] = ['spotting'];
    await expect(publishItems(backend, [good, bad], { validator })).rejects.toThrow(
      /item invalid-v2 is not valid/,
    );
    expect(await backend.getItem('local-models', good.id)).toBeUndefined();
  });
});
