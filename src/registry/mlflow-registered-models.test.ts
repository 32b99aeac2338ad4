import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../db/test-support/test-databases.ts';
import { failure } from '../shared/test-support/app-error-failure.ts';
import { mlflowErrorResponse } from '../tracking/index.ts';
import { registryEndpoints } from './mlflow-registry-api.ts';
import { openRegistryFixture } from './test-support/registry-fixture.ts';
import type { RegistryFixture } from './test-support/registry-fixture.ts';

describe.each(testDatabaseEngines())('MLflow registered-models endpoints on $name', (engine) => {
  let f: RegistryFixture;
  beforeAll(async () => {
    f = await openRegistryFixture(engine);
  });
  afterAll(() => f.close());

  it('serves every registry endpoint of model_registry.proto under /api/2.0/mlflow', () => {
    expect(registryEndpoints(f.service).map((e) => `${e.method} ${e.path}`)).toEqual(
      [
        'POST registered-models/create',
        'POST registered-models/rename',
        'PATCH registered-models/update',
        'DELETE registered-models/delete',
        'GET registered-models/get',
        'GET registered-models/search',
        'POST registered-models/get-latest-versions',
        'GET registered-models/get-latest-versions',
        'POST registered-models/set-tag',
        'DELETE registered-models/delete-tag',
        'POST registered-models/alias',
        'DELETE registered-models/alias',
        'GET registered-models/alias',
        'POST model-versions/create',
        'PATCH model-versions/update',
        'POST model-versions/transition-stage',
        'DELETE model-versions/delete',
        'GET model-versions/get',
        'GET model-versions/search',
        'GET model-versions/get-download-uri',
        'POST model-versions/set-tag',
        'DELETE model-versions/delete-tag',
      ].map((e) => e.replace(' ', ' /api/2.0/mlflow/')),
    );
  });

  it('creates a registered model with tags and description and reads it back as the proto JSON', async () => {
    const created = await f.call('POST', 'registered-models/create', {
      name: 'banepa-buildings',
      tags: [{ key: 'team', value: 'hot' }],
      description: 'finetuned on Banepa',
    });
    const expected = {
      name: 'banepa-buildings',
      creation_timestamp: f.clock.now,
      last_updated_timestamp: f.clock.now,
      description: 'finetuned on Banepa',
      tags: [{ key: 'team', value: 'hot' }],
    };
    expect(created).toEqual({ registered_model: expected });
    expect(await f.call('GET', 'registered-models/get', { name: 'banepa-buildings' })).toEqual({
      registered_model: expected,
    });
  });

  it('leaves out unset and empty fields of a bare model', async () => {
    const { registered_model: model } = await f.call('POST', 'registered-models/create', { name: 'bare' });
    expect(model).toEqual({
      name: 'bare',
      creation_timestamp: f.clock.now,
      last_updated_timestamp: f.clock.now,
    });
  });

  it('refuses a taken name with RESOURCE_ALREADY_EXISTS (400)', async () => {
    const error = await failure(f.call('POST', 'registered-models/create', { name: 'banepa-buildings' }));
    expect(error).toEqual({
      code: 'RESOURCE_ALREADY_EXISTS',
      message: 'Registered Model (name=banepa-buildings) already exists.',
    });
  });

  it('answers an unknown model with RESOURCE_DOES_NOT_EXIST and the MLflow error body (404)', async () => {
    const error = await f.call('GET', 'registered-models/get', { name: 'nope' }).catch((e: unknown) => e);
    expect(mlflowErrorResponse(error)).toEqual({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered Model with name=nope not found' },
    });
  });

  it('refuses a request without its required name with INVALID_PARAMETER_VALUE in MLflow words', async () => {
    const error = await failure(f.call('POST', 'registered-models/create', { description: 'x' }));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toMatch(/^Missing value for required parameter 'name'/);
    expect((await failure(f.call('POST', 'registered-models/create', { name: '' }))).message).toMatch(
      /required parameter 'name'/,
    );
  });

  it('refuses a wrongly typed field naming it', async () => {
    const error = await failure(
      f.call('POST', 'registered-models/create', { name: 'typed', tags: [{ key: 'a', value: 3 }] }),
    );
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toMatch(/parameter 'tags\.0\.value'/);
  });

  it('refuses a name with a slash', async () => {
    const error = await failure(f.call('POST', 'registered-models/create', { name: 'a/b' }));
    expect(error).toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringMatching(/'a\/b'/),
    });
  });

  it('updates the description with PATCH and moves last_updated_timestamp', async () => {
    f.clock.now += 1000;
    const { registered_model: model } = await f.call('PATCH', 'registered-models/update', {
      name: 'banepa-buildings',
      description: 'second take',
    });
    expect(model).toMatchObject({ description: 'second take', last_updated_timestamp: f.clock.now });
    expect((model as { creation_timestamp: number }).creation_timestamp).toBeLessThan(f.clock.now);
  });

  it('sets, replaces and deletes model tags (DELETE with a JSON body)', async () => {
    await f.call('POST', 'registered-models/set-tag', { name: 'bare', key: 'k', value: 'v1' });
    await f.call('POST', 'registered-models/set-tag', { name: 'bare', key: 'k', value: 'v2' });
    await f.call('POST', 'registered-models/set-tag', { name: 'bare', key: 'empty', value: '' });
    let model = (await f.call('GET', 'registered-models/get', { name: 'bare' }))['registered_model'];
    expect(model).toMatchObject({
      tags: [
        { key: 'empty', value: '' },
        { key: 'k', value: 'v2' },
      ],
    });
    expect(await f.call('DELETE', 'registered-models/delete-tag', { name: 'bare', key: 'k' })).toEqual({});
    model = (await f.call('GET', 'registered-models/get', { name: 'bare' }))['registered_model'];
    expect(model).toMatchObject({ tags: [{ key: 'empty', value: '' }] });
    expect(
      (await failure(f.call('POST', 'registered-models/set-tag', { name: 'nope', key: 'k', value: 'v' })))
        .code,
    ).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('renames a model: its versions follow and the old name is gone', async () => {
    await f.call('POST', 'registered-models/create', { name: 'old-name' });
    await f.call('POST', 'model-versions/create', { name: 'old-name', source: 's3://b/m/1/' });
    const { registered_model: renamed } = await f.call('POST', 'registered-models/rename', {
      name: 'old-name',
      new_name: 'new-name',
    });
    expect(renamed).toMatchObject({
      name: 'new-name',
      latest_versions: [{ name: 'new-name', version: '1' }],
    });
    const { model_version: version } = await f.call('GET', 'model-versions/get', {
      name: 'new-name',
      version: '1',
    });
    expect(version).toMatchObject({ name: 'new-name', source: 's3://b/m/1/' });
    expect((await failure(f.call('GET', 'registered-models/get', { name: 'old-name' }))).code).toBe(
      'RESOURCE_DOES_NOT_EXIST',
    );
  });

  it('refuses a rename onto a taken name and of an unknown model', async () => {
    expect(
      await failure(f.call('POST', 'registered-models/rename', { name: 'new-name', new_name: 'bare' })),
    ).toEqual({ code: 'RESOURCE_ALREADY_EXISTS', message: 'Registered Model (name=bare) already exists.' });
    expect(
      (await failure(f.call('POST', 'registered-models/rename', { name: 'ghost', new_name: 'x' }))).code,
    ).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('deletes a model with its versions (a DELETE without a body reads the query)', async () => {
    await f.call('POST', 'registered-models/create', { name: 'doomed' });
    await f.call('POST', 'model-versions/create', { name: 'doomed', source: 'file:///m/1' });
    const endpoint = registryEndpoints(f.service).find(
      (e) => e.method === 'DELETE' && e.path.endsWith('registered-models/delete'),
    );
    expect(await endpoint?.handle({ query: { name: 'doomed' } })).toEqual({});
    expect((await failure(f.call('GET', 'model-versions/get', { name: 'doomed', version: '1' }))).code).toBe(
      'RESOURCE_DOES_NOT_EXIST',
    );
    expect((await failure(f.call('DELETE', 'registered-models/delete', { name: 'doomed' }))).code).toBe(
      'RESOURCE_DOES_NOT_EXIST',
    );
  });

  it('gives the latest version per stage, optionally for some stages (GET repeats stages, POST lists them)', async () => {
    await f.call('POST', 'registered-models/create', { name: 'staged' });
    for (const n of [1, 2, 3])
      await f.call('POST', 'model-versions/create', { name: 'staged', source: `file:///m/${n}` });
    await f.call('POST', 'model-versions/transition-stage', {
      name: 'staged',
      version: '1',
      stage: 'staging',
      archive_existing_versions: false,
    });
    const all = await f.call('GET', 'registered-models/get-latest-versions', { name: 'staged' });
    expect(
      (all['model_versions'] as { version: string; current_stage: string }[]).map((v) => [
        v.current_stage,
        v.version,
      ]),
    ).toEqual([
      ['None', '3'],
      ['Staging', '1'],
    ]);
    const staging = await f.call('POST', 'registered-models/get-latest-versions', {
      name: 'staged',
      stages: ['Staging'],
    });
    expect(staging).toMatchObject({ model_versions: [{ version: '1', current_stage: 'Staging' }] });
    const viaQuery = await f.call('GET', 'registered-models/get-latest-versions', {
      name: 'staged',
      stages: 'Production',
    });
    expect(viaQuery).toEqual({});
    const bad = await failure(
      f.call('GET', 'registered-models/get-latest-versions', { name: 'staged', stages: 'Live' }),
    );
    expect(bad).toEqual({
      code: 'INVALID_PARAMETER_VALUE',
      message: 'Invalid Model Version stage: Live. Value must be one of None, Staging, Production, Archived.',
    });
  });

  it('hides a private model from others, shows it to its owner and admins, and lets only the owner change it', async () => {
    await f.service.createRegisteredModel({ name: 'secret', private: true, viewer: { userId: 'alice' } });
    const bob = { userId: 'bob' };
    expect((await failure(f.call('GET', 'registered-models/get', { name: 'secret' }, bob))).code).toBe(
      'RESOURCE_DOES_NOT_EXIST',
    );
    expect(
      await f.call('GET', 'registered-models/get', { name: 'secret' }, { userId: 'alice' }),
    ).toMatchObject({
      registered_model: { name: 'secret' },
    });
    expect(
      await f.call('GET', 'registered-models/get', { name: 'secret' }, { userId: 'root', admin: true }),
    ).toMatchObject({ registered_model: { name: 'secret' } });
    const search = await f.call('GET', 'registered-models/search', { filter: "name = 'secret'" }, bob);
    expect(search).toEqual({});
    await f.service.createRegisteredModel({ name: 'public-alice', viewer: { userId: 'alice' } });
    expect(
      await failure(
        f.call('POST', 'registered-models/set-tag', { name: 'public-alice', key: 'k', value: 'v' }, bob),
      ),
    ).toMatchObject({ code: 'PERMISSION_DENIED' });
  });
});
