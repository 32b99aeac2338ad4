import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../db/test-support/test-databases.ts';
import { failure } from '../shared/test-support/app-error-failure.ts';
import { readAll } from '../storage/blob-body.ts';
import { mlflowArtifactEndpoints } from './mlflow-artifact-endpoints.ts';
import type { ArtifactProxyEndpoint, ArtifactProxyRequest } from './mlflow-artifact-endpoints.ts';
import { openTrackingFixture } from './test-support/tracking-fixture.ts';
import type { TrackingFixture } from './test-support/tracking-fixture.ts';

describe.each(testDatabaseEngines())('MLflow artifacts on $name', (engine) => {
  let f: TrackingFixture;
  let proxy: (
    method: ArtifactProxyEndpoint['method'],
    wildcard: boolean,
    request: ArtifactProxyRequest,
  ) => ReturnType<ArtifactProxyEndpoint['handle']>;
  let runId: string;
  let base: string;
  beforeAll(async () => {
    f = await openTrackingFixture(engine);
    const endpoints = mlflowArtifactEndpoints(f.service);
    proxy = (method, wildcard, request) => {
      const endpoint = endpoints.find((e) => e.method === method && e.path.endsWith('/*') === wildcard);
      if (endpoint === undefined) throw new Error(`no ${method} endpoint`);
      return endpoint.handle(request);
    };
    const experimentId = (await f.call('POST', 'experiments/create', { name: 'artifacts' }))[
      'experiment_id'
    ] as string;
    const { run } = await f.call('POST', 'runs/create', { experiment_id: experimentId });
    runId = (run as { info: { run_id: string } }).info.run_id;
    base = `${experimentId}/${runId}/artifacts`;
  });
  afterAll(() => f.close());

  it('uploads through the proxy (streamed), lists a run folder by folder and downloads the bytes back', async () => {
    const model = Buffer.alloc(70_000, 7);
    expect(
      await proxy('PUT', true, { artifactPath: `${base}/model/model.onnx`, body: Readable.from([model]) }),
    ).toEqual({
      kind: 'json',
      json: {},
    });
    await proxy('PUT', true, { artifactPath: `${base}/model/card/README.md`, body: '# card' });
    await proxy('PUT', true, { artifactPath: `${base}/metrics.json`, body: '{"iou":0.5}' });

    expect(await f.call('GET', 'artifacts/list', { run_id: runId })).toEqual({
      root_uri: `${f.blobs.uriOf('tracking')}/${base}`,
      files: [
        { path: 'metrics.json', is_dir: false, file_size: 11 },
        { path: 'model', is_dir: true },
      ],
    });
    expect(await f.call('GET', 'artifacts/list', { run_id: runId, path: 'model' })).toMatchObject({
      files: [
        { path: 'model/card', is_dir: true },
        { path: 'model/model.onnx', is_dir: false, file_size: 70_000 },
      ],
    });
    expect(await f.call('GET', 'artifacts/list', { run_id: runId, path: 'nothing-here' })).toEqual({
      root_uri: `${f.blobs.uriOf('tracking')}/${base}`,
    });

    const listed = await proxy('GET', false, { query: { path: `${base}/model` } });
    expect(listed).toEqual({
      kind: 'json',
      json: {
        files: [
          { path: 'card', is_dir: true },
          { path: 'model.onnx', is_dir: false, file_size: 70_000 },
        ],
      },
    });

    const download = await proxy('GET', true, { artifactPath: `${base}/model/model.onnx` });
    if (download.kind !== 'stream') throw new Error('expected a stream');
    expect(download.size).toBe(70_000);
    expect((await readAll(download.body)).equals(model)).toBe(true);
  });

  it('deletes a file or a whole folder', async () => {
    await proxy('PUT', true, { artifactPath: `${base}/tmp/a.txt`, body: 'a' });
    await proxy('PUT', true, { artifactPath: `${base}/tmp/sub/b.txt`, body: 'b' });
    await proxy('DELETE', true, { artifactPath: `${base}/tmp/a.txt` });
    expect(await f.service.listProxiedArtifacts(`${base}/tmp`)).toEqual([{ path: 'sub', is_dir: true }]);
    await proxy('DELETE', true, { artifactPath: `${base}/tmp` });
    expect(await f.service.listProxiedArtifacts(`${base}/tmp`)).toEqual([]);
  });

  it('reports a missing file as RESOURCE_DOES_NOT_EXIST and refuses paths that escape', async () => {
    expect(await failure(proxy('GET', true, { artifactPath: `${base}/missing.bin` }))).toEqual({
      code: 'RESOURCE_DOES_NOT_EXIST',
      message: `Artifact '${base}/missing.bin' does not exist`,
    });
    for (const bad of ['../x', `${base}/../../etc`, '/abs', '', 'a//b']) {
      expect((await failure(proxy('PUT', true, { artifactPath: bad, body: 'x' }))).code, bad).toBe(
        'INVALID_PARAMETER_VALUE',
      );
    }
    expect(
      (await failure(f.call('GET', 'artifacts/list', { run_id: runId, path: '../other' }))).message,
    ).toBe("Invalid artifact path: '../other'");
    expect((await failure(f.call('GET', 'artifacts/list', { run_id: 'nope' }))).code).toBe(
      'RESOURCE_DOES_NOT_EXIST',
    );
  });

  it('maps artifact URIs under another root (an mlflow-artifacts: proxy) to the same blob keys', async () => {
    const { ArtifactRepository } = await import('./artifacts.ts');
    const repo = new ArtifactRepository(f.blobs, 'mlflow-artifacts:');
    expect(repo.keyOf('mlflow-artifacts:/3/abc/artifacts')).toBe('tracking/3/abc/artifacts');
    expect(repo.keyOf('mlflow-artifacts:')).toBe('tracking');
    expect((await failure(Promise.resolve().then(() => repo.keyOf('s3://x/3')))).code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
  });
});
