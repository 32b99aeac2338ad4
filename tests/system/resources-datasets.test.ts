/**
 * Black-box tests of `/api/datasets` over HTTP (PGlite, and PostgreSQL when it runs): create/read/update/delete with
 * validation naming the field, ownership (401/403) and privacy (404 for others), paging; AOIs with the area limit;
 * label uploads checked and repaired, label sets; OSM label jobs against a local Overpass replay; imagery refused by
 * the safe fetching rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../../src/db/test-support/test-databases.ts';
import { call } from './test-support/http-client.ts';
import type { JsonResponse } from './test-support/http-client.ts';
import {
  BANEPA,
  person,
  startOverpassReplay,
  startSyntheticFixture,
  waitFor,
  errorMessage as message,
  personSender,
  responseJson as body,
} from './test-support/resource-fixture.ts';
import type { OverpassReplay, Person, SyntheticFixture } from './test-support/resource-fixture.ts';
import { startTestServer } from './test-support/test-server.ts';
import type { TestServer } from './test-support/test-server.ts';
import type { Polygon } from 'geojson';
import { bboxPolygon } from '../../src/geo/index.ts';

type Json = Record<string, unknown>;
type ApiError = { error: { code: string; message: string; details: unknown } };

const square = (w: number, s: number, side: number): Polygon => bboxPolygon([w, s, w + side, s + side]);

let imagery: SyntheticFixture;
let overpass: OverpassReplay;

beforeAll(async () => {
  imagery = await startSyntheticFixture();
  overpass = await startOverpassReplay();
});

afterAll(async () => {
  await imagery?.close();
  await overpass?.close();
});

describe.each(testDatabaseEngines())('datasets over HTTP on $name', (engine) => {
  let t: TestServer;
  let owner: Person;
  let other: Person;
  let admin: Person;

  /** `who` null: anonymous. */
  const send = personSender(
    () => t.url,
    () => owner,
  );
  const create = async (extra: Json = {}, who: Person = owner): Promise<string> => {
    const created = await send(
      'POST',
      '/api/datasets',
      { name: 'ds', imagery: imagery.server.tileTemplate, ...extra },
      who,
    );
    expect(created.status).toBe(201);
    return body(created)['id'] as string;
  };

  beforeAll(async () => {
    t = await startTestServer(engine, {
      env: { FAIR_ALLOW_PRIVATE_NETWORK: '1', FAIR_OVERPASS_URL: overpass.endpoint, FAIR_MAX_AOI_KM2: '2' },
    });
    owner = await person(t, '21');
    other = await person(t, '22');
    admin = await person(t, '23', true);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('creates a dataset with defaults and reads it back with its AOIs and label sets', async () => {
    const created = await send('POST', '/api/datasets', {
      name: 'Banepa',
      imagery: imagery.server.tileJsonUrl,
    });
    expect(created.status).toBe(201);
    expect(body(created)).toMatchObject({
      name: 'Banepa',
      description: '',
      zooms: [19],
      mask_kind: 'binary',
      chip_size: 256,
      label_offset: [0, 0],
      private: false,
      owner_id: owner.user.id,
    });
    const read = await send('GET', `/api/datasets/${body(created)['id'] as string}`, undefined, null);
    expect(read.status).toBe(200);
    expect(body(read)).toMatchObject({ name: 'Banepa', aois: [], label_sets: [] });
  });

  it('refuses bad input with 400 naming the field', async () => {
    const cases: [Json, RegExp][] = [
      [{ imagery: imagery.server.tileTemplate }, /body field name/],
      [{ name: 'x', imagery: imagery.server.tileTemplate, zooms: [12] }, /body field zooms\.0/],
      [{ name: 'x', imagery: imagery.server.tileTemplate, chip_size: 100 }, /body field chip_size/],
      [
        { name: 'x', imagery: imagery.server.tileTemplate, label_offset: [5000, 0] },
        /body field label_offset\.0/,
      ],
      [{ name: 'x', imagery: imagery.server.tileTemplate, mask_kind: 'rainbow' }, /body field mask_kind/],
      [{ name: 'x', imagery: imagery.server.tileTemplate, colour: 'red' }, /colour/],
      [{ name: 'x', imagery: '/etc/passwd' }, /body field imagery/],
      [{ name: 'x', imagery: 'ftp://example.org/{z}/{x}/{y}.png' }, /body field imagery/],
      [{ name: 'x', imagery: `${imagery.server.url}/no-such.json` }, /body field imagery/],
    ];
    for (const [payload, expected] of cases) {
      const response = await send('POST', '/api/datasets', payload);
      expect(response.status, JSON.stringify(payload)).toBe(400);
      expect(message(response)).toMatch(expected);
    }
    expect((await send('GET', '/api/datasets?limit=0')).status).toBe(400);
    expect(message(await send('GET', '/api/datasets?page_token=garbage'))).toMatch(/page_token/);
  });

  it('lets only the owner or an admin change or delete a dataset', async () => {
    const id = await create();
    expect((await send('PATCH', `/api/datasets/${id}`, { name: 'y' }, null)).status).toBe(401);
    const stranger = await send('PATCH', `/api/datasets/${id}`, { name: 'y' }, other);
    expect(stranger.status).toBe(403);
    expect((stranger.body as ApiError).error.code).toBe('PERMISSION_DENIED');
    const patched = await send('PATCH', `/api/datasets/${id}`, {
      description: 'roofs',
      label_offset: [1.5, -2],
    });
    expect(body(patched)).toMatchObject({ name: 'ds', description: 'roofs', label_offset: [1.5, -2] });
    expect((await send('PATCH', `/api/datasets/${id}`, { name: 'by admin' }, admin)).status).toBe(200);
    expect((await send('DELETE', `/api/datasets/${id}`, undefined, other)).status).toBe(403);
    expect((await send('DELETE', `/api/datasets/${id}`)).status).toBe(204);
    expect((await send('GET', `/api/datasets/${id}`)).status).toBe(404);
    expect((await send('DELETE', `/api/datasets/${id}`)).status).toBe(404);
  });

  it('hides private datasets from others and anonymous readers', async () => {
    const id = await create({ private: true, name: 'secret-roofs' });
    expect((await send('GET', `/api/datasets/${id}`)).status).toBe(200);
    expect((await send('GET', `/api/datasets/${id}`, undefined, admin)).status).toBe(200);
    expect((await send('GET', `/api/datasets/${id}`, undefined, other)).status).toBe(404);
    expect((await send('GET', `/api/datasets/${id}/aois`, undefined, null)).status).toBe(404);
    const names = (r: JsonResponse): string[] => (body(r)['items'] as Json[]).map((d) => d['name'] as string);
    expect(names(await send('GET', '/api/datasets?name=secret', undefined, other))).toEqual([]);
    expect(names(await send('GET', '/api/datasets?name=secret'))).toEqual(['secret-roofs']);
  });

  it('pages through datasets newest first, filtered by owner', async () => {
    for (let i = 0; i < 5; i++) await create({ name: `paged-${i}` }, other);
    const seen: string[] = [];
    let token: string | null = null;
    do {
      const query: string = token === null ? '' : `&page_token=${encodeURIComponent(token)}`;
      const page = body(await send('GET', `/api/datasets?owner=${other.user.id}&limit=2${query}`));
      seen.push(...(page['items'] as Json[]).map((d) => d['name'] as string));
      token = page['next_page_token'] as string | null;
    } while (token !== null);
    expect(seen).toEqual(['paged-4', 'paged-3', 'paged-2', 'paged-1', 'paged-0']);
    const mine = body(await send('GET', '/api/datasets?owner=me&limit=200', undefined, other));
    expect((mine['items'] as Json[]).every((d) => d['owner_id'] === other.user.id)).toBe(true);
  });

  it('adds, lists and deletes AOIs, within the area limit of the dataset', async () => {
    const id = await create();
    const added = await send('POST', `/api/datasets/${id}/aois`, square(85.52, 27.63, 0.005));
    expect(added.status).toBe(201);
    expect(body(added)['area_km2']).toBeGreaterThan(0.2);
    const feature = await send('POST', `/api/datasets/${id}/aois`, {
      type: 'Feature',
      properties: {},
      geometry: square(85.53, 27.63, 0.005),
    });
    expect(feature.status).toBe(201);
    const tooBig = await send('POST', `/api/datasets/${id}/aois`, square(85, 27, 0.5));
    expect(tooBig.status).toBe(413);
    expect(message(tooBig)).toMatch(/over the limit of 2 km²/);
    const list = body(await send('GET', `/api/datasets/${id}/aois`, undefined, null));
    expect(list['items']).toHaveLength(2);
    const notPolygon = await send('POST', `/api/datasets/${id}/aois`, {
      type: 'Point',
      coordinates: [85, 27],
    });
    expect(notPolygon.status).toBe(400);
    expect(message(notPolygon)).toMatch(/body field type/);
    const bowtie = await send('POST', `/api/datasets/${id}/aois`, {
      type: 'Polygon',
      coordinates: [
        [
          [85.52, 27.63],
          [85.53, 27.64],
          [85.53, 27.63],
          [85.52, 27.64],
          [85.52, 27.63],
        ],
      ],
    });
    expect(bowtie.status).toBe(400);
    expect((await send('POST', `/api/datasets/${id}/aois`, square(85.52, 27.63, 0.001), other)).status).toBe(
      403,
    );
    const aoiId = body(added)['id'] as string;
    expect((await send('DELETE', `/api/datasets/${id}/aois/${aoiId}`)).status).toBe(204);
    expect((await send('DELETE', `/api/datasets/${id}/aois/${aoiId}`)).status).toBe(404);
  });

  it('stores uploaded labels as a label set, repairing what can be repaired and naming the bad feature', async () => {
    const id = await create();
    const clockwise = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { building: 'yes' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [85.52, 27.63],
                [85.52, 27.631],
                [85.521, 27.631],
                [85.521, 27.63],
              ],
            ],
          },
        },
        ...imagery.labels.features.slice(0, 3),
      ],
    };
    const uploaded = await call(`${t.url}/api/datasets/${id}/labels`, {
      method: 'POST',
      token: owner.token,
      headers: { 'content-type': 'application/geo+json' },
      body: JSON.stringify(clockwise),
    });
    expect(uploaded.status).toBe(201);
    expect(body(uploaded)).toMatchObject({ source: 'upload', features: 4 });
    expect(body(uploaded)['repairs']).toBeGreaterThan(0);
    expect((body(uploaded)['repair_notes'] as string[]).join(' ')).toMatch(/feature 0/);
    const setId = body(uploaded)['id'] as string;
    const stored = await send('GET', `/api/datasets/${id}/labels/${setId}`, undefined, null);
    expect(stored.headers.get('content-type')).toMatch(/application\/geo\+json/);
    expect((body(stored)['features'] as unknown[]).length).toBe(4);
    const bad = await send('POST', `/api/datasets/${id}/labels`, {
      type: 'FeatureCollection',
      features: [
        clockwise.features[1],
        { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [85, 27] } },
      ],
    });
    expect(bad.status).toBe(400);
    expect(message(bad)).toMatch(/feature 1/);
    expect((await send('GET', `/api/datasets/${id}/labels`)).body).toMatchObject({ items: [{ id: setId }] });
    expect((await send('DELETE', `/api/datasets/${id}/labels/${setId}`, undefined, other)).status).toBe(403);
    expect((await send('DELETE', `/api/datasets/${id}/labels/${setId}`)).status).toBe(204);
    expect((await send('GET', `/api/datasets/${id}/labels/${setId}`)).status).toBe(404);
  });

  it('refuses a label upload of a million vertices before parsing it (413)', async () => {
    const id = await create();
    const ring = Array.from({ length: 1_000_000 }, (_, i) => [85 + i * 1e-9, 27]);
    const huge = await call(`${t.url}/api/datasets/${id}/labels`, {
      method: 'POST',
      token: owner.token,
      body: { type: 'Polygon', coordinates: [ring] },
    });
    expect([413]).toContain(huge.status);
  });

  it('fetches OpenStreetMap buildings of the AOIs as a job, and reports a failing Overpass', async () => {
    const id = await create();
    const none = await send('POST', `/api/datasets/${id}/labels/osm`, {});
    expect(none.status).toBe(400);
    expect(message(none)).toMatch(/no AOI/);
    await send('POST', `/api/datasets/${id}/aois`, bboxPolygon(BANEPA));
    const started = await send('POST', `/api/datasets/${id}/labels/osm`, {});
    expect(started.status).toBe(202);
    expect(body(started)['status']).toBe('QUEUED');
    const jobId = body(started)['id'] as string;
    const done = await waitFor(async () => {
      const job = body(await send('GET', `/api/datasets/${id}/label-jobs/${jobId}`, undefined, null));
      return job['status'] === 'SUCCEEDED' || job['status'] === 'FAILED' ? job : undefined;
    });
    expect(done).toMatchObject({ status: 'SUCCEEDED', error: null });
    const sets = body(await send('GET', `/api/datasets/${id}/labels`))['items'] as Json[];
    expect(sets).toHaveLength(1);
    expect(sets[0]).toMatchObject({ id: done['label_set_id'], source: 'osm' });
    expect(sets[0]?.['features']).toBeGreaterThanOrEqual(4);
    overpass.status = 400;
    try {
      const failing = body(await send('POST', `/api/datasets/${id}/labels/osm`, {}));
      const failed = await waitFor(async () => {
        const job = body(await send('GET', `/api/datasets/${id}/label-jobs/${failing['id'] as string}`));
        return job['status'] === 'FAILED' ? job : undefined;
      });
      expect(failed['error']).toMatch(/400/);
    } finally {
      overpass.status = 200;
    }
    const jobs = body(await send('GET', `/api/datasets/${id}/label-jobs`))['items'] as Json[];
    expect(jobs.map((j) => j['status'])).toEqual(['FAILED', 'SUCCEEDED']);
    expect((await send('POST', `/api/datasets/${id}/labels/osm`, { aoi_id: 'nope' })).status).toBe(404);
    expect((await send('POST', `/api/datasets/${id}/labels/osm`, {}, other)).status).toBe(403);
  });

  it('answers unknown datasets, AOIs, label sets and jobs with 404', async () => {
    const id = await create();
    for (const path of [
      '/api/datasets/nope',
      '/api/datasets/nope/aois',
      '/api/datasets/nope/labels',
      `/api/datasets/${id}/labels/nope`,
      `/api/datasets/${id}/label-jobs/nope`,
    ])
      expect((await send('GET', path)).status, path).toBe(404);
    expect((await send('DELETE', `/api/datasets/${id}/aois/nope`)).status).toBe(404);
  });
});

describe('imagery on private addresses', () => {
  const [engine] = testDatabaseEngines();
  let t: TestServer;
  let owner: Person;

  beforeAll(async () => {
    if (engine === undefined) return;
    t = await startTestServer(engine);
    owner = await person(t, '31');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a loopback tile server unless the server allows private networks', async () => {
    for (const url of [
      imagery.server.tileTemplate,
      'http://localhost:9/{z}/{x}/{y}.png',
      'http://10.1.2.3/t.json',
    ]) {
      const refused = await call(`${t.url}/api/datasets`, {
        method: 'POST',
        token: owner.token,
        body: { name: 'x', imagery: url },
      });
      expect(refused.status, url).toBe(400);
      expect(message(refused)).toMatch(/body field imagery: host .* (loopback|private)/);
    }
  });
});
