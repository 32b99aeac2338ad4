/**
 * @module registry/test-support/registry-fixture — a registry service on a fresh test database (PGlite or
 * PostgreSQL) with a settable clock, and a caller for the MLflow registry endpoint table with raw requests.
 */
import type { Database } from '../../db/index.ts';
import type { TestDatabaseEngine } from '../../db/test-support/test-databases.ts';
import type { JsonObject, QueryParams } from '../../tracking/index.ts';
import type { Viewer } from '../entities.ts';
import { registryEndpoints } from '../mlflow-registry-api.ts';
import type { RegistryEndpoint, RegistryMethod } from '../mlflow-registry-api.ts';
import type { RegistryService, RegistryServiceOptions } from '../registry-service.ts';
import { createRegistryService } from '../service.ts';
import { openSqlRegistryStore } from '../store.sql.ts';
import type { RegistryStore } from '../store.ts';

/** A service, its database and clock, and `call` for raw MLflow registry requests. */
export type RegistryFixture = {
  db: Database;
  store: RegistryStore;
  service: RegistryService;
  /** The service's clock (ms); tests move it forward. */
  clock: { now: number };
  /**
   * Calls an endpoint by method and path (without `/api/2.0/mlflow/`): GET sends `input` as the query, other methods
   * as the JSON body (round-tripped through JSON text, as a client sends it); the response also goes through JSON.
   */
  call(method: RegistryMethod, path: string, input?: unknown, viewer?: Viewer): Promise<JsonObject>;
  close(): Promise<void>;
};

/**
 * Opens a fixture on an engine.
 * @param engine - from `testDatabaseEngines()`
 * @param options - service options besides the store and clock
 * @returns the fixture; `close()` it in `afterAll`
 */
export async function openRegistryFixture(
  engine: TestDatabaseEngine,
  options: Omit<RegistryServiceOptions, 'store' | 'now'> = {},
): Promise<RegistryFixture> {
  const db = await engine.open();
  const store = await openSqlRegistryStore(db);
  const clock = { now: 1_700_000_000_000 };
  const service = createRegistryService({ ...options, store, now: () => clock.now });
  const endpoints = new Map<string, RegistryEndpoint>(
    registryEndpoints(service).map((e) => [`${e.method} ${e.path.replace('/api/2.0/mlflow/', '')}`, e]),
  );
  return {
    db,
    store,
    service,
    clock,
    async call(method, path, input, viewer) {
      const endpoint = endpoints.get(`${method} ${path}`);
      if (endpoint === undefined) throw new Error(`no endpoint ${method} ${path}`);
      const request =
        method === 'GET'
          ? { query: (input ?? {}) as QueryParams }
          : { body: input === undefined ? undefined : (JSON.parse(JSON.stringify(input)) as unknown) };
      const response = await endpoint.handle({ ...request, ...(viewer === undefined ? {} : { viewer }) });
      return JSON.parse(JSON.stringify(response)) as JsonObject;
    },
    close: () => db.close(),
  };
}
