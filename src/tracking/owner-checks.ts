/**
 * @module tracking/owner-checks — who may write experiments, runs and run artifacts (issue 6 §5: owners or admins
 * modify and delete): checked only when a viewer is given; internal callers pass none and stay trusted.
 */
import { AppError } from '../shared/index.ts';
import { ARTIFACT_PREFIX } from './artifacts.ts';
import type { ArtifactRepository } from './artifacts.ts';
import type { RunWriteState, TrackingStore } from './store.ts';
import type { Viewer } from './tracking-service.ts';

/** What a refused experiment write was: a change of the experiment itself, or a new run in it. */
export type ExperimentWrite = 'change' | 'add runs to';

/**
 * The owner rules over a store: admins may do everything; an experiment is written by its owner, or by anyone when
 * it has none; a run by its owner, or, when it has none, by whoever may write its experiment.
 */
export class OwnerChecks {
  readonly #store: TrackingStore;
  readonly #artifacts: ArtifactRepository;

  /**
   * @param store - where the owners are recorded
   * @param artifacts - maps run artifact URIs to the proxy's paths
   */
  constructor(store: TrackingStore, artifacts: ArtifactRepository) {
    this.#store = store;
    this.#artifacts = artifacts;
  }

  /**
   * Checks that the viewer may write an experiment; a missing experiment passes (the operation reports it).
   * @param experimentId - the experiment
   * @param viewer - who asks; undefined: a trusted internal caller
   * @param write - what the viewer wants to do, for the message (default `change`)
   * @throws AppError PERMISSION_DENIED naming the experiment and its owner
   */
  async experiment(
    experimentId: string,
    viewer: Viewer | undefined,
    write: ExperimentWrite = 'change',
  ): Promise<void> {
    if (viewer === undefined || viewer.admin === true) return;
    const owner = (await this.#store.getExperimentOwner(experimentId))?.owner_id ?? null;
    if (owner === null || owner === viewer.userId) return;
    throw new AppError(
      'PERMISSION_DENIED',
      `experiment ${experimentId} belongs to ${owner}; only its owner or an admin may ${write} it`,
      { experimentId, ownerId: owner },
    );
  }

  /**
   * Checks that the viewer may write a run; a missing run passes (the operation reports it).
   * @param runId - the run
   * @param viewer - who asks; undefined: a trusted internal caller
   * @throws AppError PERMISSION_DENIED naming the run and the owner that refuses
   */
  async run(runId: string, viewer: Viewer | undefined): Promise<void> {
    if (viewer === undefined || viewer.admin === true) return;
    const state = await this.#store.getRunWriteState(runId);
    if (state !== undefined) checkRunWrite(runId, state, viewer);
  }

  /**
   * Checks that the viewer may upload or delete a path of the artifact proxy: it must lie inside the artifacts of a
   * run (`…/<run_id>/artifacts[/…]`) that the viewer may write. A path the repository refuses as unsafe passes here.
   * @param artifactPath - the proxy path (relative to the artifact root)
   * @param viewer - who asks; undefined: a trusted internal caller
   * @throws AppError PERMISSION_DENIED naming the path, or as `run`
   */
  async artifactPath(artifactPath: string, viewer: Viewer | undefined): Promise<void> {
    if (viewer === undefined || viewer.admin === true) return;
    const segments = artifactPath.replace(/\/+$/, '').split('/');
    if (segments.some((s) => s === '' || s === '.' || s === '..')) return;
    const runId = await this.#runOf(segments);
    if (runId === undefined) {
      throw new AppError(
        'PERMISSION_DENIED',
        `artifact path '${artifactPath}' is not inside a run's artifacts; only an admin may change it`,
        { artifactPath },
      );
    }
    await this.run(runId, viewer);
  }

  /** The run whose artifact folder holds the path: `<location…>/<run_id>/artifacts` must be its artifact URI. */
  async #runOf(segments: readonly string[]): Promise<string | undefined> {
    for (let i = 1; i + 1 < segments.length; i++) {
      const candidate = segments[i];
      if (segments[i + 1] !== 'artifacts' || candidate === undefined) continue;
      const run = await this.#store.getRun(candidate);
      if (run !== undefined && this.#keyOf(run.info.artifact_uri) === keyPath(segments.slice(0, i + 2)))
        return candidate;
    }
    return undefined;
  }

  #keyOf(uri: string): string | undefined {
    try {
      return this.#artifacts.keyOf(uri);
    } catch {
      // A run recorded under another artifact root holds nothing the proxy serves.
      return undefined;
    }
  }
}

function keyPath(segments: readonly string[]): string {
  return [ARTIFACT_PREFIX, ...segments].join('/');
}

/**
 * Checks a run's owners against the viewer: its own owner, or, when it has none, whoever may write its experiment.
 * @param runId - the run, for the message
 * @param state - the run's owners as read
 * @param viewer - who asks; undefined or admin: allowed
 * @throws AppError PERMISSION_DENIED naming the run and the owner that refuses
 */
export function checkRunWrite(runId: string, state: RunWriteState, viewer: Viewer | undefined): void {
  if (viewer === undefined || viewer.admin === true) return;
  if (state.owner_id !== null) {
    if (state.owner_id === viewer.userId) return;
    throw new AppError(
      'PERMISSION_DENIED',
      `run ${runId} belongs to ${state.owner_id}; only its owner or an admin may change it`,
      { runId, ownerId: state.owner_id },
    );
  }
  const experimentOwner = state.experiment_owner_id;
  if (experimentOwner === null || experimentOwner === viewer.userId) return;
  throw new AppError(
    'PERMISSION_DENIED',
    `run ${runId} has no owner and its experiment ${state.experiment_id} belongs to ${experimentOwner}; ` +
      'only that owner or an admin may change it',
    { runId, experimentId: state.experiment_id, ownerId: experimentOwner },
  );
}
