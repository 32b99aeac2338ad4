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
import type { Config } from '../shared/index.ts';
import type { ControlPlane, ControlPlaneHooks } from '../workflows/index.ts';
import { AuthStore } from './auth/auth-store.ts';
import { serverMigrations } from './auth/migrations.ts';
import { baseUrlTable } from './mount/endpoint-table.ts';
import type { EndpointTable, TableSource } from './mount/endpoint-table.ts';
import { openTrainingLineage, withTrainingLineage } from './resources/lineage-hooks.ts';
import { openResources } from './resources/open-resources.ts';
import type { ResourceOptions, Resources } from './resources/open-resources.ts';
import { EXECUTION_KIND } from './routes/execution-routes.ts';
import type { RouteSet } from './routes/route-deps.ts';

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
  /** fAIr's resources (datasets, trainings, models, predictions, feedback, stats), when opened with a config. */
  resources: Resources | undefined;
  /** Their routes, for `createServer({ routeSets })`. */
  routeSets: RouteSet[];
};

/** What the resources need besides the runtime; without `config` they are not opened (workers need only hooks). */
export type ServerServicesOptions = {
  config?: Config;
} & Partial<Pick<ResourceOptions, 'onError' | 'syncPredictionMaxKm2' | 'overpass' | 'validateStac'>>;

/**
 * Opens the domain services over the runtime's database and blob store. New run artifacts are recorded under
 * `mlflow-artifacts:` so MLflow clients upload and download them through the server's proxy.
 * @param runtime - database and blob store (of `openWorkflowRuntime`); its control plane for the resources
 * @param options - `config` opens fAIr's resources (with the control plane); their background-work error sink and
 *   limits
 * @returns the services, the endpoint tables (`mlflow-tracking`, `mlflow-registry`, `stac`), the artifact proxy,
 *   the workers' hooks and the resources' route sets
 * @throws AppError from the migrations of tracking, registry, STAC, the server or its resources
 */
export async function openServerServices(
  runtime: { db: Database; blobs: BlobStore; controlPlane?: ControlPlane },
  options: ServerServicesOptions = {},
): Promise<ServerServices> {
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
  // Versions registered by the API's trainings record their MLflow run and fAIr dataset.
  const lineage = await openTrainingLineage(db);
  const hooks = withTrainingLineage(
    createRegistryHooks(registry, {
      ownerOf: async (executionId) =>
        (await owners.accessOf(EXECUTION_KIND, executionId)).ownerId ?? undefined,
      runOf: lineage.runOf,
    }),
    lineage,
  );
  const stac = await openSqlStacBackend(db);
  const { config, ...resourceOptions } = options;
  const resources =
    config === undefined || runtime.controlPlane === undefined
      ? undefined
      : await openResources({
          ...resourceOptions,
          db,
          blobs: runtime.blobs,
          controlPlane: runtime.controlPlane,
          config,
          registry,
          tracking,
          stac,
        });
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
    resources,
    routeSets: resources === undefined ? [] : [resources],
  };
}
