/**
 * @module tracking/entities — experiments, runs, metrics, params and tags, shaped and named exactly as MLflow's
 * `service.proto` messages (snake_case fields, times in ms since the epoch), so the REST layer maps them 1:1.
 */

/** `RunStatus` of the protos. */
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

/** Every run status, in the protos' enum order (RUNNING = 1 … KILLED = 5). */
export const runStatuses: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];

/** Lifecycle of experiments and runs: deletion is soft and can be undone. */
export type LifecycleStage = 'active' | 'deleted';

/** `ViewType` of the protos: which lifecycle stages a search returns. */
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

/** Every view type, in the protos' enum order (ACTIVE_ONLY = 1 … ALL = 3). */
export const viewTypes: readonly ViewType[] = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'];

/** `ExperimentTag`. */
export type ExperimentTag = { key: string; value: string };

/** `RunTag`. */
export type RunTag = { key: string; value: string };

/** `Param`: logged once per run and key, never changed. */
export type Param = { key: string; value: string };

/** `Metric`: one logged value; a key has a history of them. `value` may be NaN. */
export type Metric = { key: string; value: number; timestamp: number; step: number };

/** `Experiment`; `experiment_id` is the decimal string of an integer (`"0"` is the Default experiment). */
export type Experiment = {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  last_update_time: number;
  creation_time: number;
  tags: ExperimentTag[];
};

/** `RunInfo`; `run_uuid` repeats `run_id` (deprecated in the protos, still sent); `end_time` null until set. */
export type RunInfo = {
  run_id: string;
  run_uuid: string;
  run_name: string;
  experiment_id: string;
  user_id: string;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
  artifact_uri: string;
  lifecycle_stage: LifecycleStage;
};

/** `RunData`: the latest value of each metric (see `isLaterMetric`), every param and tag, each sorted by key. */
export type RunData = { metrics: Metric[]; params: Param[]; tags: RunTag[] };

/** `RunInputs`: dataset inputs are not tracked here, so always empty. */
export type RunInputs = Record<string, never>;

/** `Run`. */
export type Run = { info: RunInfo; data: RunData; inputs: RunInputs };

/** `FileInfo` of an artifact listing: a path relative to the artifact root; `file_size` only for files. */
export type FileInfo = { path: string; is_dir: boolean; file_size?: number };

/** One page of a search; `nextPageToken` is undefined on the last page. */
export type Page<T> = { items: T[]; nextPageToken: string | undefined };

/** The run tag that mirrors `run_name` (MLflow keeps both in step). */
export const RUN_NAME_TAG = 'mlflow.runName';

/** The run tag that names the user, read when a run is created without `user_id`. */
export const USER_TAG = 'mlflow.user';

/**
 * MLflow's rule for the latest value of a metric: the larger step wins, then the later timestamp, then the larger
 * value (NaN counts as 0 in that last comparison).
 * @param a - a candidate
 * @param b - the current latest
 * @returns true when `a` replaces `b` as the latest
 */
export function isLaterMetric(a: Metric, b: Metric): boolean {
  if (a.step !== b.step) return a.step > b.step;
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return nanAsZero(a.value) > nanAsZero(b.value);
}

function nanAsZero(value: number): number {
  return Number.isNaN(value) ? 0 : value;
}
