import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../db/test-support/test-databases.ts';
import { failure } from '../shared/test-support/app-error-failure.ts';
import { encodePageToken } from './page-token.ts';
import { openTrackingFixture } from './test-support/tracking-fixture.ts';
import type { TrackingFixture } from './test-support/tracking-fixture.ts';

type RunJson = { info: { run_id: string; run_name: string } };

/** Five runs: name, start time, status, pixel_iou (absent for `e`, NaN for `d`), model param, team tag. */
const fixtures = [
  { name: 'a', start: 1_700_000_000_000, status: 'FINISHED', iou: 0.9, model: 'unet-s', team: 'alpha' },
  { name: 'b', start: 1_700_000_001_000, status: 'FAILED', iou: 0.4, model: 'unet-m', team: 'Beta' },
  { name: 'c', start: 1_700_000_002_000, status: 'FINISHED', iou: 0.7, model: 'unet-s', team: undefined },
  { name: 'd', start: 1_700_000_003_000, status: 'RUNNING', iou: 'NaN', model: 'unet-m', team: 'alpha' },
  {
    name: 'e',
    start: 1_700_000_004_000,
    status: 'FINISHED',
    iou: undefined,
    model: undefined,
    team: 'gamma',
  },
] as const;

describe.each(testDatabaseEngines())('MLflow searches on $name', (engine) => {
  let clock = 1_710_000_000_000;
  let f: TrackingFixture;
  let experimentId: string;
  let otherExperiment: string;
  const ids = new Map<string, string>();
  beforeAll(async () => {
    f = await openTrackingFixture(engine, () => clock);
    experimentId = (await f.call('POST', 'experiments/create', { name: 'search' }))[
      'experiment_id'
    ] as string;
    otherExperiment = (await f.call('POST', 'experiments/create', { name: 'other' }))[
      'experiment_id'
    ] as string;
    for (const r of fixtures) {
      const { run } = await f.call('POST', 'runs/create', {
        experiment_id: experimentId,
        run_name: r.name,
        start_time: r.start,
        tags: r.team === undefined ? [] : [{ key: 'team', value: r.team }],
      });
      const id = (run as RunJson).info.run_id;
      ids.set(r.name, id);
      await f.call('POST', 'runs/update', { run_id: id, status: r.status, end_time: r.start + 500 });
      await f.call('POST', 'runs/log-batch', {
        run_id: id,
        metrics: r.iou === undefined ? [] : [{ key: 'pixel_iou', value: r.iou, timestamp: r.start, step: 1 }],
        params: r.model === undefined ? [] : [{ key: 'model', value: r.model }],
      });
    }
    await f.call('POST', 'runs/create', { experiment_id: otherExperiment, run_name: 'elsewhere' });
  });
  afterAll(() => f.close());

  const names = async (body: Record<string, unknown>): Promise<string[]> => {
    const response = await f.call('POST', 'runs/search', { experiment_ids: [experimentId], ...body });
    return ((response['runs'] ?? []) as RunJson[]).map((r) => r.info.run_name);
  };

  it('orders by start time descending by default', async () => {
    expect(await names({})).toEqual(['e', 'd', 'c', 'b', 'a']);
  });

  it.each([
    ['metrics.pixel_iou > 0.5', ['c', 'a']],
    ['metrics.pixel_iou <= 0.7', ['c', 'b']],
    ['metrics.pixel_iou != 0.4', ['d', 'c', 'a']],
    ["params.model = 'unet-s'", ['c', 'a']],
    ["params.model != 'unet-s'", ['d', 'b']],
    ["params.model LIKE '%-m'", ['d', 'b']],
    ["tags.team = 'alpha'", ['d', 'a']],
    ["tags.team ILIKE 'b%'", ['b']],
    ["tags.team LIKE 'b%'", []],
    ["tags.`mlflow.runName` LIKE 'a%'", ['a']],
    ["attributes.status = 'FINISHED'", ['e', 'c', 'a']],
    ["status != 'FINISHED'", ['d', 'b']],
    ['attributes.start_time >= 1700000002000', ['e', 'd', 'c']],
    ['attributes.created < 1700000001000', ['a']],
    ['attributes.end_time > 1700000003000.5', ['e', 'd']],
    ["run_name = 'b'", ['b']],
    ["attributes.`Run name` IN ('a', 'c', 'zz')", ['c', 'a']],
    ["run_name NOT IN ('a', 'c')", ['e', 'd', 'b']],
    ["metrics.pixel_iou > 0.3 and params.model = 'unet-m' AND tags.team = 'Beta'", ['b']],
  ])('filters %s', async (filter, expected) => {
    expect(await names({ filter })).toEqual(expected);
  });

  it('filters by run id lists', async () => {
    const wanted = [ids.get('a'), ids.get('e')];
    expect(await names({ filter: `attributes.run_id IN ('${wanted.join("','")}')` })).toEqual(['e', 'a']);
  });

  it('treats values as data, never as SQL', async () => {
    expect(await names({ filter: "params.model = 'x'' OR ''1''=''1'" })).toEqual([]);
    expect(await names({ filter: "tags.`team'; DROP TABLE tracking_runs; --` = 'x'" })).toEqual([]);
    expect(await names({})).toHaveLength(5);
  });

  it.each([
    [['metrics.pixel_iou DESC'], ['a', 'c', 'b', 'd', 'e']],
    [['metrics.pixel_iou'], ['b', 'c', 'a', 'd', 'e']],
    [['params.model DESC'], ['c', 'a', 'd', 'b', 'e']],
    [
      ['params.model ASC', 'attributes.start_time ASC'],
      ['b', 'd', 'a', 'c', 'e'],
    ],
    [['tags.team'], ['b', 'd', 'a', 'e', 'c']],
    [['attributes.start_time'], ['a', 'b', 'c', 'd', 'e']],
    [
      ['attributes.status', 'run_name DESC'],
      ['b', 'e', 'c', 'a', 'd'],
    ],
  ])('orders by %j', async (orderBy, expected) => {
    expect(await names({ order_by: orderBy })).toEqual(expected);
  });

  it('pages with max_results and an opaque page_token', async () => {
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const response = await f.call('POST', 'runs/search', {
        experiment_ids: [experimentId],
        max_results: 2,
        order_by: ['attributes.start_time'],
        ...(token === undefined ? {} : { page_token: token }),
      });
      pages.push(((response['runs'] ?? []) as RunJson[]).map((r) => r.info.run_name));
      token = response['next_page_token'] as string | undefined;
    } while (token !== undefined);
    expect(pages).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(await names({ page_token: encodePageToken(4), max_results: 10 })).toEqual(['a']);
    expect(await names({ page_token: encodePageToken(50) })).toEqual([]);
  });

  it('searches several experiments, and none when given none', async () => {
    const both = await f.call('POST', 'runs/search', { experiment_ids: [experimentId, otherExperiment] });
    expect((both['runs'] as RunJson[]).map((r) => r.info.run_name)).toContain('elsewhere');
    expect(await f.call('POST', 'runs/search', { experiment_ids: [] })).toEqual({});
    expect(await f.call('POST', 'runs/search', { experiment_ids: ['no-such'] })).toEqual({});
  });

  it('follows run_view_type', async () => {
    const { run } = await f.call('POST', 'runs/create', { experiment_id: experimentId, run_name: 'gone' });
    await f.call('POST', 'runs/delete', { run_id: (run as RunJson).info.run_id });
    expect(await names({})).not.toContain('gone');
    expect(await names({ run_view_type: 'DELETED_ONLY' })).toEqual(['gone']);
    expect(await names({ run_view_type: 'ALL' })).toContain('gone');
    expect(await names({ run_view_type: 2 })).toEqual(['gone']);
  });

  it('refuses bad filters, order_by clauses, tokens and page sizes', async () => {
    const search = (body: Record<string, unknown>) =>
      failure(f.call('POST', 'runs/search', { experiment_ids: [experimentId], ...body }));
    expect(await search({ filter: 'metrics.x > ' })).toEqual({
      code: 'INVALID_PARAMETER_VALUE',
      message: "Invalid filter 'metrics.x > ': expected a number, found the end at character 13",
    });
    expect((await search({ order_by: ['metrics.x sideways'] })).message).toContain('Invalid order_by clause');
    expect(await search({ page_token: 'not a token' })).toEqual({
      code: 'INVALID_PARAMETER_VALUE',
      message: 'Invalid page token, could not base64-decode',
    });
    expect((await search({ max_results: 50_001 })).message).toBe(
      "Invalid value 50001 for parameter 'max_results' supplied. It must be at most 50000",
    );
    expect((await search({ max_results: 0 })).message).toContain('It must be a positive integer');
    expect((await search({ run_view_type: 'SOME' })).code).toBe('INVALID_PARAMETER_VALUE');
  });

  describe('experiments', () => {
    beforeAll(async () => {
      for (const [name, team] of [
        ['exp-x1', 'red'],
        ['exp-x2', 'blue'],
        ['exp-y1', undefined],
      ] as const) {
        clock += 1000;
        await f.call('POST', 'experiments/create', {
          name,
          ...(team === undefined ? {} : { tags: [{ key: 'team', value: team }] }),
        });
      }
    });

    const experimentNames = async (query: Record<string, unknown>, method: 'GET' | 'POST' = 'POST') => {
      const response = await f.call(method, 'experiments/search', query);
      return ((response['experiments'] ?? []) as { name: string }[]).map((e) => e.name);
    };

    it('lists active experiments, newest first, by POST and GET', async () => {
      expect(await experimentNames({})).toEqual(['exp-y1', 'exp-x2', 'exp-x1', 'other', 'search', 'Default']);
      expect(await experimentNames({ max_results: '2' }, 'GET')).toEqual(['exp-y1', 'exp-x2']);
    });

    it.each([
      ["name LIKE 'exp-x%'", ['exp-x2', 'exp-x1']],
      ["attributes.name = 'search'", ['search']],
      ["tags.team = 'red'", ['exp-x1']],
      ['tags.team IS NOT NULL', ['exp-x2', 'exp-x1']],
      ["tags.team IS NULL and name ILIKE 'EXP%'", ['exp-y1']],
      [`creation_time > ${1_710_000_001_500}`, ['exp-y1', 'exp-x2']],
    ])('filters %s', async (filter, expected) => {
      expect(await experimentNames({ filter })).toEqual(expected);
    });

    it('orders by name and pages with GET query parameters', async () => {
      const first = await f.call('GET', 'experiments/search', {
        filter: "name LIKE 'exp-%'",
        order_by: 'name DESC',
        max_results: '2',
      });
      expect((first['experiments'] as { name: string }[]).map((e) => e.name)).toEqual(['exp-y1', 'exp-x2']);
      const second = await f.call('GET', 'experiments/search', {
        filter: "name LIKE 'exp-%'",
        order_by: ['name DESC'],
        max_results: '2',
        page_token: first['next_page_token'] as string,
      });
      expect(second).toMatchObject({ experiments: [{ name: 'exp-x1' }] });
      expect(second).not.toHaveProperty('next_page_token');
    });

    it('follows view_type', async () => {
      const { experiment } = await f.call('GET', 'experiments/get-by-name', { experiment_name: 'exp-y1' });
      await f.call('POST', 'experiments/delete', {
        experiment_id: (experiment as { experiment_id: string }).experiment_id,
      });
      expect(await experimentNames({ view_type: 'DELETED_ONLY' })).toEqual(['exp-y1']);
      expect(await experimentNames({ view_type: 'ALL', filter: "name LIKE 'exp-%'" })).toHaveLength(3);
      expect(await experimentNames({ filter: "name LIKE 'exp-%'" })).toEqual(['exp-x2', 'exp-x1']);
    });

    it('refuses run-only syntax', async () => {
      expect(
        (await failure(f.call('POST', 'experiments/search', { filter: 'metrics.a > 1' }))).message,
      ).toContain("invalid entity type 'metrics'");
      expect(
        (await failure(f.call('POST', 'experiments/search', { order_by: ['tags.team'] }))).message,
      ).toContain('experiments cannot be ordered by tags');
    });
  });
});
