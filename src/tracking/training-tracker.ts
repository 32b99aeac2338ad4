/**
 * @module tracking/training-tracker — the hook that records a training workflow as an MLflow run: its inputs as
 * params, every epoch's `metrics` event as metrics at step = epoch, the final evaluation, and the outcome.
 */
import { AppError, isAppError } from '../shared/index.ts';
import type { Metric, Param } from './entities.ts';
import type { TrackingService } from './tracking-service.ts';
import { limits } from './validation.ts';

/**
 * An event of a training execution: what the train task emits (`{type: 'metrics', data}`) or the same event as the
 * workflow's event stream stores it (`type: 'task.metrics'`, with `nodeId`, `at` and `data.attempt`).
 */
export type TrainingEvent = {
  type: string;
  nodeId?: string | null | undefined;
  data: Readonly<Record<string, unknown>>;
  at?: Date | undefined;
};

/** Where and how the run is recorded. */
export type TrainingTrackerOptions = {
  /** Experiment to log into; created when missing. */
  experimentName: string;
  /** Run name, default a generated one. */
  runName?: string | undefined;
  /** Tags of the run (e.g. `fair.execution_id`). */
  tags?: Readonly<Record<string, string>> | undefined;
  /** User recorded on the run (MLflow's `user_id`, a display name), default none. */
  userId?: string | undefined;
  /**
   * fAIr user who owns the run, and the experiment when the tracker creates it (the training's launcher), default
   * nobody (anyone who may write the experiment may write the run).
   */
  ownerId?: string | undefined;
  /** Only events of this workflow node count (e.g. `train`), default every node. */
  nodeId?: string | undefined;
  /** The clock, ms since the epoch, default `Date.now`. */
  now?: () => number;
  /**
   * Continue recording into this existing run instead of creating one (a process following the training again
   * after a restart replays the events: identical metrics are kept once), default a new run.
   */
  runId?: string | undefined;
};

/** One training run being recorded. */
export type TrainingTracker = {
  readonly runId: string;
  readonly experimentId: string;
  /**
   * Logs settings as params (numbers and booleans as text, objects as JSON, cut at 6000 characters; null skipped).
   * @throws AppError INVALID_PARAMETER_VALUE when a param was logged before with another value
   */
  logParams(params: Readonly<Record<string, unknown>>): Promise<void>;
  /**
   * Logs the numeric fields of a `metrics` / `task.metrics` event at step = its `epoch` (other events are ignored).
   * @returns true when the event was logged
   */
  handleEvent(event: TrainingEvent): Promise<boolean>;
  /**
   * Logs the final evaluation's numeric metrics, keys prefixed (default `eval_`), at the last epoch seen (or 0).
   */
  logEvaluation(metrics: Readonly<Record<string, unknown>>, options?: { prefix?: string }): Promise<void>;
  /** Ends the run with a status (default FINISHED) and the end time. */
  finish(status?: 'FINISHED' | 'FAILED' | 'KILLED'): Promise<void>;
};

/** Event fields that are not metrics: the step itself, and the attempt number the workflow stream adds. */
const notMetrics = new Set(['epoch', 'attempt']);

/**
 * Starts recording a training run: finds or creates the experiment and creates a RUNNING run.
 * @param service - the tracking service
 * @param options - experiment, run name, tags, owner, node filter; `runId` to continue an existing run
 * @returns the tracker
 * @throws AppError INVALID_PARAMETER_VALUE when the experiment exists but is deleted, or for bad tags;
 *   RESOURCE_DOES_NOT_EXIST for an unknown `runId`
 * @example
 * const tracker = await createTrainingTracker(tracking, { experimentName: 'banepa', nodeId: 'train',
 *   tags: { 'fair.execution_id': id } });
 * await tracker.logParams(execution.inputs);
 * for await (const event of controlPlane.watch(id)) await tracker.handleEvent(event);
 */
export async function createTrainingTracker(
  service: TrackingService,
  options: TrainingTrackerOptions,
): Promise<TrainingTracker> {
  const now = options.now ?? Date.now;
  const run =
    options.runId !== undefined
      ? await service.getRun(options.runId)
      : await service.createRun({
          experimentId: await experimentIdFor(service, options.experimentName, options.ownerId),
          runName: options.runName,
          userId: options.userId,
          ownerId: options.ownerId,
          startTime: now(),
          tags: Object.entries(options.tags ?? {}).map(([key, value]) => ({ key, value })),
        });
  const runId = run.info.run_id;
  const experimentId = run.info.experiment_id;
  let lastEpoch: number | undefined;

  return {
    runId,
    experimentId,
    async logParams(params) {
      const entries: Param[] = Object.entries(params)
        .filter(([, value]) => value !== null && value !== undefined)
        .map(([key, value]) => ({ key, value: paramText(value).slice(0, limits.paramValueLength) }));
      for (let i = 0; i < entries.length; i += limits.paramsPerBatch) {
        await service.logBatch(runId, { params: entries.slice(i, i + limits.paramsPerBatch) });
      }
    },
    async handleEvent(event) {
      if (event.type !== 'metrics' && event.type !== 'task.metrics') return false;
      if (options.nodeId !== undefined && event.nodeId !== undefined && event.nodeId !== options.nodeId)
        return false;
      const epoch = event.data['epoch'];
      if (typeof epoch !== 'number' || !Number.isSafeInteger(epoch)) return false;
      const timestamp = event.at?.getTime() ?? now();
      const metrics = numericMetrics(event.data, '', timestamp, epoch);
      if (metrics.length === 0) return false;
      await service.logBatch(runId, { metrics });
      lastEpoch = Math.max(lastEpoch ?? epoch, epoch);
      return true;
    },
    async logEvaluation(metrics, evaluation = {}) {
      const logged = numericMetrics(metrics, evaluation.prefix ?? 'eval_', now(), lastEpoch ?? 0);
      if (logged.length > 0) await service.logBatch(runId, { metrics: logged });
    },
    async finish(status = 'FINISHED') {
      await service.updateRun(runId, { status, endTime: now() });
    },
  };
}

async function experimentIdFor(
  service: TrackingService,
  name: string,
  ownerId: string | undefined,
): Promise<string> {
  const existing = await service.getExperimentByName(name).catch((error: unknown) => {
    if (isAppError(error, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
    throw error;
  });
  if (existing !== undefined) {
    if (existing.lifecycle_stage !== 'active') {
      throw new AppError(
        'INVALID_PARAMETER_VALUE',
        `experiment '${name}' is deleted; restore it (experiments/restore) or choose another name`,
      );
    }
    return existing.experiment_id;
  }
  try {
    return await service.createExperiment({ name, ownerId });
  } catch (error) {
    // Another tracker created it at the same moment.
    if (!isAppError(error, 'RESOURCE_ALREADY_EXISTS')) throw error;
    return (await service.getExperimentByName(name)).experiment_id;
  }
}

function numericMetrics(
  data: Readonly<Record<string, unknown>>,
  prefix: string,
  timestamp: number,
  step: number,
): Metric[] {
  return Object.entries(data)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && !notMetrics.has(entry[0]))
    .map(([key, value]) => ({ key: `${prefix}${key}`, value, timestamp, step }));
}

function paramText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}
