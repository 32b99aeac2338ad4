import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../db/test-support/test-databases.ts';
import { failure } from '../shared/test-support/app-error-failure.ts';
import { openTrackingFixture } from './test-support/tracking-fixture.ts';
import type { TrackingFixture } from './test-support/tracking-fixture.ts';

type RunJson = {
  info: Record<string, unknown> & {
    run_id: string;
    run_name: string;
    experiment_id: string;
    user_id: string;
    lifecycle_stage: string;
  };
  data: { metrics?: unknown[]; params?: unknown[]; tags?: { key: string; value: string }[] };
  inputs: unknown;
};

let clock = 1_700_000_000_000;
const now = () => clock;

describe.each(testDatabaseEngines())('MLflow runs endpoints on $name', (engine) => {
  let f: TrackingFixture;
  let experimentId: string;
  beforeAll(async () => {
    f = await openTrackingFixture(engine, now);
    experimentId = (await f.call('POST', 'experiments/create', { name: 'runs' }))['experiment_id'] as string;
  });
  afterAll(() => f.close());

  const createRun = async (body: Record<string, unknown> = {}): Promise<RunJson> =>
    (await f.call('POST', 'runs/create', { experiment_id: experimentId, ...body }))['run'] as RunJson;
  const getRun = async (runId: string): Promise<RunJson> =>
    (await f.call('GET', 'runs/get', { run_id: runId }))['run'] as RunJson;

  it('creates a RUNNING run shaped as the protos, with the runName and user tags', async () => {
    clock += 1000;
    const run = await createRun({
      run_name: 'first',
      user_id: 'ana',
      start_time: 1_700_000_000_123,
      tags: [{ key: 'source', value: 'test' }],
    });
    const id = run.info.run_id;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(run).toEqual({
      info: {
        run_id: id,
        run_uuid: id,
        run_name: 'first',
        experiment_id: experimentId,
        user_id: 'ana',
        status: 'RUNNING',
        start_time: 1_700_000_000_123,
        artifact_uri: `${f.blobs.uriOf('tracking')}/${experimentId}/${id}/artifacts`,
        lifecycle_stage: 'active',
      },
      data: {
        tags: [
          { key: 'mlflow.runName', value: 'first' },
          { key: 'source', value: 'test' },
        ],
      },
      inputs: {},
    });
    expect(await getRun(id)).toEqual(run);
  });

  it('names a run from its mlflow.runName tag, or makes a name up, and defaults to experiment 0', async () => {
    expect((await createRun({ tags: [{ key: 'mlflow.runName', value: 'from-tag' }] })).info.run_name).toBe(
      'from-tag',
    );
    const generated = await createRun();
    expect(generated.info.run_name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
    expect(generated.data.tags).toEqual([{ key: 'mlflow.runName', value: generated.info.run_name }]);
    const inDefault = (await f.call('POST', 'runs/create', {}))['run'] as RunJson;
    expect(inDefault.info.experiment_id).toBe('0');
    expect(
      await failure(createRun({ run_name: 'a', tags: [{ key: 'mlflow.runName', value: 'b' }] })),
    ).toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining("run_name='a', mlflow.runName='b'"),
    });
    expect((await createRun({ tags: [{ key: 'mlflow.user', value: 'bo' }] })).info.user_id).toBe('bo');
  });

  it('updates status, end time and name; the name keeps the mlflow.runName tag in step', async () => {
    const run = await createRun({ run_name: 'before' });
    const response = await f.call('POST', 'runs/update', {
      run_id: run.info.run_id,
      status: 'FINISHED',
      end_time: 1_700_000_999_000,
      run_name: 'after',
    });
    expect(response).toEqual({
      run_info: { ...run.info, status: 'FINISHED', end_time: 1_700_000_999_000, run_name: 'after' },
    });
    expect((await getRun(run.info.run_id)).data.tags).toEqual([{ key: 'mlflow.runName', value: 'after' }]);
    await f.call('POST', 'runs/update', { run_uuid: run.info.run_id, status: 4 });
    expect((await getRun(run.info.run_id)).info).toMatchObject({ status: 'FAILED', run_name: 'after' });
    await f.call('POST', 'runs/set-tag', { run_id: run.info.run_id, key: 'mlflow.runName', value: 'by-tag' });
    expect((await getRun(run.info.run_id)).info.run_name).toBe('by-tag');
    expect(
      (await failure(f.call('POST', 'runs/update', { run_id: run.info.run_id, status: 'DONE' }))).message,
    ).toContain('Invalid value "DONE" for parameter \'status\' supplied');
  });

  it('soft-deletes and restores runs; a deleted run refuses logging', async () => {
    const run = await createRun();
    const id = run.info.run_id;
    expect(await f.call('POST', 'runs/delete', { run_id: id })).toEqual({});
    expect((await getRun(id)).info.lifecycle_stage).toBe('deleted');
    expect(await failure(f.call('POST', 'runs/log-parameter', { run_id: id, key: 'a', value: '1' }))).toEqual(
      {
        code: 'INVALID_PARAMETER_VALUE',
        message: `The run ${id} must be in the 'active' state. Current state is deleted.`,
      },
    );
    expect(await f.call('POST', 'runs/restore', { run_id: id })).toEqual({});
    expect((await getRun(id)).info.lifecycle_stage).toBe('active');
    expect(await f.call('POST', 'runs/log-parameter', { run_id: id, key: 'a', value: '1' })).toEqual({});
  });

  it('reports unknown runs and missing run ids as MLflow does', async () => {
    expect(await failure(f.call('GET', 'runs/get', { run_id: 'ffff' }))).toEqual({
      code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'Run with id=ffff not found',
    });
    for (const [method, path, body] of [
      ['GET', 'runs/get', {}],
      ['POST', 'runs/update', { status: 'FINISHED' }],
      ['POST', 'runs/delete', {}],
      ['POST', 'runs/log-metric', { key: 'k', value: 1, timestamp: 1 }],
      ['POST', 'runs/log-batch', {}],
      ['POST', 'runs/delete-tag', { key: 'k' }],
      ['GET', 'metrics/get-history', { metric_key: 'k' }],
      ['GET', 'artifacts/list', {}],
    ] as const) {
      expect((await failure(f.call(method, path, body))).message, `${method} ${path}`).toContain(
        "Missing value for required parameter 'run_id'",
      );
    }
  });

  it('logs metrics with their full history; the run shows the latest by step, then timestamp, then value', async () => {
    const id = (await createRun()).info.run_id;
    const log = (value: number | string, timestamp: number | string, step?: number | string) =>
      f.call('POST', 'runs/log-metric', {
        run_id: id,
        key: 'loss',
        value,
        timestamp,
        ...(step === undefined ? {} : { step }),
      });
    await log(0.9, 100, 0);
    await log(0.5, 300, 2);
    await log(0.7, 200, 1);
    await log(0.6, 50, 2);
    await log(0.4, 300, 2);
    await log('0.45', '300', '2');
    expect((await getRun(id)).data.metrics).toEqual([{ key: 'loss', value: 0.5, timestamp: 300, step: 2 }]);
    const history = await f.call('GET', 'metrics/get-history', { run_id: id, metric_key: 'loss' });
    expect(history).toEqual({
      metrics: [
        { key: 'loss', value: 0.9, timestamp: 100, step: 0 },
        { key: 'loss', value: 0.7, timestamp: 200, step: 1 },
        { key: 'loss', value: 0.6, timestamp: 50, step: 2 },
        { key: 'loss', value: 0.5, timestamp: 300, step: 2 },
        { key: 'loss', value: 0.4, timestamp: 300, step: 2 },
        { key: 'loss', value: 0.45, timestamp: 300, step: 2 },
      ],
    });
    await log(0.1, 10, 3);
    expect((await getRun(id)).data.metrics).toEqual([{ key: 'loss', value: 0.1, timestamp: 10, step: 3 }]);
    await log(7, 5);
    expect(await f.call('GET', 'metrics/get-history', { run_id: id, metric_key: 'absent' })).toEqual({});
  });

  it('pages a metric history with max_results and page_token', async () => {
    const id = (await createRun()).info.run_id;
    await f.call('POST', 'runs/log-batch', {
      run_id: id,
      metrics: [0, 1, 2, 3, 4].map((step) => ({ key: 'm', value: step / 10, timestamp: 1000 + step, step })),
    });
    const first = await f.call('GET', 'metrics/get-history', {
      run_id: id,
      metric_key: 'm',
      max_results: '2',
    });
    expect((first['metrics'] as { step: number }[]).map((m) => m.step)).toEqual([0, 1]);
    const second = await f.call('GET', 'metrics/get-history', {
      run_id: id,
      metric_key: 'm',
      max_results: '2',
      page_token: first['next_page_token'] as string,
    });
    expect((second['metrics'] as { step: number }[]).map((m) => m.step)).toEqual([2, 3]);
    const last = await f.call('GET', 'metrics/get-history', {
      run_id: id,
      metric_key: 'm',
      max_results: '2',
      page_token: second['next_page_token'] as string,
    });
    expect(last).toEqual({ metrics: [{ key: 'm', value: 0.4, timestamp: 1004, step: 4 }] });
  });

  it('keeps NaN as "NaN" and stores ±Infinity as ±1.7976931348623157e308, as MLflow does', async () => {
    const id = (await createRun()).info.run_id;
    await f.call('POST', 'runs/log-batch', {
      run_id: id,
      metrics: [
        { key: 'nan', value: 'NaN', timestamp: 1, step: 0 },
        { key: 'inf', value: 'Infinity', timestamp: 1, step: 0 },
        { key: 'ninf', value: '-Infinity', timestamp: 1, step: 0 },
      ],
    });
    expect((await getRun(id)).data.metrics).toEqual([
      { key: 'inf', value: 1.7976931348623157e308, timestamp: 1, step: 0 },
      { key: 'nan', value: 'NaN', timestamp: 1, step: 0 },
      { key: 'ninf', value: -1.7976931348623157e308, timestamp: 1, step: 0 },
    ]);
    await f.call('POST', 'runs/log-metric', { run_id: id, key: 'nan', value: 'NaN', timestamp: 1, step: 0 });
    expect(await f.call('GET', 'metrics/get-history', { run_id: id, metric_key: 'nan' })).toEqual({
      metrics: [{ key: 'nan', value: 'NaN', timestamp: 1, step: 0 }],
    });
    await f.call('POST', 'runs/log-metric', { run_id: id, key: 'nan', value: -3, timestamp: 1, step: 0 });
    expect((await getRun(id)).data.metrics).toContainEqual({
      key: 'nan',
      value: 'NaN',
      timestamp: 1,
      step: 0,
    });
  });

  it('never changes a param: the same value is a no-op, another value is refused naming both', async () => {
    const id = (await createRun()).info.run_id;
    await f.call('POST', 'runs/log-parameter', { run_id: id, key: 'lr', value: '0.001' });
    await f.call('POST', 'runs/log-parameter', { run_uuid: id, key: 'lr', value: '0.001' });
    expect(
      await failure(f.call('POST', 'runs/log-parameter', { run_id: id, key: 'lr', value: '0.01' })),
    ).toEqual({
      code: 'INVALID_PARAMETER_VALUE',
      message:
        "Changing param values is not allowed. Param with key='lr' was already logged with value='0.001' for " +
        `run ID='${id}'. Attempted logging new value '0.01'.`,
    });
    const batch = f.call('POST', 'runs/log-batch', {
      run_id: id,
      params: [
        { key: 'epochs', value: '5' },
        { key: 'lr', value: '0.1' },
      ],
      metrics: [{ key: 'loss', value: 1, timestamp: 1 }],
    });
    expect((await failure(batch)).message).toContain("Param with key='lr'");
    expect((await getRun(id)).data).toEqual({
      params: [{ key: 'lr', value: '0.001' }],
      tags: expect.any(Array),
    });
  });

  it('logs a batch of metrics, params and tags; the last value of a repeated tag wins', async () => {
    const id = (await createRun()).info.run_id;
    expect(
      await f.call('POST', 'runs/log-batch', {
        run_id: id,
        metrics: [
          { key: 'acc', value: 0.5, timestamp: 10, step: 1 },
          { key: 'acc', value: 0.6, timestamp: 20, step: 2 },
        ],
        params: [{ key: 'model', value: 'unet-s' }],
        tags: [
          { key: 't', value: 'one' },
          { key: 't', value: 'two' },
        ],
      }),
    ).toEqual({});
    const run = await getRun(id);
    expect(run.data.metrics).toEqual([{ key: 'acc', value: 0.6, timestamp: 20, step: 2 }]);
    expect(run.data.params).toEqual([{ key: 'model', value: 'unet-s' }]);
    expect(run.data.tags).toContainEqual({ key: 't', value: 'two' });
  });

  it.each([
    ['metrics', 1001, 1000],
    ['params', 101, 100],
    ['tags', 101, 100],
  ] as const)('refuses a batch of %s above MLflow limits', async (kind, count, limit) => {
    const id = (await createRun()).info.run_id;
    const entries = Array.from({ length: count }, (_, i) =>
      kind === 'metrics' ? { key: `m${i}`, value: i, timestamp: 1 } : { key: `k${i}`, value: 'v' },
    );
    expect(await failure(f.call('POST', 'runs/log-batch', { run_id: id, [kind]: entries }))).toEqual({
      code: 'INVALID_PARAMETER_VALUE',
      message:
        `A batch logging request can contain at most ${limit} ${kind}. Got ${count} ${kind}. ` +
        `Please split up ${kind} across multiple requests and try again.`,
    });
  });

  it('refuses more than 1000 entries in total, long keys and values, bad names and duplicate param keys', async () => {
    const id = (await createRun()).info.run_id;
    const many = {
      run_id: id,
      metrics: Array.from({ length: 950 }, (_, i) => ({ key: `m${i}`, value: 1, timestamp: 1 })),
      params: Array.from({ length: 50 }, (_, i) => ({ key: `p${i}`, value: 'v' })),
      tags: [{ key: 't', value: 'v' }],
    };
    expect((await failure(f.call('POST', 'runs/log-batch', many))).message).toBe(
      'A batch logging request can contain at most 1000 metrics, params, and tags. Got 1001 metrics, params, and ' +
        'tags. Please split up metrics, params, and tags across multiple requests and try again.',
    );
    const longKey = 'k'.repeat(251);
    expect(
      (await failure(f.call('POST', 'runs/log-parameter', { run_id: id, key: longKey, value: 'v' }))).message,
    ).toBe(`Param key '${'k'.repeat(250)}' had length 251, which exceeded length limit of 250`);
    expect(
      (await failure(f.call('POST', 'runs/log-parameter', { run_id: id, key: 'p', value: 'v'.repeat(6001) })))
        .message,
    ).toContain('had length 6001, which exceeded length limit of 6000');
    expect(
      (await failure(f.call('POST', 'runs/set-tag', { run_id: id, key: 't', value: 'v'.repeat(5001) })))
        .message,
    ).toContain('had length 5001, which exceeded length limit of 5000');
    expect(
      (await failure(f.call('POST', 'runs/log-metric', { run_id: id, key: 'a*b', value: 1, timestamp: 1 })))
        .message,
    ).toBe(
      "Invalid metric name: 'a*b'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).",
    );
    expect(
      (
        await failure(
          f.call('POST', 'runs/log-metric', { run_id: id, key: 'a/../b', value: 1, timestamp: 1 }),
        )
      ).message,
    ).toContain("This name would resolve to 'b'");
    expect(
      (await failure(f.call('POST', 'runs/log-metric', { run_id: id, key: 'a', value: 1, timestamp: -1 })))
        .message,
    ).toContain('Got invalid timestamp -1');
    expect(
      (await failure(f.call('POST', 'runs/log-metric', { run_id: id, key: 'a', value: true, timestamp: 1 })))
        .message,
    ).toContain("Invalid value true for parameter 'value' supplied");
    expect(
      (
        await failure(
          f.call('POST', 'runs/log-metric', { run_id: id, key: 'a', value: 1, timestamp: 1, step: 1.5 }),
        )
      ).message,
    ).toContain("for parameter 'step' supplied");
    expect(
      (await failure(f.call('POST', 'runs/log-metric', { run_id: id, key: 'a', value: 1 }))).message,
    ).toContain("Missing value for required parameter 'timestamp'");
    expect(
      (
        await failure(
          f.call('POST', 'runs/log-batch', {
            run_id: id,
            params: [
              { key: 'a', value: '1' },
              { key: 'a', value: '1' },
            ],
          }),
        )
      ).message,
    ).toContain("Duplicate parameter keys have been submitted: ['a']");
    expect(
      (
        await failure(
          f.call('POST', 'runs/log-batch', { run_id: id, metrics: [{ key: 'a', value: 'x', timestamp: 1 }] }),
        )
      ).message,
    ).toContain("for parameter 'metrics.0.value' supplied");
  });

  it('sets and deletes run tags', async () => {
    const id = (await createRun({ run_name: 'tags' })).info.run_id;
    await f.call('POST', 'runs/set-tag', { run_id: id, key: 'k', value: 'v1' });
    await f.call('POST', 'runs/set-tag', { run_uuid: id, key: 'k', value: 'v2' });
    expect((await getRun(id)).data.tags).toEqual([
      { key: 'k', value: 'v2' },
      { key: 'mlflow.runName', value: 'tags' },
    ]);
    expect(await f.call('POST', 'runs/delete-tag', { run_id: id, key: 'k' })).toEqual({});
    expect((await getRun(id)).data.tags).toEqual([{ key: 'mlflow.runName', value: 'tags' }]);
    expect(await failure(f.call('POST', 'runs/delete-tag', { run_id: id, key: 'k' }))).toEqual({
      code: 'RESOURCE_DOES_NOT_EXIST',
      message: `No tag with name: k in run with id ${id}`,
    });
  });
});
