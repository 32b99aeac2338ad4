/**
 * Black-box test of the main job over HTTP on a started server with a local worker (PGlite, and PostgreSQL when it
 * runs): a dataset on synthetic imagery with an AOI and uploaded labels, a training (1 epoch, 64 px chips) followed
 * over SSE to its end, its metrics in the MLflow API, the registered version with its run and dataset, its STAC item;
 * the publish gate refusing and passing; predictions on the fly (GeoJSON and OSM XML) and as a job; feedback; stats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../../src/db/test-support/test-databases.ts';
import { call } from './test-support/http-client.ts';
import type { JsonResponse } from './test-support/http-client.ts';
import {
  CHIP_SIZE,
  ZOOM,
  person,
  readEvents,
  startSyntheticFixture,
  waitFor,
  responseJson as body,
} from './test-support/resource-fixture.ts';
import type { Person, SyntheticFixture } from './test-support/resource-fixture.ts';
import { startTestServer } from './test-support/test-server.ts';
import type { TestServer } from './test-support/test-server.ts';
import { bboxPolygon } from '../../src/geo/index.ts';

type Json = Record<string, unknown>;
type ApiError = { error: { code: string; message: string; details: unknown } };

let imagery: SyntheticFixture;

beforeAll(async () => {
  imagery = await startSyntheticFixture();
});

afterAll(async () => {
  await imagery?.close();
});

describe.each(testDatabaseEngines())('the main job over HTTP on $name', (engine) => {
  let t: TestServer;
  let owner: Person;
  let other: Person;
  let datasetId: string;
  let trainingId: string;
  const model = `synthetic-${engine.name}`;

  /** `who` null: anonymous. */
  const post = (path: string, payload: unknown, who: Person | null = owner): Promise<JsonResponse> =>
    call(`${t.url}${path}`, { method: 'POST', body: payload, ...(who === null ? {} : { token: who.token }) });
  const get = (path: string, who: Person | null = owner): Promise<JsonResponse> =>
    call(`${t.url}${path}`, who === null ? {} : { token: who.token });

  beforeAll(async () => {
    t = await startTestServer(engine, { worker: true, env: { FAIR_ALLOW_PRIVATE_NETWORK: '1' } });
    owner = await person(t, '11');
    other = await person(t, '12');
    const dataset = await post('/api/datasets', {
      name: 'synthetic town',
      imagery: imagery.server.tileTemplate,
      zooms: [ZOOM],
      mask_kind: 'multi',
      chip_size: CHIP_SIZE,
    });
    expect(dataset.status).toBe(201);
    datasetId = body(dataset)['id'] as string;
    const aoi = await post(`/api/datasets/${datasetId}/aois`, bboxPolygon(imagery.trainBBox));
    expect(aoi.status).toBe(201);
    const labels = await post(`/api/datasets/${datasetId}/labels`, imagery.labels);
    expect(labels.status).toBe(201);
    expect(body(labels)['features']).toBe(imagery.labels.features.length);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('refuses a training that breaks the limits or names an incompatible base model, naming the field', async () => {
    const epochs = await post('/api/trainings', { dataset_id: datasetId, model_name: model, epochs: 1000 });
    expect(epochs.status).toBe(400);
    expect((epochs.body as ApiError).error.message).toMatch(/body field epochs/);
    const batch = await post('/api/trainings', { dataset_id: datasetId, model_name: model, batch_size: 64 });
    expect((batch.body as ApiError).error.message).toMatch(/body field batch_size/);
    const zoom = await post('/api/trainings', { dataset_id: datasetId, model_name: model, zooms: [17] });
    expect((zoom.body as ApiError).error.message).toMatch(/body field zooms\.0/);
    const base = await post('/api/trainings', {
      dataset_id: datasetId,
      model_name: model,
      base_model: 'nope',
    });
    expect(base.status).toBe(400);
    expect((base.body as ApiError).error.message).toMatch(/base_model/);
    const missing = await post('/api/trainings', { dataset_id: 'no-such-dataset', model_name: model });
    expect(missing.status).toBe(404);
    const anonymous = await post('/api/trainings', { dataset_id: datasetId, model_name: model }, null);
    expect(anonymous.status).toBe(401);
  });

  it('trains through the API, streaming progress over SSE to the end', async () => {
    const started = await post('/api/trainings', {
      dataset_id: datasetId,
      model_name: model,
      epochs: 1,
      batch_size: 4,
    });
    expect(started.status).toBe(201);
    trainingId = body(started)['id'] as string;
    expect(body(started)).toMatchObject({ phase: 'QUEUED', base_model: 'unet-s', model_name: model });
    const events = await readEvents(`${t.url}/api/trainings/${trainingId}/events`, owner.token);
    expect(events.at(-1)?.type).toBe('execution.succeeded');
    expect(events.filter((e) => e.type === 'task.metrics').map((e) => e.data['epoch'])).toEqual([1]);
    await t.resources?.trainingFollower.settled(trainingId);
    const training = body(await get(`/api/trainings/${trainingId}`));
    expect(training).toMatchObject({ phase: 'SUCCEEDED', model_version: 1, stac_item_id: `${model}-v1` });
    expect(Object.keys(training['metrics'] as Json)).toContain('object_f1');
    expect((training['execution'] as { nodes: unknown[] }).nodes).toHaveLength(5);
    expect(t.backgroundErrors).toEqual([]);
  }, 300_000);

  it('records every epoch and the evaluation in an MLflow run, linked from the model version', async () => {
    const metrics = body(await get(`/api/trainings/${trainingId}/metrics`));
    const runId = metrics['run_id'] as string;
    const history = metrics['history'] as Record<string, { step: number }[]>;
    expect(history['train_loss']?.map((p) => p.step)).toEqual([1]);
    expect(history['eval_object_f1']).toHaveLength(1);
    const run = body(await get(`/api/2.0/mlflow/runs/get?run_id=${runId}`));
    const info = (run['run'] as { info: Json; data: { tags: { key: string; value: string }[] } }).info;
    expect(info['status']).toBe('FINISHED');
    const tags = (run['run'] as { data: { tags: { key: string; value: string }[] } }).data.tags;
    expect(tags).toContainEqual({ key: 'fair.training_id', value: trainingId });
    const version = body(await get(`/api/models/${model}/versions/1`));
    expect(version).toMatchObject({
      run_id: runId,
      dataset_id: datasetId,
      base_model: 'unet-s',
      stage: 'None',
    });
    expect(version['files']).toContain('model.onnx');
    const onnx = await fetch(`${t.url}/api/models/${model}/versions/1/files/model.onnx`);
    expect(onnx.status).toBe(200);
    expect((await onnx.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });

  it('publishes the version as a STAC item derived from its dataset and base model', async () => {
    const item = body(await get(`/stac/collections/local-models/items/${model}-v1`));
    const links = item['links'] as { rel: string; href: string }[];
    expect(links.filter((l) => l.rel === 'derived_from').map((l) => l.href)).toEqual(
      expect.arrayContaining([
        `${t.url}/stac/collections/datasets/items/${datasetId}`,
        `${t.url}/stac/collections/base-models/items/unet-s`,
      ]),
    );
    expect(links.find((l) => l.rel === 'mlflow-run')?.href).toMatch(
      /\/api\/2\.0\/mlflow\/runs\/get\?run_id=/,
    );
    const assets = item['assets'] as Record<string, { href: string; roles: string[] }>;
    const modelAsset = Object.values(assets).find((a) => a.roles.includes('mlm:model'));
    const self = links.find((l) => l.rel === 'self')?.href ?? '';
    const onnx = await fetch(new URL(modelAsset?.href ?? '', self));
    expect(onnx.status).toBe(200);
    expect(onnx.headers.get('content-type')).toBe('application/octet-stream');
    expect((await get(`/stac/collections/datasets/items/${datasetId}`)).status).toBe(200);
    expect((await get('/stac/collections/base-models/items/unet-s')).status).toBe(200);
  });

  it('refuses Production below the publish gate and passes above it, archiving the previous one', async () => {
    const versionWithF1 = async (f1: number): Promise<string> => {
      const run = body(await post('/api/2.0/mlflow/runs/create', { experiment_id: '0' }));
      const runId = (run['run'] as { info: { run_id: string } }).info.run_id;
      const logged = await post('/api/2.0/mlflow/runs/log-metric', {
        run_id: runId,
        key: 'eval_object_f1',
        value: f1,
        timestamp: Date.now(),
      });
      expect(logged.status).toBe(200);
      const created = await post('/api/2.0/mlflow/model-versions/create', {
        name: model,
        source: 'mlflow-artifacts:/0/elsewhere',
        run_id: runId,
      });
      expect(created.status).toBe(200);
      return (body(created)['model_version'] as { version: string }).version;
    };
    const weak = await versionWithF1(0.2);
    const refused = await post(`/api/models/${model}/versions/${weak}/promote`, { stage: 'Production' });
    expect(refused.status).toBe(400);
    expect((refused.body as ApiError).error.details).toMatchObject({ metric: 'object_f1', value: 0.2 });
    const strong = await versionWithF1(0.9);
    expect(
      (await post(`/api/models/${model}/versions/${strong}/promote`, { stage: 'Production' })).status,
    ).toBe(200);
    const stronger = await versionWithF1(0.95);
    const promoted = await post(`/api/models/${model}/versions/${stronger}/promote`, { stage: 'Production' });
    expect(body(promoted)['stage']).toBe('Production');
    expect(body(await get(`/api/models/${model}/versions/${strong}`))['stage']).toBe('Archived');
    const byOther = await post(`/api/models/${model}/versions/1/promote`, { stage: 'Staging' }, other);
    expect(byOther.status).toBe(403);
    const staged = await post(`/api/models/${model}/versions/1/promote`, { stage: 'Staging' });
    expect(body(staged)['stage']).toBe('Staging');
    const item = body(await get(`/stac/collections/local-models/items/${model}-v1`));
    expect((item['properties'] as Json)['fair:stage']).toBe('Staging');
  });

  it('predicts on the fly as GeoJSON and OSM XML, and refuses a large area unless it is a job', async () => {
    const created = await post('/api/predictions', {
      model_name: model,
      model_version: 1,
      bbox: imagery.predictBBox,
    });
    expect(created.status).toBe(201);
    const prediction = body(created);
    expect(prediction).toMatchObject({
      status: 'SUCCEEDED',
      mode: 'sync',
      model_version: 1,
      dataset_id: datasetId,
    });
    const results = await get(`/api/predictions/${prediction['id'] as string}/results`);
    expect(results.headers.get('content-type')).toMatch(/application\/geo\+json/);
    const features = (results.body as { features: { id: number }[] }).features;
    expect(features.length).toBe(prediction['features']);
    expect(features.map((f) => f.id)).toEqual(features.map((_, i) => i));
    const osm = await get(`/api/predictions/${prediction['id'] as string}/results?format=osm`);
    expect(osm.headers.get('content-type')).toMatch(/application\/xml/);
    expect(osm.text).toMatch(/^<\?xml[^>]*>\s*<osm /);
    expect((osm.text.match(/<tag k="building" v="yes"\/>/g) ?? []).length).toBe(features.length);
    const [w, s] = imagery.predictBBox;
    const large = await post('/api/predictions', {
      model_name: model,
      model_version: 1,
      bbox: [w, s, w + 0.02, s + 0.02],
    });
    expect(large.status).toBe(413);
    expect((large.body as ApiError).error.message).toMatch(/async/);
  });

  it('runs a prediction job for the same area and records its buildings', async () => {
    const created = await post('/api/predictions', {
      model_name: model,
      model_version: 1,
      bbox: imagery.predictBBox,
      async: true,
    });
    expect(created.status).toBe(201);
    expect(body(created)).toMatchObject({ mode: 'job', status: 'QUEUED' });
    const id = body(created)['id'] as string;
    const done = await waitFor(async () => {
      const p = body(await get(`/api/predictions/${id}`));
      return ['QUEUED', 'RUNNING'].includes(p['status'] as string) ? undefined : p;
    }, 120_000);
    expect(done).toMatchObject({ status: 'SUCCEEDED' });
    const results = await get(`/api/predictions/${id}/results`);
    expect((results.body as { features: unknown[] }).features).toHaveLength(done['features'] as number);
  }, 150_000);

  it('accepts and rejects predicted buildings with the prediction’s settings, and counts them', async () => {
    const list = body(await get(`/api/predictions?model_name=${model}&status=SUCCEEDED`));
    const prediction = (list['items'] as Json[]).find((p) => p['mode'] === 'sync') as Json;
    const id = prediction['id'] as string;
    const accepted = await post('/api/feedback', { prediction_id: id, feature_id: 0, verdict: 'accepted' });
    expect(accepted.status).toBe(201);
    expect(body(accepted)).toMatchObject({
      model_name: model,
      model_version: 1,
      dataset_id: datasetId,
      config: { zoom: ZOOM, tolerance: 0.3, area: 3, confidence: null },
    });
    expect((body(accepted)['geometry'] as Json)['type']).toBe('Polygon');
    await post('/api/feedback', { prediction_id: id, feature_id: 1, verdict: 'accepted' }, other);
    const changed = await post(
      '/api/feedback',
      { prediction_id: id, feature_id: 1, verdict: 'rejected' },
      other,
    );
    expect(changed.status).toBe(201);
    const unknown = await post('/api/feedback', {
      prediction_id: id,
      feature_id: 99_999,
      verdict: 'accepted',
    });
    expect(unknown.status).toBe(400);
    expect((unknown.body as ApiError).error.message).toMatch(/feature_id/);
    const perVersion = body(await get(`/api/feedback?model_name=${model}&model_version=1`));
    expect(perVersion['counts']).toEqual({ accepted: 1, rejected: 1 });
    expect(body(await get(`/api/feedback?dataset_id=${datasetId}&verdict=rejected`))['items']).toHaveLength(
      1,
    );
    const stats = body(await get('/api/stats', null));
    expect(stats).toMatchObject({
      datasets: 1,
      trainings: { total: 1, by_phase: { SUCCEEDED: 1 } },
      predictions: 2,
      feedback: { accepted: 1, rejected: 1, total: 2, acceptance_rate: 0.5 },
    });
    expect((stats['model_versions'] as { by_stage: Json }).by_stage).toMatchObject({
      Staging: 1,
      Production: 1,
      Archived: 1,
    });
    expect(stats['predicted_features']).toBe((prediction['features'] as number) * 2);
  });
});
