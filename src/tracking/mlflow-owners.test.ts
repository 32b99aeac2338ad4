import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../db/test-support/test-databases.ts';
import { failure } from '../shared/test-support/app-error-failure.ts';
import { mlflowArtifactEndpoints } from './mlflow-artifact-endpoints.ts';
import type { ArtifactProxyRequest } from './mlflow-artifact-endpoints.ts';
import type { TrackingStore } from './store.ts';
import { openSqlTrackingStore } from './store.sql.ts';
import { openTrackingFixture } from './test-support/tracking-fixture.ts';
import type { TrackingFixture } from './test-support/tracking-fixture.ts';
import type { Viewer } from './tracking-service.ts';
import { createTrainingTracker } from './training-tracker.ts';

const alice: Viewer = { userId: 'alice' };
const bob: Viewer = { userId: 'bob' };
const admin: Viewer = { userId: 'root', admin: true };

describe.each(testDatabaseEngines())('MLflow owners on $name', (engine) => {
  let f: TrackingFixture;
  let store: TrackingStore;
  let clock = 1_730_000_000_000;
  beforeAll(async () => {
    f = await openTrackingFixture(engine, () => clock);
    store = await openSqlTrackingStore(f.db);
  });
  afterAll(() => f.close());

  let names = 0;
  const createExperiment = async (viewer?: Viewer): Promise<string> =>
    (await f.call('POST', 'experiments/create', { name: `owned-${++names}` }, viewer))[
      'experiment_id'
    ] as string;
  const createRun = async (experimentId: string | undefined, viewer?: Viewer): Promise<string> => {
    const body = experimentId === undefined ? {} : { experiment_id: experimentId };
    const { run } = await f.call('POST', 'runs/create', body, viewer);
    return (run as { info: { run_id: string } }).info.run_id;
  };
  const metric = (runId: string, value: number) => ({
    run_id: runId,
    key: 'iou',
    value,
    timestamp: ++clock,
    step: 0,
  });
  /** Every experiment write, as [path, body]. */
  const experimentWrites = (id: string): [string, Record<string, unknown>][] => [
    ['experiments/update', { experiment_id: id, new_name: `renamed-${id}` }],
    ['experiments/set-experiment-tag', { experiment_id: id, key: 'k', value: 'v' }],
    ['experiments/delete-experiment-tag', { experiment_id: id, key: 'k' }],
    ['experiments/delete', { experiment_id: id }],
    ['experiments/restore', { experiment_id: id }],
    ['runs/create', { experiment_id: id }],
  ];
  /** Every run write, as [path, body]. */
  const runWrites = (runId: string): [string, Record<string, unknown>][] => [
    ['runs/update', { run_id: runId, status: 'FINISHED', end_time: ++clock }],
    ['runs/log-metric', metric(runId, 0.5)],
    ['runs/log-parameter', { run_id: runId, key: 'lr', value: '0.01' }],
    ['runs/log-batch', { run_id: runId, metrics: [metric(runId, 0.6)] }],
    ['runs/set-tag', { run_id: runId, key: 't', value: 'v' }],
    ['runs/delete-tag', { run_id: runId, key: 't' }],
    ['runs/delete', { run_id: runId }],
    ['runs/restore', { run_id: runId }],
  ];

  it('records the viewer as the owner of a new experiment, and of a new run apart from its user_id', async () => {
    const id = await createExperiment(alice);
    expect(await store.getExperimentOwner(id)).toEqual({ owner_id: 'alice' });
    const { run } = await f.call(
      'POST',
      'runs/create',
      { experiment_id: id, user_id: 'someone-else' },
      alice,
    );
    const info = (run as { info: { run_id: string; user_id: string } }).info;
    expect(info.user_id).toBe('someone-else');
    expect(await store.getRunWriteState(info.run_id)).toEqual({
      lifecycle_stage: 'active',
      owner_id: 'alice',
      experiment_id: id,
      experiment_owner_id: 'alice',
    });
  });

  it('lets the owner make every experiment write', async () => {
    const id = await createExperiment(alice);
    for (const [path, body] of experimentWrites(id)) {
      await expect(f.call('POST', path, body, alice), path).resolves.toBeDefined();
    }
  });

  it("refuses another user's experiment writes with PERMISSION_DENIED naming the experiment", async () => {
    const id = await createExperiment(alice);
    for (const [path, body] of experimentWrites(id)) {
      expect(await failure(f.call('POST', path, body, bob)), path).toEqual({
        code: 'PERMISSION_DENIED',
        message: `experiment ${id} belongs to alice; only its owner or an admin may ${path === 'runs/create' ? 'add runs to' : 'change'} it`,
      });
    }
    const { experiment } = await f.call('GET', 'experiments/get', { experiment_id: id }, bob);
    expect(experiment).toMatchObject({ name: `owned-${names}`, lifecycle_stage: 'active' });
  });

  it('lets an admin make every experiment write on an experiment of someone else', async () => {
    const id = await createExperiment(alice);
    for (const [path, body] of experimentWrites(id)) {
      await expect(f.call('POST', path, body, admin), path).resolves.toBeDefined();
    }
  });

  it("takes anyone's runs in the unowned Default experiment", async () => {
    const named = await createRun('0', bob);
    const defaulted = await createRun(undefined, alice);
    expect((await store.getRunWriteState(named))?.owner_id).toBe('bob');
    expect((await store.getRunWriteState(defaulted))?.owner_id).toBe('alice');
  });

  it('lets the run owner make every run write', async () => {
    const runId = await createRun('0', bob);
    for (const [path, body] of runWrites(runId)) {
      await expect(f.call('POST', path, body, bob), path).resolves.toBeDefined();
    }
  });

  it("refuses another user's run writes with PERMISSION_DENIED naming the run, and changes nothing", async () => {
    const runId = await createRun('0', bob);
    for (const [path, body] of runWrites(runId)) {
      expect(await failure(f.call('POST', path, body, alice)), path).toEqual({
        code: 'PERMISSION_DENIED',
        message: `run ${runId} belongs to bob; only its owner or an admin may change it`,
      });
    }
    const { run } = await f.call('GET', 'runs/get', { run_id: runId }, alice);
    expect(run).toMatchObject({ info: { status: 'RUNNING', lifecycle_stage: 'active' } });
    expect((run as { data: object }).data).not.toHaveProperty('metrics');
  });

  it("lets an admin make every run write on someone else's run", async () => {
    const runId = await createRun('0', bob);
    for (const [path, body] of runWrites(runId)) {
      await expect(f.call('POST', path, body, admin), path).resolves.toBeDefined();
    }
  });

  it('lets whoever may write its experiment write an unowned run', async () => {
    const id = await createExperiment(alice);
    const inAlices = (await f.service.createRun({ experimentId: id })).info.run_id;
    await f.call('POST', 'runs/log-metric', metric(inAlices, 0.1), alice);
    expect(await failure(f.call('POST', 'runs/log-metric', metric(inAlices, 0.2), bob))).toEqual({
      code: 'PERMISSION_DENIED',
      message:
        `run ${inAlices} has no owner and its experiment ${id} belongs to alice; ` +
        'only that owner or an admin may change it',
    });
    const inDefault = (await f.service.createRun({ experimentId: '0' })).info.run_id;
    await expect(f.call('POST', 'runs/log-metric', metric(inDefault, 0.3), bob)).resolves.toEqual({});
  });

  it('trusts internal callers without a viewer', async () => {
    const id = await createExperiment(alice);
    const runId = await createRun(id, alice);
    await f.service.logBatch(runId, { metrics: [{ key: 'iou', value: 0.7, timestamp: ++clock, step: 1 }] });
    await f.call('POST', 'runs/set-tag', { run_id: runId, key: 'internal', value: 'yes' });
    await f.service.renameExperiment(id, `internal-${id}`);
    await f.service.deleteExperiment(id);
    expect((await f.service.getRun(runId)).info.lifecycle_stage).toBe('deleted');
  });

  it("makes the training tracker's run and experiment the launcher's (ownerId)", async () => {
    const tracker = await createTrainingTracker(f.service, {
      experimentName: 'carols-model',
      ownerId: 'carol',
      userId: 'Carol C.',
      now: () => clock,
    });
    expect(await store.getRunWriteState(tracker.runId)).toEqual({
      lifecycle_stage: 'active',
      owner_id: 'carol',
      experiment_id: tracker.experimentId,
      experiment_owner_id: 'carol',
    });
    expect((await f.service.getRun(tracker.runId)).info.user_id).toBe('Carol C.');
    const carol: Viewer = { userId: 'carol' };
    await f.call('POST', 'runs/log-metric', metric(tracker.runId, 0.4), carol);
    expect((await failure(f.call('POST', 'runs/log-metric', metric(tracker.runId, 0.4), bob))).code).toBe(
      'PERMISSION_DENIED',
    );
  });

  describe('artifact proxy', () => {
    const proxy = (method: 'PUT' | 'DELETE', request: ArtifactProxyRequest) => {
      const endpoint = mlflowArtifactEndpoints(f.service).find(
        (e) => e.method === method && e.path.endsWith('/*'),
      );
      if (endpoint === undefined) throw new Error(`no ${method} endpoint`);
      return endpoint.handle(request);
    };

    it("refuses uploads and deletes in another user's run, and lets the owner and an admin", async () => {
      const id = await createExperiment(alice);
      const runId = await createRun(id, alice);
      const file = `${id}/${runId}/artifacts/model/model.onnx`;
      expect(await failure(proxy('PUT', { artifactPath: file, body: 'x', viewer: bob }))).toEqual({
        code: 'PERMISSION_DENIED',
        message: `run ${runId} belongs to alice; only its owner or an admin may change it`,
      });
      await proxy('PUT', { artifactPath: file, body: 'onnx', viewer: alice });
      expect((await failure(proxy('DELETE', { artifactPath: file, viewer: bob }))).code).toBe(
        'PERMISSION_DENIED',
      );
      expect(await f.service.listProxiedArtifacts(`${id}/${runId}/artifacts/model`)).toHaveLength(1);
      await proxy('DELETE', { artifactPath: `${id}/${runId}/artifacts/model`, viewer: admin });
      expect(await f.service.listProxiedArtifacts(`${id}/${runId}/artifacts/model`)).toEqual([]);
    });

    it("refuses a non-admin's writes outside a run's artifacts, which could hold other runs' files", async () => {
      const runId = await createRun('0', bob);
      await proxy('PUT', { artifactPath: `0/${runId}/artifacts/a.txt`, body: 'a', viewer: bob });
      for (const path of ['0', `0/${runId}`, `0/${runId}/other.txt`, `0/not-a-run/artifacts/x`]) {
        expect(await failure(proxy('DELETE', { artifactPath: path, viewer: bob })), path).toEqual({
          code: 'PERMISSION_DENIED',
          message: `artifact path '${path}' is not inside a run's artifacts; only an admin may change it`,
        });
      }
      expect(await f.service.listProxiedArtifacts(`0/${runId}/artifacts`)).toHaveLength(1);
      expect(
        (await failure(proxy('PUT', { artifactPath: `0/${runId}/artifacts/../x`, body: 'x', viewer: bob })))
          .code,
      ).toBe('INVALID_PARAMETER_VALUE');
    });
  });
});
