/**
 * @module server/resources/open-resources — the composition of fAIr's API resources: stores over the database,
 * services wired to each other and to the domains (registry, tracking, STAC, workflows), the followers of running
 * trainings and prediction jobs (resumed at once), and the route tables the server mounts.
 */
import { join } from 'node:path';
import { migrate } from '../../db/index.ts';
import type { Database } from '../../db/index.ts';
import type { RegistryService } from '../../registry/index.ts';
import type { Config } from '../../shared/index.ts';
import type { StacBackend } from '../../stac/index.ts';
import type { BlobStore } from '../../storage/index.ts';
import type { TrackingService } from '../../tracking/index.ts';
import type { ControlPlane } from '../../workflows/index.ts';
import { AuthStore } from '../auth/auth-store.ts';
import type { Route } from '../http/route.ts';
import { EXECUTION_KIND } from '../routes/execution-routes.ts';
import type { RouteDeps } from '../routes/route-deps.ts';
import { ExecutionFollowers } from './common/execution-followers.ts';
import { datasetRoutes } from './datasets/routes.ts';
import { createDatasetService } from './datasets/service.ts';
import type { DatasetService, OverpassOptions } from './datasets/service.ts';
import { SqlDatasetStore } from './datasets/store.sql.ts';
import { feedbackRoutes } from './feedback/routes.ts';
import { createFeedbackService } from './feedback/service.ts';
import type { FeedbackService } from './feedback/service.ts';
import { SqlFeedbackStore } from './feedback/store.sql.ts';
import { RESOURCES_DOMAIN, resourceMigrations } from './migrations.ts';
import { createModelPublisher } from './models/publisher.ts';
import type { ModelPublisher } from './models/publisher.ts';
import { modelRoutes } from './models/routes.ts';
import { createModelService } from './models/service.ts';
import type { ModelService } from './models/service.ts';
import { ModelCache } from './predictions/model-cache.ts';
import { predictionRoutes } from './predictions/routes.ts';
import { createPredictionService } from './predictions/service.ts';
import type { PredictionService } from './predictions/service.ts';
import { SqlPredictionStore } from './predictions/store.sql.ts';
import { statsRoutes } from './stats/routes.ts';
import { trainingRoutes } from './trainings/routes.ts';
import { createTrainingService } from './trainings/service.ts';
import type { TrainingService } from './trainings/service.ts';
import { SqlTrainingStore } from './trainings/store.sql.ts';
import { TrainingFollower } from './trainings/training-follower.ts';

/** What `openResources` needs. */
export type ResourceOptions = {
  /** Database (migrated here with the `server-resources` tables), blob store and control plane of the runtime. */
  db: Database;
  blobs: BlobStore;
  controlPlane: ControlPlane;
  /** Area limit, Overpass URL, network policy, tile cache, data directory (model cache). */
  config: Config;
  registry: RegistryService;
  tracking: TrackingService;
  stac: StacBackend;
  /** Gets errors of background work (followers, publishing), default ignore. */
  onError?: (error: unknown) => void;
  /** Largest area predicted on the fly, km², default 0.5. */
  syncPredictionMaxKm2?: number;
  /** Overpass retry settings (tests shorten the backoff), default `labels/`' defaults. */
  overpass?: Pick<OverpassOptions, 'timeoutMs' | 'retries' | 'backoffMs'>;
  /** Validate published STAC items against `../shared/schemas/stac`, default true. */
  validateStac?: boolean;
};

/** The resources: their services, and their routes for the server. */
export type Resources = {
  datasets: DatasetService;
  trainings: TrainingService;
  models: ModelService;
  predictions: PredictionService;
  feedback: FeedbackService;
  publisher: ModelPublisher;
  /** Follows trainings to their end (tests and the demo wait on `settled(id)`). */
  trainingFollower: TrainingFollower;
  /** The route tables, built with the server's route dependencies. */
  routes(deps: RouteDeps): Route[];
  /** Stops the followers and jobs (the server calls it when it closes). */
  close(): Promise<void>;
};

/**
 * Opens the resources and resumes following unfinished trainings and prediction jobs.
 * @param options - runtime parts, configuration, domain services
 * @returns the resources
 * @throws AppError from the migrations
 * @example
 * const resources = await openResources({ ...runtime, config, registry, tracking, stac });
 * const server = await createServer({ config, runtime, routeSets: [resources] });
 */
export async function openResources(options: ResourceOptions): Promise<Resources> {
  const { db, blobs, controlPlane, config, registry, tracking, stac } = options;
  await migrate(db, RESOURCES_DOMAIN, resourceMigrations);
  const onError = options.onError ?? (() => undefined);
  const owners = new AuthStore(db);
  const setExecutionOwner = (executionId: string, ownerId: string, isPrivate: boolean): Promise<void> =>
    owners.setOwner(EXECUTION_KIND, executionId, ownerId, isPrivate);
  const imagery = { allowPrivateNetwork: config.allowPrivateNetwork, tileCacheDir: config.tileCacheDir };
  const followers = new ExecutionFollowers(controlPlane, onError);
  const trainingStore = new SqlTrainingStore(db);
  const datasetStore = new SqlDatasetStore(db);

  const datasets = createDatasetService({
    store: datasetStore,
    blobs,
    imagery,
    overpass: {
      endpoint: config.overpassUrl,
      allowPrivateNetwork: config.allowPrivateNetwork,
      ...options.overpass,
    },
    maxAoiKm2: config.maxAoiKm2,
    inUse: (id) => trainingStore.usesDataset(id),
  });
  const publisher = createModelPublisher({
    registry,
    stac,
    blobs,
    ...(options.validateStac === undefined ? {} : { validate: options.validateStac }),
    datasetTitle: async (id) => (await datasetStore.getDataset(id))?.name,
  });
  const models = createModelService({ registry, blobs, publisher });
  const trainingFollower = new TrainingFollower({
    store: trainingStore,
    tracking,
    followers,
    publisher,
    onError,
  });
  const trainings = createTrainingService({
    store: trainingStore,
    datasets,
    registry,
    tracking,
    controlPlane,
    blobs,
    follower: trainingFollower,
    setExecutionOwner,
    maxAoiKm2: config.maxAoiKm2,
  });
  const predictions = createPredictionService({
    store: new SqlPredictionStore(db),
    models,
    datasets,
    controlPlane,
    blobs,
    modelCache: new ModelCache(blobs, join(config.dataDir, 'model-cache')),
    followers,
    imagery,
    setExecutionOwner,
    maxAoiKm2: config.maxAoiKm2,
    ...(options.syncPredictionMaxKm2 === undefined ? {} : { syncMaxKm2: options.syncPredictionMaxKm2 }),
  });
  const feedback = createFeedbackService(new SqlFeedbackStore(db), predictions);
  await trainingFollower.resume();
  await predictions.resume();

  return {
    datasets,
    trainings,
    models,
    predictions,
    feedback,
    publisher,
    trainingFollower,
    routes: (deps) => [
      ...datasetRoutes(datasets),
      ...trainingRoutes(trainings, deps),
      ...modelRoutes(models),
      ...predictionRoutes(predictions),
      ...feedbackRoutes(feedback),
      ...statsRoutes({
        datasets: () => datasets.count(),
        trainingsByPhase: () => trainings.countByPhase(),
        versionsByStage: () => models.countVersionsByStage(),
        predictions: () => predictions.totals(),
        verdicts: () => feedback.counts(),
      }),
    ],
    async close() {
      await followers.close();
      await datasets.close();
    },
  };
}
