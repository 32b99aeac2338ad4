import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../db/test-support/test-databases.ts';
import { failure } from '../shared/test-support/app-error-failure.ts';
import type { JsonObject } from '../tracking/index.ts';
import { openRegistryFixture } from './test-support/registry-fixture.ts';
import type { RegistryFixture } from './test-support/registry-fixture.ts';

const names = (response: JsonObject): string[] =>
  ((response['registered_models'] ?? []) as { name: string }[]).map((m) => m.name);
const versions = (response: JsonObject): string[] =>
  ((response['model_versions'] ?? []) as { name: string; version: string }[]).map(
    (v) => `${v.name}/${v.version}`,
  );

describe.each(testDatabaseEngines())('registry searches on $name', (engine) => {
  let f: RegistryFixture;
  beforeAll(async () => {
    f = await openRegistryFixture(engine);
    const models: [string, Record<string, string>][] = [
      ['banepa-buildings', { region: 'asia', team: 'hot' }],
      ['Bukavu-buildings', { region: 'africa' }],
      ['kampala', { region: 'africa', team: "o'hara" }],
      ['zanzibar-roofs', {}],
    ];
    for (const [name, tags] of models) {
      f.clock.now += 1000;
      await f.service.createRegisteredModel({
        name,
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      });
    }
    for (const [name, run] of [
      ['kampala', 'run-a'],
      ['kampala', 'run-b'],
      ['banepa-buildings', 'run-a'],
      ['kampala', 'run-c'],
    ] as const) {
      f.clock.now += 1000;
      await f.service.createModelVersion({
        name,
        source: `s3://models/${name}/${run}/`,
        runId: run,
        tags: [{ key: 'run', value: run }],
      });
    }
  });
  afterAll(() => f.close());

  it('lists every model by name (bytewise) when there is no filter', async () => {
    expect(names(await f.call('GET', 'registered-models/search'))).toEqual([
      'Bukavu-buildings',
      'banepa-buildings',
      'kampala',
      'zanzibar-roofs',
    ]);
  });

  it('filters models by name with =, !=, LIKE and ILIKE', async () => {
    const search = async (filter: string) =>
      names(await f.call('GET', 'registered-models/search', { filter }));
    expect(await search("name = 'kampala'")).toEqual(['kampala']);
    expect(await search("name != 'kampala'")).toEqual([
      'Bukavu-buildings',
      'banepa-buildings',
      'zanzibar-roofs',
    ]);
    expect(await search("name LIKE '%ba%'")).toEqual(['banepa-buildings', 'zanzibar-roofs']);
    expect(await search("name ILIKE 'b%'")).toEqual(['Bukavu-buildings', 'banepa-buildings']);
  });

  it('filters models by tags, also AND-ed and with a quoted quote', async () => {
    const search = async (filter: string) =>
      names(await f.call('GET', 'registered-models/search', { filter }));
    expect(await search("tags.region = 'africa'")).toEqual(['Bukavu-buildings', 'kampala']);
    expect(await search("tags.region = 'africa' AND name LIKE 'k%'")).toEqual(['kampala']);
    expect(await search("tags.team = 'o''hara'")).toEqual(['kampala']);
    expect(await search("tags.missing = 'x'")).toEqual([]);
  });

  it('orders models by last_updated_timestamp and name, descending on request', async () => {
    const ordered = await f.call('GET', 'registered-models/search', {
      order_by: 'last_updated_timestamp DESC',
    });
    expect(names(ordered)).toEqual(['kampala', 'banepa-buildings', 'zanzibar-roofs', 'Bukavu-buildings']);
    const byName = await f.call('GET', 'registered-models/search', { order_by: ['name DESC'] });
    expect(names(byName)).toEqual(['zanzibar-roofs', 'kampala', 'banepa-buildings', 'Bukavu-buildings']);
  });

  it('pages models with max_results and page_token until the last page has no token', async () => {
    const first = await f.call('GET', 'registered-models/search', { max_results: '3' });
    expect(names(first)).toHaveLength(3);
    expect(first['next_page_token']).toEqual(expect.any(String));
    const second = await f.call('GET', 'registered-models/search', {
      max_results: '3',
      page_token: first['next_page_token'] as string,
    });
    expect(names(second)).toEqual(['zanzibar-roofs']);
    expect(second).not.toHaveProperty('next_page_token');
  });

  it('includes each model’s latest versions in search results', async () => {
    const found = await f.call('GET', 'registered-models/search', { filter: "name = 'kampala'" });
    expect(found['registered_models']).toMatchObject([
      { latest_versions: [{ version: '3', current_stage: 'None' }] },
    ]);
  });

  it('refuses a bad filter naming the position, a bad order_by, a bad token and too many results', async () => {
    const bad = await failure(f.call('GET', 'registered-models/search', { filter: 'name = kampala' }));
    expect(bad.code).toBe('INVALID_PARAMETER_VALUE');
    expect(bad.message).toMatch(/at character 8/);
    expect(
      (await failure(f.call('GET', 'registered-models/search', { filter: "run_id = 'x'" }))).message,
    ).toMatch(/invalid attribute key 'run_id'/);
    expect((await failure(f.call('GET', 'registered-models/search', { order_by: 'stars' }))).code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
    expect((await failure(f.call('GET', 'registered-models/search', { page_token: '%%%' }))).message).toMatch(
      /Invalid page token/,
    );
    expect((await failure(f.call('GET', 'registered-models/search', { max_results: '1001' }))).message).toBe(
      'Invalid value for request parameter max_results. It must be at most 1000, but got value 1001',
    );
  });

  it('finds versions by name, run_id (also IN), source_path, version_number and tags', async () => {
    const search = async (filter: string) =>
      versions(await f.call('GET', 'model-versions/search', { filter }));
    expect(await search("name = 'kampala'")).toEqual(['kampala/3', 'kampala/2', 'kampala/1']);
    expect(await search("run_id = 'run-a'")).toEqual(['banepa-buildings/1', 'kampala/1']);
    expect(await search("run_id IN ('run-b', 'run-c')")).toEqual(['kampala/3', 'kampala/2']);
    expect(await search("source_path LIKE 's3://models/banepa%'")).toEqual(['banepa-buildings/1']);
    expect(await search("name = 'kampala' AND version_number >= 2")).toEqual(['kampala/3', 'kampala/2']);
    expect(await search("tags.run = 'run-b'")).toEqual(['kampala/2']);
  });

  it('orders versions by version_number and pages them', async () => {
    const first = await f.call('GET', 'model-versions/search', {
      filter: "name = 'kampala'",
      order_by: 'version_number ASC',
      max_results: '2',
    });
    expect(versions(first)).toEqual(['kampala/1', 'kampala/2']);
    const rest = await f.call('GET', 'model-versions/search', {
      filter: "name = 'kampala'",
      order_by: 'version_number ASC',
      max_results: '2',
      page_token: first['next_page_token'] as string,
    });
    expect(versions(rest)).toEqual(['kampala/3']);
    expect(rest).not.toHaveProperty('next_page_token');
  });

  it('answers an empty search with {}', async () => {
    expect(await f.call('GET', 'model-versions/search', { filter: "name = 'none'" })).toEqual({});
  });
});
