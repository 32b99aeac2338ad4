import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../db/index.ts';
import type { Database } from '../db/index.ts';
import { testDatabaseEngines } from '../db/test-support/test-databases.ts';
import { loadConfig } from '../shared/index.ts';
import { failure } from '../shared/test-support/app-error-failure.ts';
import { createBlobStore } from '../storage/index.ts';
import {
  builtinCatalogModule,
  builtinTasks,
  createControlPlane,
  createLocalWorker,
  workflowMigrations,
} from '../workflows/index.ts';
import type { ModelVersionRecord, WorkflowDefinition } from '../workflows/index.ts';
import { createRegistryHooks } from './registry-hooks.ts';
import { openRegistryFixture } from './test-support/registry-fixture.ts';
import type { RegistryFixture } from './test-support/registry-fixture.ts';

/** What the `register` task hands the hooks after a training (shapes of the shipped training workflow). */
function trainedRecord(name: string, run: string, objectF1: number): ModelVersionRecord {
  const dir = `s3://fair/executions/${run}/export/attempt-1/model/`;
  return {
    name,
    artifacts: {
      model_dir: dir,
      'model.onnx': `${dir}model.onnx`,
      'model.json': `${dir}model.json`,
      checkpoint: `s3://fair/executions/${run}/train/attempt-1/run/best.safetensors`,
    },
    metrics: { object_f1: objectF1, pixel_iou: 0.7, bad: Number.NaN },
    source: {
      dataset: `s3://fair/executions/${run}/prepare/attempt-1/dataset/`,
      training: { model: 'unet-s', base: 'builtin', epochs: 2 },
    },
  };
}

describe.each(testDatabaseEngines())('registry hooks on $name', (engine) => {
  let f: RegistryFixture;
  beforeAll(async () => {
    f = await openRegistryFixture(engine);
  });
  afterAll(() => f.close());

  it('registers versions 1 and 2 of a new model, each linked to its execution, dataset, base model and run', async () => {
    const hooks = createRegistryHooks(f.service, {
      runOf: async (executionId) => ({
        runId: `run-of-${executionId}`,
        runLink: `/#/runs/run-of-${executionId}`,
      }),
      ownerOf: async (executionId) => (executionId === 'exec-2' ? 'user-42' : undefined),
    });
    const first = await hooks.registerModelVersion(trainedRecord('banepa', 'exec-1', 0.6), {
      executionId: 'exec-1',
      nodeId: 'register',
    });
    const second = await hooks.registerModelVersion(trainedRecord('banepa', 'exec-2', 0.7), {
      executionId: 'exec-2',
      nodeId: 'register',
    });
    expect([first, second]).toEqual([
      { name: 'banepa', version: 1 },
      { name: 'banepa', version: 2 },
    ]);
    const v2 = await f.service.getModelVersion('banepa', '2');
    expect(v2).toMatchObject({
      source: 's3://fair/executions/exec-2/export/attempt-1/model/',
      run_id: 'run-of-exec-2',
      run_link: '/#/runs/run-of-exec-2',
      user_id: 'user-42',
      current_stage: 'None',
      tags: [
        { key: 'fair.execution_id', value: 'exec-2' },
        { key: 'fair.node_id', value: 'register' },
      ],
      fair: {
        execution_id: 'exec-2',
        node_id: 'register',
        dataset_uri: 's3://fair/executions/exec-2/prepare/attempt-1/dataset/',
        base_model_id: 'unet-s',
        metrics: { object_f1: 0.7, pixel_iou: 0.7 },
        training: { model: 'unet-s', base: 'builtin', epochs: 2 },
      },
    });
    expect(v2.fair.artifacts['model.onnx']).toBe(
      's3://fair/executions/exec-2/export/attempt-1/model/model.onnx',
    );
  });

  it('returns the same version when a retried attempt of the same node registers again', async () => {
    const hooks = createRegistryHooks(f.service);
    const again = await hooks.registerModelVersion(trainedRecord('banepa', 'exec-1', 0.6), {
      executionId: 'exec-1',
      nodeId: 'register',
    });
    expect(again).toEqual({ name: 'banepa', version: 1 });
    const all = await f.service.searchModelVersions({ filter: "name = 'banepa'" });
    expect(all.items).toHaveLength(2);
  });

  it('finds versions by the execution that produced them', async () => {
    const page = await f.service.searchModelVersions({ filter: "tags.`fair.execution_id` = 'exec-1'" });
    expect(page.items.map((v) => v.version)).toEqual(['1']);
  });

  it('resolves the latest version, a given one, and (when asked) the Production one', async () => {
    const hooks = createRegistryHooks(f.service);
    expect(await hooks.resolveModelVersion('banepa')).toMatchObject({
      name: 'banepa',
      version: 2,
      metrics: { object_f1: 0.7 },
      source: { dataset: 's3://fair/executions/exec-2/prepare/attempt-1/dataset/', base_model: 'unet-s' },
    });
    const one = await hooks.resolveModelVersion('banepa', 1);
    expect(one.artifacts['model_dir']).toBe('s3://fair/executions/exec-1/export/attempt-1/model/');
    await f.service.transitionModelVersionStage('banepa', '1', 'Production', {
      archiveExistingVersions: false,
    });
    const production = createRegistryHooks(f.service, { resolve: 'production' });
    expect((await production.resolveModelVersion('banepa')).version).toBe(1);
    expect((await hooks.resolveModelVersion('banepa')).version).toBe(2);
  });

  it('offers the source of a version registered through the MLflow API as its model folder', async () => {
    await f.service.createRegisteredModel({ name: 'external' });
    await f.service.createModelVersion({ name: 'external', source: 's3://elsewhere/model' });
    const found = await createRegistryHooks(f.service).resolveModelVersion('external');
    expect(found.artifacts).toEqual({ model_dir: 's3://elsewhere/model/' });
  });

  it('reports unknown models and versions as RESOURCE_DOES_NOT_EXIST', async () => {
    const hooks = createRegistryHooks(f.service);
    expect(await failure(hooks.resolveModelVersion('nothing'))).toEqual({
      code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'model nothing has no registered versions',
    });
    expect((await failure(hooks.resolveModelVersion('banepa', 9))).code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(
      (
        await failure(
          createRegistryHooks(f.service, { resolve: 'production' }).resolveModelVersion('nothing'),
        )
      ).code,
    ).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});

describe.each(testDatabaseEngines())(
  'the register task through the local worker with registry hooks on $name',
  (engine) => {
    const registerOnly: WorkflowDefinition = {
      name: 'register-only',
      version: '1',
      description: 'Registers a model version (registry hooks test).',
      inputs: z.object({ name: z.string(), dir: z.string() }),
      nodes: [
        {
          id: 'register',
          task: 'register@1',
          inputs: {
            name: { input: 'name' },
            model: { input: 'dir' },
            model_card: { input: 'dir' },
            model_dir: { input: 'dir' },
            metrics: { value: { object_f1: 0.55 } },
          },
        },
      ],
      outputs: { version: { node: 'register', output: 'model_version' } },
    };
    let db: Database;
    let dir: string;
    let f: RegistryFixture;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'fair-registry-hooks-'));
      f = await openRegistryFixture(engine);
      db = f.db;
      await migrate(db, 'workflows', workflowMigrations);
    });
    afterAll(async () => {
      await f?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('registers versions 1 and 2 linked to their executions', async () => {
      const config = loadConfig({ FAIR_DATA_DIR: dir });
      const blobs = await createBlobStore(undefined, { dataDir: dir, s3: config.s3 });
      const controlPlane = createControlPlane({ db, blobs, tasks: builtinTasks });
      const worker = createLocalWorker({
        protocol: controlPlane,
        tasks: builtinTasks,
        catalogModule: builtinCatalogModule,
        blobs,
        config,
        hooks: createRegistryHooks(f.service),
        concurrency: 1,
      });
      try {
        await controlPlane.registerAll(builtinTasks, [registerOnly]);
        worker.start();
        const ids: string[] = [];
        for (const run of ['a', 'b']) {
          const id = await controlPlane.launch('register-only', {
            name: 'from-worker',
            dir: `${blobs.uriOf(run)}/`,
          });
          const view = await controlPlane.waitForExecution(id, { timeoutMs: 30_000 });
          expect(view.error).toBeNull();
          expect(view.outputs).toEqual({ version: ids.length + 1 });
          ids.push(id);
        }
        const versions = await f.service.searchModelVersions({
          filter: "name = 'from-worker'",
          orderBy: ['version_number ASC'],
        });
        expect(versions.items.map((v) => [v.version, v.fair.execution_id, v.fair.node_id])).toEqual([
          ['1', ids[0], 'register'],
          ['2', ids[1], 'register'],
        ]);
        expect(versions.items[0]?.fair.metrics).toEqual({ object_f1: 0.55 });
      } finally {
        await worker.stop();
        await controlPlane.close();
      }
    });
  },
);
