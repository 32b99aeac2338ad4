/**
 * @module tracking/store — the tracking store interface: only primitives (conveniences such as logMetric are
 * functions over the service); one implementation, `store.sql.ts`, on PostgreSQL's dialect (PGlite or a server).
 */
import type {
  Experiment,
  ExperimentTag,
  LifecycleStage,
  Metric,
  Page,
  Param,
  Run,
  RunStatus,
  RunTag,
  ViewType,
} from './entities.ts';
import type { FilterClause, OrderByClause } from './search-grammar.ts';

/** A new experiment; the id comes from `allocateExperimentId` (or is `"0"` for Default). */
export type NewExperiment = {
  experiment_id: string;
  name: string;
  artifact_location: string;
  creation_time: number;
  tags: ExperimentTag[];
  /** The fAIr user who owns it; null: nobody (anyone may write it). */
  owner_id: string | null;
};

/** A new run, with its first tags. */
export type NewRun = {
  run_id: string;
  experiment_id: string;
  run_name: string;
  user_id: string;
  status: RunStatus;
  start_time: number;
  artifact_uri: string;
  tags: RunTag[];
  /** The fAIr user who owns it (not MLflow's `user_id`); null: nobody (its experiment's writers may write it). */
  owner_id: string | null;
};

/**
 * What decides whether a run may be written, in one light read: its lifecycle stage, and the owners (its own and
 * its experiment's; null: nobody).
 */
export type RunWriteState = {
  lifecycle_stage: LifecycleStage;
  owner_id: string | null;
  experiment_id: string;
  experiment_owner_id: string | null;
};

/** Fields of a run's info to change; absent fields stay. */
export type RunInfoUpdate = { status?: RunStatus; end_time?: number; run_name?: string };

/** What a batch logs; already validated by the service. */
export type RunBatch = { metrics: Metric[]; params: Param[]; tags: RunTag[] };

/** A page request: `pageToken` from a previous page (absent for the first), `maxResults` already checked. */
export type PageRequest = { pageToken?: string | undefined; maxResults: number };

/** An experiment search, parsed. */
export type ExperimentSearch = PageRequest & {
  filter: FilterClause[];
  orderBy: OrderByClause[];
  viewType: ViewType;
};

/** A run search, parsed. */
export type RunSearch = PageRequest & {
  experimentIds: string[];
  filter: FilterClause[];
  orderBy: OrderByClause[];
  viewType: ViewType;
};

/**
 * Persistence of experiments and runs. Implementations translate driver errors into AppError and keep these
 * invariants: experiment names are unique; a param's value never changes; `run_name` and the `mlflow.runName` tag
 * agree; the latest value of each metric follows MLflow's rule (`isLaterMetric`).
 */
export interface TrackingStore {
  /** Reserves the next experiment id (`"1"`, `"2"`, …). */
  allocateExperimentId(): Promise<string>;
  /**
   * Records an experiment with its tags.
   * @throws AppError RESOURCE_ALREADY_EXISTS when the name (or id) is taken
   */
  insertExperiment(experiment: NewExperiment): Promise<void>;
  /** An experiment in any lifecycle stage, or undefined. */
  getExperiment(experimentId: string): Promise<Experiment | undefined>;
  /** The experiment with this exact name, or undefined. */
  getExperimentByName(name: string): Promise<Experiment | undefined>;
  /** The owner of an experiment (`owner_id` null: nobody), or undefined when there is no such experiment. */
  getExperimentOwner(experimentId: string): Promise<{ owner_id: string | null } | undefined>;
  /**
   * Renames an experiment.
   * @throws AppError RESOURCE_ALREADY_EXISTS when another experiment has the name
   */
  renameExperiment(experimentId: string, name: string, time: number): Promise<void>;
  /** Moves an experiment and every run in it to a lifecycle stage. */
  setExperimentLifecycle(experimentId: string, stage: LifecycleStage, time: number): Promise<void>;
  /** Sets (inserts or replaces) an experiment tag. */
  setExperimentTag(experimentId: string, tag: ExperimentTag, time: number): Promise<void>;
  /** Deletes an experiment tag; returns false when there was none. */
  deleteExperimentTag(experimentId: string, key: string, time: number): Promise<boolean>;
  /** A page of experiments. @throws AppError INVALID_PARAMETER_VALUE for a bad page token */
  searchExperiments(search: ExperimentSearch): Promise<Page<Experiment>>;
  /** Records a run with its tags. */
  insertRun(run: NewRun): Promise<void>;
  /** A run in any lifecycle stage, with its latest metrics, params and tags, or undefined. */
  getRun(runId: string): Promise<Run | undefined>;
  /** The owners of a run and of its experiment, or undefined when there is no such run. */
  getRunWriteState(runId: string): Promise<RunWriteState | undefined>;
  /** Changes a run's status, end time or name (the name also sets the `mlflow.runName` tag). */
  updateRunInfo(runId: string, update: RunInfoUpdate): Promise<void>;
  /** Moves a run to a lifecycle stage. */
  setRunLifecycle(runId: string, stage: LifecycleStage, time: number): Promise<void>;
  /**
   * Logs metrics (appended; an identical key/value/timestamp/step is kept once), params (a same-value repeat is a
   * no-op) and tags (replaced; `mlflow.runName` also renames the run), in one transaction.
   * @throws AppError INVALID_PARAMETER_VALUE when a param already has another value (nothing is written)
   */
  logBatch(runId: string, batch: RunBatch): Promise<void>;
  /** Deletes a run tag; returns false when there was none. */
  deleteRunTag(runId: string, key: string): Promise<boolean>;
  /**
   * Logged values of a metric, by step, then timestamp, then logging order; all of them when `maxResults` is absent.
   * @throws AppError INVALID_PARAMETER_VALUE for a bad page token
   */
  getMetricHistory(
    runId: string,
    key: string,
    page: { pageToken?: string | undefined; maxResults?: number | undefined },
  ): Promise<Page<Metric>>;
  /** A page of runs. @throws AppError INVALID_PARAMETER_VALUE for a bad page token */
  searchRuns(search: RunSearch): Promise<Page<Run>>;
}
