/**
 * @module server/services — the domain services a server mounts, built from the workflows runtime: MLflow tracking
 * (and its artifact proxy), the model registry (MLflow registry API, and the workers' model-version hooks) and the
 * STAC API. Built once in the composition root (`fair serve`, tests), never at module load.
 */
import { migrate } from '../db/index.ts';
import type { Database } from '../db/index.ts';
import {
  createRegistryHooks,
  createRegistryService,
  openSqlRegistryStore,
  registryEndpoints,
  runMetricsFrom,
} from '../registry/index.ts';
import type { RegistryService } from '../registry/index.ts';
import { STAC_API_PREFIX, openSqlStacBackend, stacEndpoints } from '../stac/index.ts';
import type { StacBackend } from '../stac/index.ts';
import type { BlobStore } from '../storage/index.ts';
import {
  createTrackingService,
  mlflowArtifactEndpoints,
  mlflowEndpoints,
  openSqlTrackingStore,
} from '../tracking/index.ts';
import type { ArtifactProxyEndpoint, TrackingService } from '../tracking/index.ts';
import type { ControlPlaneHooks } from '../workflows/index.ts';
import { AuthStore } from './auth/auth-store.ts';
import { serverMigrations } from './auth/migrations.ts';
import { baseUrlTable } from './mount/endpoint-table.ts';
import type { EndpointTable, TableSource } from './mount/endpoint-table.ts';
import { EXECUTION_KIND } from './routes/execution-routes.ts';

/** The services and endpoint tables `createServer` mounts. */
export type ServerServices = {
  tracking: TrackingService;
  registry: RegistryService;
  /** The STAC item store (the registry's published items). */
  stac: StacBackend;
  /** Model-version hooks for local workers: the registry, owners taken from the executions' launchers. */
  hooks: ControlPlaneHooks;
  tables: TableSource[];
  artifactEndpoints: ArtifactProxyEndpoint[];
};

/**
 * Opens the domain services over the runtime's database and blob store. New run artifacts are recorded under
 * `mlflow-artifacts:` so MLflow clients upload and download them through the server's proxy.
 * @param runtime - database and blob store (of `openWorkflowRuntime`)
 * @returns the services, the endpoint tables (`mlflow-tracking`, `mlflow-registry`, `stac`), the artifact proxy and
 *   the workers' hooks
 * @throws AppError from the migrations of tracking, registry, STAC or the server
 */
export async function openServerServices(runtime: {
  db: Database;
  blobs: BlobStore;
}): Promise<ServerServices> {
  const { db } = runtime;
  await migrate(db, 'server', serverMigrations);
  const tracking = await createTrackingService({
    store: await openSqlTrackingStore(db),
    blobs: runtime.blobs,
    artifactRoot: 'mlflow-artifacts:',
  });
  const registry = createRegistryService({
    store: await openSqlRegistryStore(db),
    runMetrics: runMetricsFrom(tracking),
  });
  const owners = new AuthStore(db);
  const hooks = createRegistryHooks(registry, {
    ownerOf: async (executionId) => (await owners.accessOf(EXECUTION_KIND, executionId)).ownerId ?? undefined,
  });
  const stac = await openSqlStacBackend(db);
  const stacTable = (publicUrl: () => string): EndpointTable =>
    baseUrlTable(
      'stac',
      (baseUrl) => stacEndpoints(stac, { baseUrl, serviceDescUrl: `${publicUrl()}/api/openapi.json` }),
      () => `${publicUrl()}${STAC_API_PREFIX}`,
    );
  return {
    tracking,
    registry,
    stac,
    hooks,
    tables: [
      { name: 'mlflow-tracking', endpoints: mlflowEndpoints(tracking) },
      { name: 'mlflow-registry', endpoints: registryEndpoints(registry) },
      stacTable,
    ],
    artifactEndpoints: mlflowArtifactEndpoints(tracking),
  };
}
