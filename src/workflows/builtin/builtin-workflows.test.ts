/**
 * @module workflows/builtin/builtin-workflows.test — the shipped workflows end to end through the real control plane
 * and the local executor (task processes, worker-placed tasks with hooks) on synthetic imagery, on PGlite and on
 * PostgreSQL: training → SUCCEEDED with model version 1 and metrics events, a second launch served from the cache
 * (version 2), then prediction with version 1 → stored polygons.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/index.ts';
import { migrate } from '../../db/index.ts';
import { testDatabaseEngines } from '../../db/test-support/test-databases.ts';
import { REPORTED_METRIC_KEYS } from '../../ml/index.ts';
import { getJson } from '../../storage/index.ts';
import { createControlPlane } from '../control-plane/control-plane.ts';
import type { ControlPlane } from '../control-plane/control-plane.ts';
import { workflowMigrations } from '../control-plane/migrations.ts';
import { createLocalWorker } from '../local-executor/local-worker.ts';
import type { LocalWorker } from '../local-executor/local-worker.ts';
import { builtinCatalogModule, builtinTasks, builtinWorkflows } from './index.ts';
import { FIXTURE_CHIP_SIZE, FIXTURE_ZOOM, startTaskFixture } from './test-support/task-fixture.ts';
import type { TaskFixture } from './test-support/task-fixture.ts';

let fixture: TaskFixture;

beforeAll(async () => {
  fixture = await startTaskFixture();
});

afterAll(async () => {
  await fixture?.close();
});

describe.each(testDatabaseEngines())('shipped workflows on $name', (engine) => {
  let db: Database;
  let cp: ControlPlane;
  let worker: LocalWorker;
  const errors: unknown[] = [];
  const modelName = `synthetic-${engine.name}`;
  let trainingInputs: Record<string, unknown>;

  beforeAll(async () => {
    db = await engine.open();
    await migrate(db, 'workflows', workflowMigrations);
    cp = createControlPlane({ db, blobs: fixture.blobs, tasks: builtinTasks });
    await cp.registerAll(builtinTasks, builtinWorkflows);
    worker = createLocalWorker({
      protocol: cp,
      tasks: builtinTasks,
      catalogModule: builtinCatalogModule,
      blobs: fixture.blobs,
      config: fixture.config,
      hooks: cp.hooks,
      concurrency: 2,
      onError: (error) => void errors.push(error),
    });
    worker.start();
    trainingInputs = {
      model_name: modelName,
      imagery: fixture.server.tileTemplate,
      aoi: fixture.trainBBox,
      labels: fixture.labelsUri,
      zoom: FIXTURE_ZOOM,
      mask: 'multi',
      chip_size: FIXTURE_CHIP_SIZE,
      epochs: 2,
      batch_size: 4,
    };
  });

  afterAll(async () => {
    await worker?.stop();
    await cp?.close();
    await db?.close();
  });

  it('trains, evaluates, exports and registers version 1, streaming metrics events', async () => {
    const id = await cp.launch('building-detection-training', trainingInputs);
    const view = await cp.waitForExecution(id, { timeoutMs: 240_000 });
    expect(view.error).toBeNull();
    expect(view.phase).toBe('SUCCEEDED');
    expect(view.nodes.map((n) => [n.id, n.phase])).toEqual([
      ['prepare', 'SUCCEEDED'],
      ['train', 'SUCCEEDED'],
      ['evaluate', 'SUCCEEDED'],
      ['export', 'SUCCEEDED'],
      ['register', 'SUCCEEDED'],
    ]);
    expect(view.outputs).toMatchObject({ model_name: modelName, model_version: 1 });
    expect(Object.keys(view.outputs?.['metrics'] as object).sort()).toEqual([...REPORTED_METRIC_KEYS].sort());
    const metrics = (await cp.events(id)).filter((e) => e.type === 'task.metrics');
    expect(metrics.map((e) => [e.nodeId, e.data['epoch']])).toEqual([
      ['train', 1],
      ['train', 2],
    ]);
    const card = (await getJson(
      fixture.blobs,
      fixture.blobs.keyOf(String(view.outputs?.['model']).replace(/model\.onnx$/, 'model.json')),
    )) as { name: string };
    expect(card.name).toBe(modelName);
    const registered = await cp.hooks.resolveModelVersion(modelName);
    expect(registered.version).toBe(1);
    expect(registered.artifacts['model.onnx']).toBe(view.outputs?.['model']);
    expect(errors).toEqual([]);
  });

  it('serves a second launch with the same inputs from the cache and registers version 2', async () => {
    const id = await cp.launch('building-detection-training', trainingInputs);
    const view = await cp.waitForExecution(id, { timeoutMs: 60_000 });
    expect(view.phase).toBe('SUCCEEDED');
    expect(view.nodes.map((n) => [n.id, n.cached])).toEqual([
      ['prepare', true],
      ['train', true],
      ['evaluate', true],
      ['export', true],
      ['register', false],
    ]);
    expect(view.outputs?.['model_version']).toBe(2);
  });

  it('predicts with version 1 over a new area and stores the polygons', async () => {
    const id = await cp.launch('building-prediction', {
      model_name: modelName,
      model_version: 1,
      imagery: fixture.server.tileTemplate,
      aoi: fixture.predictBBox,
      zoom: FIXTURE_ZOOM,
    });
    const view = await cp.waitForExecution(id, { timeoutMs: 120_000 });
    expect(view.error).toBeNull();
    expect(view.phase).toBe('SUCCEEDED');
    expect(view.outputs?.['model_version']).toBe(1);
    const predictions = String(view.outputs?.['predictions']);
    const collection = (await getJson(fixture.blobs, fixture.blobs.keyOf(predictions))) as {
      features: unknown[];
    };
    expect(collection.features).toHaveLength(Number(view.outputs?.['features']));
    expect(view.outputs?.['summary']).toMatchObject({ zoom: FIXTURE_ZOOM });
    const lineage = await cp.lineage(predictions);
    expect(lineage).toMatchObject({ executionId: id, nodeId: 'predict', task: 'predict@1' });
  });

  it('refuses a prediction launch whose inputs fail the schema, naming the field', async () => {
    await expect(
      cp.launch('building-prediction', {
        model_name: modelName,
        imagery: fixture.server.tileTemplate,
        zoom: 'high',
      }),
    ).rejects.toThrow(/zoom/);
  });
});
