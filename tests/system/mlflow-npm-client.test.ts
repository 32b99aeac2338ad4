/**
 * The MLflow tracking API as a third-party client sees it: the npm `mlflow` package (2.0.7) against a started
 * server over real HTTP, authenticated with a personal API token. It covers experiments, runs, logging, search with
 * MLflow's filter syntax, metric history and artifact listing. The client's `setExperimentTag` is not called: it
 * builds the path without its slash (`/experimentsset-experiment-tag`), a bug of the package; the raw-request suites
 * in `src/tracking` cover that endpoint.
 */
import mlflowPackage from 'mlflow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDatabaseEngines } from '../../src/db/test-support/test-databases.ts';
import { call } from './test-support/http-client.ts';
import { startTestServer } from './test-support/test-server.ts';
import type { TestServer } from './test-support/test-server.ts';

/**
 * The client as it behaves: its `index.js` exports the class itself (its types describe `lib/mlflow`'s `default`),
 * and its typings mark every request field required where the protos make most optional.
 */
type Call = (request?: Record<string, unknown>) => Promise<unknown>;
type MLflow = {
  Experiments: Record<'create' | 'get' | 'list' | 'update' | 'delete' | 'restore', Call>;
  Runs: Record<
    | 'create'
    | 'get'
    | 'logParameter'
    | 'logMetric'
    | 'logBatch'
    | 'setTag'
    | 'deleteTag'
    | 'search'
    | 'update'
    | 'delete'
    | 'restore',
    Call
  >;
  Metrics: Record<'getHistory', Call>;
  Artifacts: Record<'list', Call>;
};
const MLflowClient = mlflowPackage as unknown as new (options: {
  endpoint: string;
  headers?: Record<string, string>;
}) => MLflow;

type RunJson = {
  info: {
    run_id: string;
    experiment_id: string;
    status: string;
    lifecycle_stage: string;
    artifact_uri: string;
  };
  data: {
    metrics?: { key: string; value: number; step: number }[];
    params?: { key: string; value: string }[];
    tags?: { key: string; value: string }[];
  };
};

/** The client's errors carry `{status, statusText, data}` as JSON inside the message. */
async function clientError(promise: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  try {
    await promise;
  } catch (error) {
    const text = String((error as Error).message).replace(/^Error: /, '');
    return JSON.parse(text) as { status: number; data: unknown };
  }
  throw new Error('expected the client call to fail');
}

describe.each(testDatabaseEngines())('the npm mlflow client against fair on $name', (engine) => {
  let t: TestServer;
  let client: MLflow;
  let anonymous: MLflow;
  let token: string;

  beforeAll(async () => {
    // The package logs every request body with console.log.
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    t = await startTestServer(engine);
    const user = await t.server.auth.store.upsertUser({
      provider: 'osm',
      providerUserId: '7',
      name: 'mlflow-client',
      admin: false,
    });
    token = (await t.server.auth.createToken(user, 'mlflow client')).token;
    client = new MLflowClient({ endpoint: t.url, headers: { Authorization: `Bearer ${token}` } });
    anonymous = new MLflowClient({ endpoint: t.url });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await t?.close();
  });

  it('creates, lists, renames, deletes and restores experiments', async () => {
    const { experiment_id: id } = (await client.Experiments.create({ name: 'npm-client' })) as {
      experiment_id: string;
    };
    expect(id).toMatch(/^\d+$/);
    const { experiment } = (await client.Experiments.get({ experiment_id: id })) as {
      experiment: { name: string; lifecycle_stage: string };
    };
    expect(experiment).toMatchObject({ name: 'npm-client', lifecycle_stage: 'active' });
    const listed = (await client.Experiments.list()) as { experiments: { name: string }[] };
    expect(listed.experiments.map((e) => e.name)).toContain('npm-client');

    await client.Experiments.update({ experiment_id: id, new_name: 'npm-client-renamed' });
    await client.Experiments.delete({ experiment_id: id });
    const active = (await client.Experiments.list({ view_type: 'ACTIVE_ONLY' })) as {
      experiments: { name: string }[];
    };
    expect(active.experiments.map((e) => e.name)).not.toContain('npm-client-renamed');
    await client.Experiments.restore({ experiment_id: id });
    const restored = (await client.Experiments.get({ experiment_id: id })) as {
      experiment: { name: string; lifecycle_stage: string };
    };
    expect(restored.experiment).toMatchObject({ name: 'npm-client-renamed', lifecycle_stage: 'active' });

    const duplicate = await clientError(client.Experiments.create({ name: 'npm-client-renamed' }));
    expect(duplicate.status).toBe(400);
    expect(duplicate.data).toMatchObject({ error_code: 'RESOURCE_ALREADY_EXISTS' });
  });

  it('logs a run, reads its metric history, searches with a filter and finishes it', async () => {
    const { experiment_id: experimentId } = (await client.Experiments.create({ name: 'npm-runs' })) as {
      experiment_id: string;
    };
    const created = (await client.Runs.create({
      experiment_id: experimentId,
      start_time: 1_700_000_000_000,
      tags: [{ key: 'team', value: 'banepa' }],
    })) as { run: RunJson };
    const runId = created.run.info.run_id;
    expect(created.run.info).toMatchObject({ experiment_id: experimentId, status: 'RUNNING' });

    await client.Runs.logParameter({ run_id: runId, key: 'lr', value: '0.001' });
    for (const [step, value] of [0.61, 0.72, 0.8].entries())
      await client.Runs.logMetric({
        run_id: runId,
        key: 'object_f1',
        value,
        timestamp: 1_700_000_000_000 + step,
        step,
      });
    await client.Runs.logBatch({
      run_id: runId,
      metrics: [{ key: 'pixel_iou', value: 0.7, timestamp: 1_700_000_001_000, step: 2 }],
      params: [{ key: 'epochs', value: '3' }],
      tags: [{ key: 'base_model', value: 'unet-s' }],
    });
    await client.Runs.setTag({ run_id: runId, key: 'temporary', value: 'x' });
    await client.Runs.deleteTag({ run_id: runId, key: 'temporary' });

    const { run } = (await client.Runs.get({ run_id: runId })) as { run: RunJson };
    expect(run.data.params).toEqual(
      expect.arrayContaining([
        { key: 'lr', value: '0.001' },
        { key: 'epochs', value: '3' },
      ]),
    );
    expect(run.data.metrics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'object_f1', value: 0.8, step: 2 }),
        expect.objectContaining({ key: 'pixel_iou', value: 0.7, step: 2 }),
      ]),
    );
    const tags = Object.fromEntries((run.data.tags ?? []).map((tag) => [tag.key, tag.value]));
    expect(tags).toMatchObject({ team: 'banepa', base_model: 'unet-s' });
    expect(tags).not.toHaveProperty('temporary');

    const history = (await client.Metrics.getHistory({ run_id: runId, metric_key: 'object_f1' })) as {
      metrics: { value: number; step: number }[];
    };
    expect(history.metrics.map((m) => [m.step, m.value])).toEqual([
      [0, 0.61],
      [1, 0.72],
      [2, 0.8],
    ]);

    const other = (await client.Runs.create({ experiment_id: experimentId })) as { run: RunJson };
    const untimed = await clientError(
      client.Runs.logMetric({ run_id: other.run.info.run_id, key: 'object_f1', value: 0.4, step: 0 }),
    );
    expect(untimed).toMatchObject({ status: 400, data: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect(JSON.stringify(untimed.data)).toContain("'timestamp'");
    await client.Runs.logMetric({
      run_id: other.run.info.run_id,
      key: 'object_f1',
      value: 0.4,
      timestamp: 1_700_000_002_000,
      step: 0,
    });
    const found = (await client.Runs.search({
      experiment_ids: [experimentId],
      filter: "metrics.object_f1 > 0.5 and params.lr = '0.001' and tags.team = 'banepa'",
      run_view_type: 'ACTIVE_ONLY',
      max_results: 10,
      order_by: ['attributes.start_time DESC'],
    })) as { runs?: RunJson[] };
    expect(found.runs?.map((r) => r.info.run_id)).toEqual([runId]);

    await client.Runs.update({ run_id: runId, status: 'FINISHED', end_time: 1_700_000_100_000 });
    await client.Runs.delete({ run_id: other.run.info.run_id });
    const remaining = (await client.Runs.search({ experiment_ids: [experimentId] })) as { runs: RunJson[] };
    expect(remaining.runs.map((r) => [r.info.run_id, r.info.status])).toEqual([[runId, 'FINISHED']]);
    await client.Runs.restore({ run_id: other.run.info.run_id });
    const all = (await client.Runs.search({ experiment_ids: [experimentId] })) as { runs: RunJson[] };
    expect(all.runs).toHaveLength(2);
  });

  it('lists the artifacts uploaded through the artifact proxy', async () => {
    const { experiment_id: experimentId } = (await client.Experiments.create({ name: 'npm-artifacts' })) as {
      experiment_id: string;
    };
    const { run } = (await client.Runs.create({ experiment_id: experimentId })) as { run: RunJson };
    const prefix = run.info.artifact_uri.replace(/^mlflow-artifacts:\//, '');
    const upload = await call(`${t.url}/api/2.0/mlflow-artifacts/artifacts/${prefix}/model/model.onnx`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: 'onnx-bytes',
    });
    expect(upload.status).toBe(200);
    const listed = (await client.Artifacts.list({ run_id: run.info.run_id, path: 'model' })) as {
      files: { path: string; is_dir: boolean; file_size: number }[];
    };
    expect(listed.files).toEqual([{ path: 'model/model.onnx', is_dir: false, file_size: 10 }]);
  });

  it('answers unknown ids with 404 and writes without a token with 401, in MLflow error shape', async () => {
    const missing = await clientError(client.Runs.get({ run_id: 'f'.repeat(32) }));
    expect(missing.status).toBe(404);
    expect(missing.data).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    const unauthenticated = await clientError(anonymous.Experiments.create({ name: 'nobody' }));
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.data).toMatchObject({ error_code: 'UNAUTHENTICATED' });
    const listed = (await anonymous.Experiments.list()) as { experiments: { name: string }[] };
    expect(listed.experiments.map((e) => e.name)).not.toContain('nobody');
  });
});
