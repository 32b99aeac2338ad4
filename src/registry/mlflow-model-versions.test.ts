import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../db/test-support/test-databases.ts';
import { failure } from '../shared/test-support/app-error-failure.ts';
import { openRegistryFixture } from './test-support/registry-fixture.ts';
import type { RegistryFixture } from './test-support/registry-fixture.ts';

describe.each(testDatabaseEngines())('MLflow model-versions endpoints on $name', (engine) => {
  let f: RegistryFixture;
  beforeAll(async () => {
    f = await openRegistryFixture(engine);
    await f.call('POST', 'registered-models/create', { name: 'mv' });
  });
  afterAll(() => f.close());

  it('creates versions 1 and 2 as READY in stage None, with the proto fields', async () => {
    f.clock.now += 10;
    const first = await f.call('POST', 'model-versions/create', {
      name: 'mv',
      source: 's3://models/mv/1/',
      run_id: 'abc123',
      run_link: 'http://tracking/#/runs/abc123',
      description: 'first',
      tags: [{ key: 'k', value: 'v' }],
    });
    expect(first).toEqual({
      model_version: {
        name: 'mv',
        version: '1',
        creation_timestamp: f.clock.now,
        last_updated_timestamp: f.clock.now,
        current_stage: 'None',
        description: 'first',
        source: 's3://models/mv/1/',
        run_id: 'abc123',
        status: 'READY',
        tags: [{ key: 'k', value: 'v' }],
        run_link: 'http://tracking/#/runs/abc123',
      },
    });
    const second = await f.call('POST', 'model-versions/create', { name: 'mv', source: 's3://models/mv/2/' });
    expect(second['model_version']).toMatchObject({ version: '2', current_stage: 'None', status: 'READY' });
    expect(second['model_version']).not.toHaveProperty('run_id');
    const model = await f.call('GET', 'registered-models/get', { name: 'mv' });
    expect(model['registered_model']).toMatchObject({
      last_updated_timestamp: f.clock.now,
      latest_versions: [{ version: '2', current_stage: 'None' }],
    });
  });

  it('refuses a version of an unknown model and one without source', async () => {
    expect(await failure(f.call('POST', 'model-versions/create', { name: 'ghost', source: 'x' }))).toEqual({
      code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'Registered Model with name=ghost not found',
    });
    expect((await failure(f.call('POST', 'model-versions/create', { name: 'mv' }))).message).toMatch(
      /required parameter 'source'/,
    );
  });

  it('gets a version; an unknown one is RESOURCE_DOES_NOT_EXIST and a non-number INVALID_PARAMETER_VALUE', async () => {
    expect(await f.call('GET', 'model-versions/get', { name: 'mv', version: '1' })).toMatchObject({
      model_version: { name: 'mv', version: '1', description: 'first' },
    });
    expect(await failure(f.call('GET', 'model-versions/get', { name: 'mv', version: '9' }))).toEqual({
      code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'Model Version (name=mv, version=9) not found',
    });
    expect(await failure(f.call('GET', 'model-versions/get', { name: 'mv', version: 'one' }))).toEqual({
      code: 'INVALID_PARAMETER_VALUE',
      message: "Parameter 'version' must be a positive integer, got 'one'.",
    });
  });

  it('updates a version description with PATCH (a JSON number version is accepted)', async () => {
    f.clock.now += 10;
    const { model_version: v } = await f.call('PATCH', 'model-versions/update', {
      name: 'mv',
      version: 2,
      description: 'second',
    });
    expect(v).toMatchObject({ version: '2', description: 'second', last_updated_timestamp: f.clock.now });
  });

  it('sets and deletes version tags', async () => {
    await f.call('POST', 'model-versions/set-tag', {
      name: 'mv',
      version: '2',
      key: 'quality',
      value: 'good',
    });
    expect(await f.call('GET', 'model-versions/get', { name: 'mv', version: '2' })).toMatchObject({
      model_version: { tags: [{ key: 'quality', value: 'good' }] },
    });
    await f.call('DELETE', 'model-versions/delete-tag', { name: 'mv', version: '2', key: 'quality' });
    expect(await f.call('GET', 'model-versions/get', { name: 'mv', version: '2' })).not.toHaveProperty(
      'model_version.tags',
    );
    expect(
      (
        await failure(
          f.call('POST', 'model-versions/set-tag', { name: 'mv', version: '7', key: 'a', value: 'b' }),
        )
      ).code,
    ).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('answers get-download-uri with the source', async () => {
    expect(await f.call('GET', 'model-versions/get-download-uri', { name: 'mv', version: '1' })).toEqual({
      artifact_uri: 's3://models/mv/1/',
    });
  });

  it('sets aliases, reads a version by alias, moves and deletes an alias', async () => {
    await f.call('POST', 'registered-models/alias', { name: 'mv', alias: 'champion', version: '1' });
    await f.call('POST', 'registered-models/alias', { name: 'mv', alias: 'challenger', version: '2' });
    expect(await f.call('GET', 'registered-models/alias', { name: 'mv', alias: 'champion' })).toMatchObject({
      model_version: { version: '1', aliases: ['champion'] },
    });
    await f.call('POST', 'registered-models/alias', { name: 'mv', alias: 'champion', version: '2' });
    const model = await f.call('GET', 'registered-models/get', { name: 'mv' });
    expect(model['registered_model']).toMatchObject({
      aliases: [
        { alias: 'challenger', version: '2' },
        { alias: 'champion', version: '2' },
      ],
    });
    expect(await f.call('GET', 'model-versions/get', { name: 'mv', version: '2' })).toMatchObject({
      model_version: { aliases: ['challenger', 'champion'] },
    });
    expect(await f.call('DELETE', 'registered-models/alias', { name: 'mv', alias: 'challenger' })).toEqual(
      {},
    );
    expect(
      await failure(f.call('GET', 'registered-models/alias', { name: 'mv', alias: 'challenger' })),
    ).toEqual({
      code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'Registered model alias challenger not found for model mv.',
    });
  });

  it('refuses reserved and malformed aliases and aliases of unknown versions', async () => {
    const set = (alias: string, version = '1') =>
      failure(f.call('POST', 'registered-models/alias', { name: 'mv', alias, version }));
    expect(await set('latest')).toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringMatching(/reserved/),
    });
    expect(await set('v3')).toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringMatching(/reserved/),
    });
    expect(await set('a b')).toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringMatching(/'a b'/),
    });
    expect(await set('ok', '42')).toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('deletes a version with its aliases, and never reuses its number', async () => {
    await f.call('POST', 'model-versions/create', { name: 'mv', source: 's3://models/mv/3/' });
    await f.call('POST', 'registered-models/alias', { name: 'mv', alias: 'newest', version: '3' });
    expect(await f.call('DELETE', 'model-versions/delete', { name: 'mv', version: '3' })).toEqual({});
    expect(
      (await failure(f.call('GET', 'registered-models/alias', { name: 'mv', alias: 'newest' }))).code,
    ).toBe('RESOURCE_DOES_NOT_EXIST');
    const next = await f.call('POST', 'model-versions/create', { name: 'mv', source: 's3://models/mv/4/' });
    expect(next['model_version']).toMatchObject({ version: '4' });
    expect(
      (await failure(f.call('DELETE', 'model-versions/delete', { name: 'mv', version: '3' }))).code,
    ).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('numbers versions registered at the same time without gaps or duplicates', async () => {
    await f.call('POST', 'registered-models/create', { name: 'busy' });
    const versions = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        f.service.createModelVersion({ name: 'busy', source: `file:///b/${i}` }),
      ),
    );
    expect(versions.map((v) => Number(v.version)).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
