/**
 * @module server/resources/trainings/training-follower — follows a training's execution in the API process: every
 * epoch's `task.metrics` event into the training's MLflow run (tracking's `createTrainingTracker`), the phase into
 * the training record, and at the end the evaluation metrics and the run's status; a succeeded training's model
 * version is published to the STAC catalog (unless private). After a restart the next process follows the
 * trainings whose end is not recorded again from the start of their events (the run keeps identical metrics once).
 */
import { createTrainingTracker } from '../../../tracking/index.ts';
import type { TrackingService, TrainingTracker } from '../../../tracking/index.ts';
import type { ExecutionEvent, ExecutionPhase, ExecutionView } from '../../../workflows/index.ts';
import type { ExecutionFollowers } from '../common/execution-followers.ts';
import type { ModelPublisher } from '../models/publisher.ts';
import type { TrainingRecord, TrainingStore } from './store.ts';

/** What the follower needs. */
export type TrainingFollowerOptions = {
  store: TrainingStore;
  tracking: TrackingService;
  followers: ExecutionFollowers;
  publisher: ModelPublisher;
  /** Gets what publishing threw (the training still ends). */
  onError: (error: unknown) => void;
};

const runStatus: Readonly<Record<string, 'FINISHED' | 'FAILED' | 'KILLED'>> = {
  SUCCEEDED: 'FINISHED',
  ABORTED: 'KILLED',
};

/** Follows trainings to their end. */
export class TrainingFollower {
  readonly #o: TrainingFollowerOptions;

  /** @param options - store, tracking, followers, publisher, error sink */
  constructor(options: TrainingFollowerOptions) {
    this.#o = options;
  }

  /**
   * Follows a training (a no-op when it is followed already).
   * @param training - the training
   * @param tracker - its tracker when the caller just created the run, default one attached to `run_id`
   */
  follow(training: TrainingRecord, tracker?: TrainingTracker): void {
    let attached: Promise<TrainingTracker | undefined> | undefined =
      tracker === undefined ? undefined : Promise.resolve(tracker);
    const trackerOf = (): Promise<TrainingTracker | undefined> => (attached ??= this.#attach(training));
    this.#o.followers.follow(this.#key(training.id), training.execution_id, {
      onEvent: async (event) => this.#onEvent(training, await trackerOf(), event),
      onEnd: async (execution) => this.#onEnd(training, await trackerOf(), execution),
    });
  }

  /** Follows every training whose end is not recorded (after a restart). */
  async resume(): Promise<number> {
    const open = await this.#o.store.listUnfollowed();
    for (const training of open) this.follow(training);
    return open.length;
  }

  /**
   * Waits until a training's follower is done (its end recorded).
   * @param id - the training id
   */
  settled(id: string): Promise<void> {
    return this.#o.followers.settled(this.#key(id));
  }

  #key(id: string): string {
    return `training:${id}`;
  }

  async #attach(training: TrainingRecord): Promise<TrainingTracker | undefined> {
    if (training.run_id === null) return undefined;
    return createTrainingTracker(this.#o.tracking, {
      experimentName: training.model_name,
      runId: training.run_id,
      nodeId: 'train',
    });
  }

  async #onEvent(
    training: TrainingRecord,
    tracker: TrainingTracker | undefined,
    event: ExecutionEvent,
  ): Promise<void> {
    await tracker?.handleEvent(event);
    if (event.type === 'execution.running')
      await this.#o.store.updateTraining(training.id, { phase: 'RUNNING' });
  }

  async #onEnd(
    training: TrainingRecord,
    tracker: TrainingTracker | undefined,
    execution: ExecutionView,
  ): Promise<void> {
    const metrics = numbersOf(execution.nodes.find((n) => n.id === 'evaluate')?.outputs?.['metrics']);
    if (tracker !== undefined) {
      if (Object.keys(metrics).length > 0) await tracker.logEvaluation(metrics);
      await tracker.finish(runStatus[execution.phase] ?? 'FAILED');
    }
    const version = execution.phase === 'SUCCEEDED' ? execution.outputs?.['model_version'] : undefined;
    const modelVersion = typeof version === 'number' ? version : null;
    await this.#o.store.updateTraining(training.id, {
      phase: execution.phase as ExecutionPhase,
      metrics: Object.keys(metrics).length > 0 ? metrics : null,
      model_version: modelVersion,
    });
    let itemId: string | undefined;
    if (modelVersion !== null && !training.private) {
      itemId = await this.#o.publisher
        .publishVersion(training.model_name, String(modelVersion))
        .catch((error: unknown) => void this.#o.onError(error));
    }
    await this.#o.store.updateTraining(training.id, {
      followed: true,
      ...(itemId === undefined ? {} : { stac_item_id: itemId }),
    });
  }
}

function numbersOf(value: unknown): Record<string, number> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
  );
}
