/**
 * @module tracking — MLflow-compatible experiment tracking: experiments, runs, params, tags, metric histories and
 * artifacts, the MLflow REST request/response mapping the HTTP layer mounts, and the training workflow's hook.
 */
export type * from './entities.ts';
export { RUN_NAME_TAG, USER_TAG, isLaterMetric, runStatuses, viewTypes } from './entities.ts';
export type * from './store.ts';
export { openSqlTrackingStore, SqlTrackingStore } from './store.sql.ts';
export { trackingMigrations } from './migrations.ts';
export { createTrackingService } from './service.ts';
export { DEFAULT_EXPERIMENT } from './tracking-service.ts';
export type {
  Access,
  SearchOptions,
  TrackingService,
  TrackingServiceOptions,
  Viewer,
} from './tracking-service.ts';
export { logMetric, logParam, setTag } from './run-logging.ts';
export { ArtifactRepository, ARTIFACT_PREFIX } from './artifacts.ts';
export { parseOrderBy, parseSearchFilter } from './search-filter.ts';
export { experimentSearchGrammar, runSearchGrammar } from './search-grammar.ts';
export type {
  FilterClause,
  FilterEntity,
  NumberComparator,
  OrderByClause,
  SearchGrammar,
  StringComparator,
} from './search-grammar.ts';
export { decodePageToken, encodePageToken } from './page-token.ts';
export { limits as mlflowLimits } from './validation.ts';
export { mlflowEndpoints, MLFLOW_API_PREFIX } from './mlflow-endpoints.ts';
export type { MlflowEndpoint, MlflowRequest } from './mlflow-endpoints.ts';
export { mlflowArtifactEndpoints, MLFLOW_ARTIFACTS_PREFIX } from './mlflow-artifact-endpoints.ts';
export type {
  ArtifactProxyEndpoint,
  ArtifactProxyRequest,
  ArtifactProxyResponse,
} from './mlflow-artifact-endpoints.ts';
export { mlflowErrorResponse } from './mlflow-json.ts';
export type { Json, JsonObject } from './mlflow-json.ts';
export type { QueryParams } from './mlflow-requests.ts';
export { createTrainingTracker } from './training-tracker.ts';
export type { TrainingEvent, TrainingTracker, TrainingTrackerOptions } from './training-tracker.ts';
