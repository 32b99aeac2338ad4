/**
 * Black-box tests of the owners of MLflow experiments and runs over real HTTP (issue 6 §5): another user's
 * experiment delete, run log-metric and artifact upload answer 403 `PERMISSION_DENIED` in MLflow's error shape; the
 * owner and an admin get 200.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../../src/db/test-support/test-databases.ts';
import { call } from './test-support/http-client.ts';
import { startTestServer } from './test-support/test-server.ts';
import type { TestServer } from './test-support/test-server.ts';

const mlflow = '/api/2.0/mlflow';

describe.each(testDatabaseEngines())('MLflow owners over HTTP on $name', (engine) => {
  let t: TestServer;
  let owner: string;
  let other: string;
  let admin: string;

  const token = async (id: string, isAdmin: boolean): Promise<string> => {
    const user = await t.server.auth.store.upsertUser({
      provider: 'osm',
      providerUserId: id,
      name: `user-${id}`,
      admin: isAdmin,
    });
    return (await t.server.auth.createToken(user, 'tests')).token;
  };
  const post = (path: string, body: unknown, as: string) =>
    call(`${t.url}${mlflow}/${path}`, { method: 'POST', token: as, body });
  const createExperiment = async (name: string): Promise<string> =>
    ((await post('experiments/create', { name }, owner)).body as { experiment_id: string }).experiment_id;
  const createRun = async (experimentId: string): Promise<{ run_id: string; artifact_uri: string }> =>
    (
      (await post('runs/create', { experiment_id: experimentId }, owner)).body as {
        run: { info: { run_id: string; artifact_uri: string } };
      }
    ).run.info;
  const logMetric = (runId: string, as: string) =>
    post('runs/log-metric', { run_id: runId, key: 'iou', value: 0.5, timestamp: 1, step: 0 }, as);

  beforeAll(async () => {
    t = await startTestServer(engine);
    owner = await token('1', false);
    other = await token('2', false);
    admin = await token('3', true);
  });
  afterAll(() => t?.close());

  it("answers another user's experiment delete with 403 PERMISSION_DENIED, the owner's and an admin's with 200", async () => {
    const id = await createExperiment('owned-delete');
    const refused = await post('experiments/delete', { experiment_id: id }, other);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      error_code: 'PERMISSION_DENIED',
      message: expect.stringContaining(`experiment ${id} belongs to`),
    });
    expect((await post('experiments/delete', { experiment_id: id }, owner)).status).toBe(200);
    expect((await post('experiments/restore', { experiment_id: id }, admin)).status).toBe(200);
    expect((await post('experiments/delete', { experiment_id: id }, admin)).status).toBe(200);
  });

  it("answers another user's run log-metric with 403 PERMISSION_DENIED, the owner's and an admin's with 200", async () => {
    const run = await createRun(await createExperiment('owned-log'));
    const refused = await logMetric(run.run_id, other);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      error_code: 'PERMISSION_DENIED',
      message: expect.stringContaining(`run ${run.run_id} belongs to`),
    });
    expect((await logMetric(run.run_id, owner)).status).toBe(200);
    expect((await logMetric(run.run_id, admin)).status).toBe(200);
    const got = await call(`${t.url}${mlflow}/runs/get?run_id=${run.run_id}`, { token: other });
    expect(got.status).toBe(200);
  });

  it("lets anyone log into their own run in the Default experiment, and refuses another user's artifact upload", async () => {
    const run = (
      (await post('runs/create', { experiment_id: '0' }, other)).body as {
        run: { info: { run_id: string; artifact_uri: string } };
      }
    ).run.info;
    expect((await logMetric(run.run_id, other)).status).toBe(200);
    const file = `${t.url}/api/2.0/mlflow-artifacts/artifacts/${run.artifact_uri.replace(/^mlflow-artifacts:\//, '')}/a.txt`;
    const refused = await call(file, {
      method: 'PUT',
      token: owner,
      body: 'a',
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(refused.status).toBe(403);
    expect((refused.body as { error_code: string }).error_code).toBe('PERMISSION_DENIED');
    const put = await call(file, {
      method: 'PUT',
      token: other,
      body: 'a',
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(put.status).toBe(200);
  });
});
