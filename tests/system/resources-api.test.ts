/**
 * Black-box tests of the training, model, prediction, feedback and stats endpoints' rules over HTTP, without a worker
 * (trainings stay queued): 400 naming the field, 404 for unknown ids, 401/403, private trainings, paging, cancel
 * ending the MLflow run, a dataset kept once trained on, and the base models' files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../../src/db/test-support/test-databases.ts';
import type { JsonResponse } from './test-support/http-client.ts';
import {
  CHIP_SIZE,
  ZOOM,
  person,
  startSyntheticFixture,
  waitFor,
  errorMessage as message,
  personSender,
  responseJson as body,
} from './test-support/resource-fixture.ts';
import type { Person, SyntheticFixture } from './test-support/resource-fixture.ts';
import { startTestServer } from './test-support/test-server.ts';
import type { TestServer } from './test-support/test-server.ts';
import { bboxPolygon } from '../../src/geo/index.ts';

type Json = Record<string, unknown>;

let imagery: SyntheticFixture;

beforeAll(async () => {
  imagery = await startSyntheticFixture();
});

afterAll(async () => {
  await imagery?.close();
});

describe.each(testDatabaseEngines())('resource rules over HTTP on $name', (engine) => {
  let t: TestServer;
  let owner: Person;
  let other: Person;
  let datasetId: string;

  /** `who` null: anonymous. */
  const send = personSender(
    () => t.url,
    () => owner,
  );
  const training = (extra: Json = {}, who: Person = owner): Promise<JsonResponse> =>
    send(
      'POST',
      '/api/trainings',
      { dataset_id: datasetId, model_name: 'queued-model', epochs: 1, ...extra },
      who,
    );

  beforeAll(async () => {
    t = await startTestServer(engine, { env: { FAIR_ALLOW_PRIVATE_NETWORK: '1' } });
    owner = await person(t, '41');
    other = await person(t, '42');
    const created = await send('POST', '/api/datasets', {
      name: 'queued',
      imagery: imagery.server.tileTemplate,
      zooms: [ZOOM],
      chip_size: CHIP_SIZE,
    });
    datasetId = body(created)['id'] as string;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('refuses a training on a dataset without AOIs or labels, naming what is missing', async () => {
    expect(message(await training())).toMatch(/has no AOI/);
    await send('POST', `/api/datasets/${datasetId}/aois`, bboxPolygon(imagery.trainBBox));
    expect(message(await training())).toMatch(/has no labels/);
    expect((await send('POST', `/api/datasets/${datasetId}/labels`, imagery.labels)).status).toBe(201);
  });

  it('queues trainings, pages through them, hides private ones and lets only the owner cancel', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const started = await training({ private: i === 2 });
      expect(started.status).toBe(201);
      ids.push(body(started)['id'] as string);
    }
    const seen: string[] = [];
    let token: string | null = null;
    do {
      const query: string = token === null ? '' : `&page_token=${encodeURIComponent(token)}`;
      const page = body(await send('GET', `/api/trainings?dataset_id=${datasetId}&limit=2${query}`));
      seen.push(...(page['items'] as Json[]).map((x) => x['id'] as string));
      token = page['next_page_token'] as string | null;
    } while (token !== null);
    expect(seen).toEqual([...ids].reverse());
    const anonymous = body(await send('GET', `/api/trainings?dataset_id=${datasetId}`, undefined, null));
    expect((anonymous['items'] as Json[]).map((x) => x['id'])).toEqual([ids[1], ids[0]]);
    expect((await send('GET', `/api/trainings/${ids[2] as string}`, undefined, other)).status).toBe(404);
    const execution = body(await send('GET', `/api/trainings/${ids[2] as string}`))['execution_id'] as string;
    expect((await send('GET', `/api/executions/${execution}`, undefined, other)).status).toBe(404);
    const first = ids[0] as string;
    expect((await send('POST', `/api/trainings/${first}/cancel`, undefined, null)).status).toBe(401);
    expect((await send('POST', `/api/trainings/${first}/cancel`, undefined, other)).status).toBe(403);
    const cancelled = await send('POST', `/api/trainings/${first}/cancel`);
    expect(body(cancelled)).toEqual({ id: first, phase: 'ABORTED' });
    await t.resources?.trainingFollower.settled(first);
    const ended = body(await send('GET', `/api/trainings/${first}`));
    expect(ended['phase']).toBe('ABORTED');
    const run = body(await send('GET', `/api/2.0/mlflow/runs/get?run_id=${ended['run_id'] as string}`));
    expect((run['run'] as { info: Json }).info['status']).toBe('KILLED');
    const byPhase = body(await send('GET', '/api/trainings?phase=ABORTED'));
    expect((byPhase['items'] as Json[]).map((x) => x['id'])).toEqual([first]);
  });

  it('keeps a dataset that was trained on, and keeps model names to their owners', async () => {
    const kept = await send('DELETE', `/api/datasets/${datasetId}`);
    expect(kept.status).toBe(409);
    const taken = await training({}, other);
    expect(taken.status).toBe(403);
    expect(message(taken)).toMatch(/model queued-model belongs to another user/);
    const badName = await training({ model_name: 'no spaces please' });
    expect(message(badName)).toMatch(/body field model_name/);
  });

  it('answers unknown trainings, models, versions, predictions and feedback with 404', async () => {
    for (const path of [
      '/api/trainings/nope',
      '/api/trainings/nope/logs',
      '/api/trainings/nope/events',
      '/api/trainings/nope/metrics',
      '/api/models/nope',
      '/api/models/nope/versions',
      '/api/models/nope/versions/1',
      '/api/models/queued-model/versions/7',
      '/api/models/nope/versions/1/files/model.onnx',
      '/api/predictions/nope',
      '/api/predictions/nope/results',
      '/api/feedback/nope',
      '/api/base-models/nope',
    ])
      expect((await send('GET', path)).status, path).toBe(404);
    expect((await send('POST', '/api/trainings/nope/cancel')).status).toBe(404);
    expect((await send('POST', '/api/models/nope/versions/1/promote', { stage: 'Staging' })).status).toBe(
      404,
    );
    const prediction = await send('POST', '/api/predictions', {
      model_name: 'nope',
      bbox: imagery.predictBBox,
    });
    expect(prediction.status).toBe(404);
    const feedback = await send('POST', '/api/feedback', {
      prediction_id: 'nope',
      feature_id: 0,
      verdict: 'accepted',
    });
    expect(feedback.status).toBe(404);
  });

  it('refuses bad input with 400 naming the field, and writes without a user with 401', async () => {
    expect(message(await send('GET', '/api/models/queued-model/versions/abc'))).toMatch(
      /path parameter version/,
    );
    expect(
      message(await send('POST', '/api/models/queued-model/versions/1/promote', { stage: 'Live' })),
    ).toMatch(/body field stage/);
    const both = await send('POST', '/api/predictions', {
      model_name: 'queued-model',
      bbox: imagery.predictBBox,
      aoi: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
        ],
      },
    });
    expect(message(both)).toMatch(/body field bbox/);
    const inverted = await send('POST', '/api/predictions', {
      model_name: 'queued-model',
      bbox: [1, 1, 0, 0],
    });
    expect(message(inverted)).toMatch(/body field bbox/);
    const verdict = await send('POST', '/api/feedback', {
      prediction_id: 'x',
      feature_id: 0,
      verdict: 'maybe',
    });
    expect(message(verdict)).toMatch(/body field verdict/);
    expect(message(await send('GET', '/api/predictions?status=DONE'))).toMatch(/query parameter status/);
    const writes: [string, string, unknown][] = [
      ['POST', '/api/datasets', { name: 'x', imagery: imagery.server.tileTemplate }],
      ['POST', '/api/trainings', { dataset_id: datasetId, model_name: 'x' }],
      ['POST', '/api/models/queued-model/versions/1/promote', { stage: 'Staging' }],
      ['POST', '/api/models/queued-model/versions/1/publish', undefined],
      ['POST', '/api/predictions', { model_name: 'queued-model', bbox: imagery.predictBBox }],
      ['POST', '/api/feedback', { prediction_id: 'x', feature_id: 0, verdict: 'accepted' }],
      ['DELETE', '/api/feedback/x', undefined],
    ];
    for (const [method, path, payload] of writes)
      expect((await send(method, path, payload, null)).status, `${method} ${path}`).toBe(401);
  });

  it('lists the base models and serves the built-in ones’ files', async () => {
    const list = body(await send('GET', '/api/base-models', undefined, null));
    expect((list['items'] as Json[]).map((b) => b['id'])).toEqual(
      expect.arrayContaining(['unet-s', 'unet-m']),
    );
    const card = await send('GET', '/api/base-models/unet-s/files/model.json', undefined, null);
    expect(card.status).toBe(200);
    expect(body(card)['architecture']).toBe('unet-s');
    expect((await send('GET', '/api/base-models/unet-s/files/secrets.txt')).status).toBe(404);
  });

  it('reports the KPIs to anyone', async () => {
    const stats = await waitFor(async () => {
      const s = body(await send('GET', '/api/stats', undefined, null));
      return (s['trainings'] as { by_phase: Json }).by_phase['ABORTED'] === 1 ? s : undefined;
    });
    expect(stats).toMatchObject({
      datasets: 1,
      trainings: { total: 3, by_phase: { QUEUED: 2, ABORTED: 1 } },
      predictions: 0,
      predicted_features: 0,
      feedback: { accepted: 0, rejected: 0, total: 0, acceptance_rate: null },
    });
  });
});
