/**
 * @module tests/system/test-support/test-server — a started fAIr server for black-box tests: the workflows runtime
 * on a fresh database of the given engine and a file blob store in a temp folder, the domain services, and the
 * HTTP server on 127.0.0.1 port 0. Optionally a local worker (the SSE tests need one).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestDatabaseEngine } from '../../../src/db/test-support/test-databases.ts';
import { createServer, openServerServices } from '../../../src/server/index.ts';
import type { FairServer, Resources, TableSource } from '../../../src/server/index.ts';
import { loadConfig } from '../../../src/shared/index.ts';
import type { Config } from '../../../src/shared/index.ts';
import {
  builtinCatalogModule,
  createLocalWorker,
  openWorkflowRuntime,
} from '../../../src/workflows/index.ts';
import type { LocalWorker, WorkflowRuntime } from '../../../src/workflows/index.ts';

/** A started server and what it runs on. */
export type TestServer = {
  url: string;
  server: FairServer;
  runtime: WorkflowRuntime;
  config: Config;
  worker: LocalWorker | undefined;
  /** fAIr's resources (their services, e.g. to wait for a training's follower). */
  resources: Resources | undefined;
  /** Errors of the resources' background work (followers, publishing, jobs). */
  backgroundErrors: unknown[];
  close(): Promise<void>;
};

/** How to start it. */
export type TestServerOptions = {
  /** Environment overrides for `loadConfig` (e.g. the OAuth2 provider URLs). */
  env?: Record<string, string>;
  singleUser?: boolean;
  /** Run a local worker in the process (default false). */
  worker?: boolean;
  /** Endpoint tables mounted besides fAIr's own (e.g. one that fails on purpose). */
  tables?: readonly TableSource[];
};

/**
 * Starts a server on a fresh database of `engine`.
 * @param engine - the database engine (`testDatabaseEngines()`)
 * @param options - environment, single-user mode, worker
 * @returns the server; `close()` stops it and deletes the database and the temp folder
 */
export async function startTestServer(
  engine: TestDatabaseEngine,
  options: TestServerOptions = {},
): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'fair-server-test-'));
  const database =
    engine.name === 'pglite'
      ? { url: 'pglite://memory', drop: async () => undefined }
      : await engine.create();
  const config: Config = {
    ...loadConfig({ FAIR_DATA_DIR: dir, FAIR_LEASE_SECONDS: '5', ...options.env }),
    databaseUrl: database.url,
    workerConcurrency: 1,
  };
  const runtime = await openWorkflowRuntime(config);
  let server: FairServer | undefined;
  let worker: LocalWorker | undefined;
  const backgroundErrors: unknown[] = [];
  try {
    const services = await openServerServices(runtime, {
      config,
      overpass: { backoffMs: 1 },
      onError: (error) => void backgroundErrors.push(error),
    });
    server = await createServer({
      config,
      runtime,
      tables: [...services.tables, ...(options.tables ?? [])],
      routeSets: services.routeSets,
      artifactEndpoints: services.artifactEndpoints,
      singleUser: options.singleUser === true,
    });
    const url = await server.listen({ port: 0, host: '127.0.0.1' });
    if (options.worker === true) {
      worker = createLocalWorker({
        protocol: runtime.controlPlane,
        tasks: runtime.tasks,
        catalogModule: builtinCatalogModule,
        blobs: runtime.blobs,
        config,
        hooks: services.hooks,
        pollMs: 200,
      });
      worker.start();
    }
    const started = server;
    return {
      url,
      server: started,
      runtime,
      config,
      worker,
      resources: services.resources,
      backgroundErrors,
      async close() {
        await worker?.stop();
        await started.close();
        await runtime.close();
        await database.drop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await worker?.stop();
    await server?.close();
    await runtime.close();
    await database.drop();
    throw error;
  }
}
