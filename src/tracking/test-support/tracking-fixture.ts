/**
 * @module tracking/test-support/tracking-fixture — a tracking service on a fresh test database (PGlite or
 * PostgreSQL) with a file blob store in a temporary folder, and a caller for the MLflow endpoint table.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../../db/index.ts';
import type { TestDatabaseEngine } from '../../db/test-support/test-databases.ts';
import type { BlobStore } from '../../storage/index.ts';
import { createBlobStore } from '../../storage/index.ts';
import { mlflowEndpoints } from '../mlflow-endpoints.ts';
import type { MlflowEndpoint } from '../mlflow-endpoints.ts';
import type { JsonObject } from '../mlflow-json.ts';
import type { QueryParams } from '../mlflow-requests.ts';
import { createTrackingService } from '../service.ts';
import type { TrackingService, Viewer } from '../tracking-service.ts';
import { openSqlTrackingStore } from '../store.sql.ts';

/** A service, its database and blob store, and `call` for raw MLflow requests. */
export type TrackingFixture = {
  db: Database;
  blobs: BlobStore;
  service: TrackingService;
  /**
   * Calls an endpoint of the table by method and path (without `/api/2.0/mlflow/`): POST sends `input` as the
   * JSON body (round-tripped through JSON text, as a client would send it), GET as the query; `viewer` is who asks
   * (absent: a trusted internal caller).
   */
  call(method: 'GET' | 'POST', path: string, input?: unknown, viewer?: Viewer): Promise<JsonObject>;
  close(): Promise<void>;
};

/**
 * Opens a fixture on an engine.
 * @param engine - from `testDatabaseEngines()`
 * @param now - the service's clock, default `Date.now`
 * @returns the fixture; `close()` it in `afterAll`
 */
export async function openTrackingFixture(
  engine: TestDatabaseEngine,
  now?: () => number,
): Promise<TrackingFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'fair-tracking-'));
  const db = await engine.open();
  const blobs = await createBlobStore(join(dir, 'blobs'), {
    dataDir: dir,
    s3: {
      endpoint: undefined,
      region: 'us-east-1',
      forcePathStyle: true,
      accessKeyId: undefined,
      secretAccessKey: undefined,
    },
  });
  const service = await createTrackingService({
    store: await openSqlTrackingStore(db),
    blobs,
    ...(now === undefined ? {} : { now }),
  });
  const endpoints = new Map<string, MlflowEndpoint>(
    mlflowEndpoints(service).map((e) => [`${e.method} ${e.path.replace('/api/2.0/mlflow/', '')}`, e]),
  );
  return {
    db,
    blobs,
    service,
    async call(method, path, input, viewer) {
      const endpoint = endpoints.get(`${method} ${path}`);
      if (endpoint === undefined) throw new Error(`no endpoint ${method} ${path}`);
      const who = viewer === undefined ? {} : { viewer };
      const response =
        method === 'GET'
          ? await endpoint.handle({ query: (input ?? {}) as QueryParams, ...who })
          : await endpoint.handle({
              body: input === undefined ? undefined : JSON.parse(JSON.stringify(input)),
              ...who,
            });
      // What the HTTP layer would send: the response must survive JSON.
      return JSON.parse(JSON.stringify(response)) as JsonObject;
    },
    async close() {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
