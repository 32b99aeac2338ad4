import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../db/test-support/test-databases.ts';
import { failure } from '../shared/test-support/app-error-failure.ts';
import { mlflowEndpoints } from './mlflow-endpoints.ts';
import { mlflowErrorResponse } from './mlflow-json.ts';
import { createTrackingService } from './service.ts';
import { openSqlTrackingStore } from './store.sql.ts';
import { openTrackingFixture } from './test-support/tracking-fixture.ts';
import type { TrackingFixture } from './test-support/tracking-fixture.ts';

let clock = 1_700_000_000_000;
const now = () => clock;

describe.each(testDatabaseEngines())('MLflow experiments endpoints on $name', (engine) => {
  let f: TrackingFixture;
  beforeAll(async () => {
    f = await openTrackingFixture(engine, now);
  });
  afterAll(() => f.close());

  it('serves every tracking endpoint of the protos under /api/2.0/mlflow', () => {
    const table = mlflowEndpoints(f.service).map((e) => `${e.method} ${e.path}`);
    expect(table).toEqual(
      [
        'POST experiments/create',
        'GET experiments/get',
        'GET experiments/get-by-name',
        'POST experiments/search',
        'GET experiments/search',
        'GET experiments/list',
        'POST experiments/update',
        'POST experiments/delete',
        'POST experiments/restore',
        'POST experiments/set-experiment-tag',
        'POST experiments/delete-experiment-tag',
        'POST runs/create',
        'GET runs/get',
        'POST runs/update',
        'POST runs/delete',
        'POST runs/restore',
        'POST runs/search',
        'POST runs/log-metric',
        'POST runs/log-parameter',
        'POST runs/log-batch',
        'POST runs/set-tag',
        'POST runs/delete-tag',
        'GET metrics/get-history',
        'GET artifacts/list',
      ].map((e) => e.replace(' ', ' /api/2.0/mlflow/')),
    );
  });

  it('reopens an existing database without a second Default experiment', async () => {
    const again = await createTrackingService({ store: await openSqlTrackingStore(f.db), blobs: f.blobs });
    const all = await again.searchExperiments({ filter: "name = 'Default'", viewType: 'ALL' });
    expect(all.items.map((e) => e.experiment_id)).toEqual(['0']);
  });

  it('has the Default experiment with id "0"', async () => {
    const { experiment } = await f.call('GET', 'experiments/get', { experiment_id: '0' });
    expect(experiment).toMatchObject({
      experiment_id: '0',
      name: 'Default',
      lifecycle_stage: 'active',
      artifact_location: `${f.blobs.uriOf('tracking')}/0`,
    });
  });

  it('creates an experiment with tags and reads it back by id and by name', async () => {
    clock += 1000;
    const created = await f.call('POST', 'experiments/create', {
      name: 'buildings',
      tags: [{ key: 'team', value: 'hot' }],
    });
    expect(created).toEqual({ experiment_id: expect.stringMatching(/^[1-9]\d*$/) });
    const id = created['experiment_id'] as string;
    const byId = await f.call('GET', 'experiments/get', { experiment_id: id });
    expect(byId).toEqual({
      experiment: {
        experiment_id: id,
        name: 'buildings',
        artifact_location: `${f.blobs.uriOf('tracking')}/${id}`,
        lifecycle_stage: 'active',
        last_update_time: clock,
        creation_time: clock,
        tags: [{ key: 'team', value: 'hot' }],
      },
    });
    expect(await f.call('GET', 'experiments/get-by-name', { experiment_name: 'buildings' })).toEqual(byId);
  });

  it('leaves out tags when an experiment has none', async () => {
    const { experiment_id } = await f.call('POST', 'experiments/create', { name: 'no-tags' });
    const { experiment } = await f.call('GET', 'experiments/get', { experiment_id: experiment_id as string });
    expect(experiment).not.toHaveProperty('tags');
  });

  it('refuses a taken name with RESOURCE_ALREADY_EXISTS (HTTP 400)', async () => {
    await f.call('POST', 'experiments/create', { name: 'twice' });
    const error = await failure(f.call('POST', 'experiments/create', { name: 'twice' }));
    expect(error).toEqual({
      code: 'RESOURCE_ALREADY_EXISTS',
      message: 'Experiment(name=twice) already exists.',
    });
    const rendered = mlflowErrorResponse(
      await f.call('POST', 'experiments/create', { name: 'twice' }).catch((e: unknown) => e),
    );
    expect(rendered).toEqual({
      status: 400,
      body: { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'Experiment(name=twice) already exists.' },
    });
  });

  it('reports missing experiments with RESOURCE_DOES_NOT_EXIST (HTTP 404)', async () => {
    const error = await f
      .call('GET', 'experiments/get', { experiment_id: '999999' })
      .catch((e: unknown) => e);
    expect(mlflowErrorResponse(error)).toEqual({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No Experiment with id=999999 exists' },
    });
    expect(await failure(f.call('GET', 'experiments/get', { experiment_id: 'abc' }))).toMatchObject({
      code: 'RESOURCE_DOES_NOT_EXIST',
    });
    expect(await failure(f.call('GET', 'experiments/get-by-name', { experiment_name: 'nope' }))).toEqual({
      code: 'RESOURCE_DOES_NOT_EXIST',
      message: "Could not find experiment with name 'nope'",
    });
  });

  it('requires the fields the protos require, with MLflow messages', async () => {
    expect(await failure(f.call('POST', 'experiments/create', {}))).toEqual({
      code: 'INVALID_PARAMETER_VALUE',
      message:
        "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
    });
    expect((await failure(f.call('GET', 'experiments/get', {}))).message).toContain(
      "Missing value for required parameter 'experiment_id'",
    );
    expect((await failure(f.call('POST', 'experiments/create', { name: 5 }))).message).toBe(
      "Invalid value 5 for parameter 'name' supplied. Hint: Value was of type 'number'. See the API docs for more information about request parameters.",
    );
    expect((await failure(f.call('POST', 'experiments/create', { name: '' }))).message).toBe(
      "Invalid experiment name: ''",
    );
    expect((await failure(f.call('POST', 'experiments/create', { name: 'x'.repeat(501) }))).message).toBe(
      'Experiment name exceeds the maximum length of 500 characters',
    );
  });

  it('refuses an artifact location outside the tracking artifact root', async () => {
    const error = await failure(
      f.call('POST', 'experiments/create', { name: 'elsewhere', artifact_location: 's3://other/bucket' }),
    );
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain('s3://other/bucket is outside the tracking artifact root');
    const inside = `${f.blobs.uriOf('tracking')}/custom-place`;
    const { experiment_id } = await f.call('POST', 'experiments/create', {
      name: 'inside',
      artifact_location: inside,
    });
    const { experiment } = await f.call('GET', 'experiments/get', { experiment_id: experiment_id as string });
    expect(experiment).toMatchObject({ artifact_location: inside });
  });

  it('renames with update, keeping names unique', async () => {
    const { experiment_id: id } = await f.call('POST', 'experiments/create', { name: 'old-name' });
    await f.call('POST', 'experiments/create', { name: 'taken-name' });
    clock += 1000;
    expect(await f.call('POST', 'experiments/update', { experiment_id: id, new_name: 'new-name' })).toEqual(
      {},
    );
    const { experiment } = await f.call('GET', 'experiments/get', { experiment_id: id as string });
    expect(experiment).toMatchObject({ name: 'new-name', last_update_time: clock });
    expect(
      (await failure(f.call('POST', 'experiments/update', { experiment_id: id, new_name: 'taken-name' })))
        .code,
    ).toBe('RESOURCE_ALREADY_EXISTS');
  });

  it('soft-deletes and restores an experiment together with its runs', async () => {
    const { experiment_id: id } = await f.call('POST', 'experiments/create', { name: 'to-delete' });
    const { run } = await f.call('POST', 'runs/create', { experiment_id: id });
    const runId = (run as { info: { run_id: string } }).info.run_id;
    expect(await f.call('POST', 'experiments/delete', { experiment_id: id })).toEqual({});
    const deleted = await f.call('GET', 'experiments/get', { experiment_id: id as string });
    expect(deleted['experiment']).toMatchObject({ lifecycle_stage: 'deleted' });
    expect((await f.call('GET', 'runs/get', { run_id: runId }))['run']).toMatchObject({
      info: { lifecycle_stage: 'deleted' },
    });
    expect(await failure(f.call('POST', 'runs/create', { experiment_id: id }))).toEqual({
      code: 'INVALID_PARAMETER_VALUE',
      message: `The experiment ${id as string} must be in the 'active' state. Current state is deleted.`,
    });
    expect((await failure(f.call('POST', 'experiments/delete', { experiment_id: id }))).code).toBe(
      'RESOURCE_DOES_NOT_EXIST',
    );
    expect(
      (await failure(f.call('POST', 'experiments/update', { experiment_id: id, new_name: 'z' }))).message,
    ).toBe('Cannot rename a non-active experiment.');
    expect(await f.call('POST', 'experiments/restore', { experiment_id: id })).toEqual({});
    expect(
      (await f.call('GET', 'experiments/get', { experiment_id: id as string }))['experiment'],
    ).toMatchObject({
      lifecycle_stage: 'active',
    });
    expect((await f.call('GET', 'runs/get', { run_id: runId }))['run']).toMatchObject({
      info: { lifecycle_stage: 'active' },
    });
    expect((await failure(f.call('POST', 'experiments/restore', { experiment_id: id }))).code).toBe(
      'RESOURCE_DOES_NOT_EXIST',
    );
  });

  it('sets, replaces and deletes experiment tags', async () => {
    const { experiment_id: id } = await f.call('POST', 'experiments/create', { name: 'tagged' });
    await f.call('POST', 'experiments/set-experiment-tag', { experiment_id: id, key: 'a', value: '1' });
    await f.call('POST', 'experiments/set-experiment-tag', { experiment_id: id, key: 'a', value: '2' });
    await f.call('POST', 'experiments/set-experiment-tag', { experiment_id: id, key: 'b', value: '' });
    const read = async () =>
      (
        (await f.call('GET', 'experiments/get', { experiment_id: id as string }))['experiment'] as {
          tags?: unknown;
        }
      ).tags;
    expect(await read()).toEqual([
      { key: 'a', value: '2' },
      { key: 'b', value: '' },
    ]);
    await f.call('POST', 'experiments/delete-experiment-tag', { experiment_id: id, key: 'a' });
    expect(await read()).toEqual([{ key: 'b', value: '' }]);
    expect(
      await failure(f.call('POST', 'experiments/delete-experiment-tag', { experiment_id: id, key: 'a' })),
    ).toEqual({
      code: 'RESOURCE_DOES_NOT_EXIST',
      message: `No tag with name: a in experiment with id ${id as string}`,
    });
    expect(
      (
        await failure(
          f.call('POST', 'experiments/set-experiment-tag', { experiment_id: id, key: '../x', value: '1' }),
        )
      ).message,
    ).toContain("Invalid tag name: '../x'");
  });
});
