/**
 * @module tracking/service — experiment tracking with MLflow's semantics over a `TrackingStore` and the blob store:
 * validation, owners (writes by a viewer need the owner or an admin), lifecycle rules (soft delete and restore), run
 * names, param immutability, searches and artifacts.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { AppError, invalid, isAppError } from '../shared/index.ts';
import type { BlobBody } from '../storage/index.ts';
import { ArtifactRepository } from './artifacts.ts';
import { checkRunWrite, OwnerChecks } from './owner-checks.ts';
import type {
  Experiment,
  ExperimentTag,
  FileInfo,
  Metric,
  Page,
  Param,
  Run,
  RunInfo,
  RunStatus,
  RunTag,
  ViewType,
} from './entities.ts';
import { RUN_NAME_TAG, USER_TAG } from './entities.ts';
import { pageSize } from './page-token.ts';
import { randomRunName } from './run-names.ts';
import { parseOrderBy, parseSearchFilter } from './search-filter.ts';
import { experimentSearchGrammar, runSearchGrammar } from './search-grammar.ts';
import type { TrackingStore } from './store.ts';
import { DEFAULT_EXPERIMENT } from './tracking-service.ts';
import type {
  Access,
  SearchOptions,
  TrackingService,
  TrackingServiceOptions,
  Viewer,
} from './tracking-service.ts';
import {
  limits,
  validateBatch,
  validateExperimentName,
  validateExperimentTag,
  validateRunTag,
} from './validation.ts';

/**
 * Creates the tracking service and makes sure the Default experiment (id `0`) exists.
 * @param options - store, blob store, optional artifact root and clock
 * @returns the service
 * @throws AppError when the store fails
 * @example
 * const tracking = await createTrackingService({ store: await openSqlTrackingStore(db), blobs });
 * const run = await tracking.createRun({ experimentId: '0', runName: 'finetune' });
 */
export async function createTrackingService(options: TrackingServiceOptions): Promise<TrackingService> {
  const service = new StoreTrackingService(options);
  await service.ensureDefaultExperiment();
  return service;
}

/** ±Infinity become ±1.7976931348623157e308 (the largest finite double), as MLflow's SQL store writes them. */
function storedValue(value: number): number {
  return value === Infinity ? Number.MAX_VALUE : value === -Infinity ? -Number.MAX_VALUE : value;
}

class StoreTrackingService implements TrackingService {
  readonly artifacts: ArtifactRepository;
  readonly #store: TrackingStore;
  readonly #now: () => number;
  readonly #owners: OwnerChecks;

  constructor(options: TrackingServiceOptions) {
    this.#store = options.store;
    this.#now = options.now ?? Date.now;
    this.artifacts = new ArtifactRepository(options.blobs, options.artifactRoot);
    this.#owners = new OwnerChecks(this.#store, this.artifacts);
  }

  async ensureDefaultExperiment(): Promise<void> {
    if ((await this.#store.getExperiment(DEFAULT_EXPERIMENT.id)) !== undefined) return;
    try {
      await this.#store.insertExperiment({
        experiment_id: DEFAULT_EXPERIMENT.id,
        name: DEFAULT_EXPERIMENT.name,
        artifact_location: `${this.artifacts.root}/${DEFAULT_EXPERIMENT.id}`,
        creation_time: this.#now(),
        tags: [],
        // Default takes anyone's runs (issue 6 §5).
        owner_id: null,
      });
    } catch (error) {
      // Another process created it first.
      if (!isAppError(error, 'RESOURCE_ALREADY_EXISTS')) throw error;
    }
  }

  async createExperiment(input: {
    name: string;
    artifactLocation?: string | undefined;
    tags?: ExperimentTag[] | undefined;
    ownerId?: string | undefined;
    viewer?: Viewer | undefined;
  }): Promise<string> {
    validateExperimentName(input.name);
    const tags = input.tags ?? [];
    tags.forEach(validateExperimentTag);
    if (input.artifactLocation !== undefined && input.artifactLocation !== '') {
      this.artifacts.keyOf(input.artifactLocation);
    }
    if ((await this.#store.getExperimentByName(input.name)) !== undefined) {
      throw new AppError('RESOURCE_ALREADY_EXISTS', `Experiment(name=${input.name}) already exists.`);
    }
    const id = await this.#store.allocateExperimentId();
    const location = input.artifactLocation || `${this.artifacts.root}/${id}`;
    await this.#store.insertExperiment({
      experiment_id: id,
      name: input.name,
      artifact_location: location.replace(/\/+$/, ''),
      creation_time: this.#now(),
      tags,
      owner_id: input.ownerId ?? input.viewer?.userId ?? null,
    });
    return id;
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const experiment = await this.#store.getExperiment(experimentId);
    if (experiment === undefined) {
      throw new AppError('RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${experimentId} exists`);
    }
    return experiment;
  }

  async getExperimentByName(name: string): Promise<Experiment> {
    const experiment = await this.#store.getExperimentByName(name);
    if (experiment === undefined) {
      throw new AppError('RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name '${name}'`);
    }
    return experiment;
  }

  async searchExperiments(
    options: SearchOptions & { viewType?: ViewType | undefined },
  ): Promise<Page<Experiment>> {
    return this.#store.searchExperiments({
      filter: parseSearchFilter(options.filter, experimentSearchGrammar),
      orderBy: (options.orderBy ?? []).map((o) => parseOrderBy(o, experimentSearchGrammar)),
      viewType: options.viewType ?? 'ACTIVE_ONLY',
      maxResults: pageSize(options.maxResults, limits.searchDefault, limits.searchMax),
      pageToken: options.pageToken,
    });
  }

  async renameExperiment(experimentId: string, newName: string, access?: Access): Promise<void> {
    await this.#owners.experiment(experimentId, access?.viewer);
    const experiment = await this.getExperiment(experimentId);
    if (experiment.lifecycle_stage !== 'active') invalid('Cannot rename a non-active experiment.');
    validateExperimentName(newName);
    if (newName === experiment.name) return;
    await this.#store.renameExperiment(experimentId, newName, this.#now());
  }

  async deleteExperiment(experimentId: string, access?: Access): Promise<void> {
    await this.#owners.experiment(experimentId, access?.viewer);
    await this.#inStage(experimentId, 'active');
    await this.#store.setExperimentLifecycle(experimentId, 'deleted', this.#now());
  }

  async restoreExperiment(experimentId: string, access?: Access): Promise<void> {
    await this.#owners.experiment(experimentId, access?.viewer);
    await this.#inStage(experimentId, 'deleted');
    await this.#store.setExperimentLifecycle(experimentId, 'active', this.#now());
  }

  async setExperimentTag(experimentId: string, key: string, value: string, access?: Access): Promise<void> {
    await this.#owners.experiment(experimentId, access?.viewer);
    await this.#activeExperiment(experimentId);
    validateExperimentTag({ key, value });
    await this.#store.setExperimentTag(experimentId, { key, value }, this.#now());
  }

  async deleteExperimentTag(experimentId: string, key: string, access?: Access): Promise<void> {
    await this.#owners.experiment(experimentId, access?.viewer);
    await this.#activeExperiment(experimentId);
    if (!(await this.#store.deleteExperimentTag(experimentId, key, this.#now()))) {
      throw new AppError(
        'RESOURCE_DOES_NOT_EXIST',
        `No tag with name: ${key} in experiment with id ${experimentId}`,
      );
    }
  }

  async createRun(input: {
    experimentId?: string | undefined;
    userId?: string | undefined;
    runName?: string | undefined;
    startTime?: number | undefined;
    tags?: RunTag[] | undefined;
    ownerId?: string | undefined;
    viewer?: Viewer | undefined;
  }): Promise<Run> {
    const experimentId = input.experimentId ?? DEFAULT_EXPERIMENT.id;
    await this.#owners.experiment(experimentId, input.viewer, 'add runs to');
    const experiment = await this.#activeExperiment(experimentId);
    const tags = [...(input.tags ?? [])];
    tags.forEach(validateRunTag);
    const tagged = tags.findLast((t) => t.key === RUN_NAME_TAG)?.value;
    if (
      input.runName !== undefined &&
      input.runName !== '' &&
      tagged !== undefined &&
      tagged !== input.runName
    ) {
      invalid(
        `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values ` +
          `(run_name='${input.runName}', mlflow.runName='${tagged}').`,
      );
    }
    const runName = input.runName || tagged || randomRunName();
    if (tagged === undefined) tags.push({ key: RUN_NAME_TAG, value: runName });
    const runId = randomUUID().replaceAll('-', '');
    await this.#store.insertRun({
      run_id: runId,
      experiment_id: experiment.experiment_id,
      run_name: runName,
      user_id: input.userId || tags.findLast((t) => t.key === USER_TAG)?.value || '',
      status: 'RUNNING',
      start_time: input.startTime ?? this.#now(),
      artifact_uri: `${experiment.artifact_location}/${runId}/artifacts`,
      tags,
      owner_id: input.ownerId ?? input.viewer?.userId ?? null,
    });
    return this.getRun(runId);
  }

  async getRun(runId: string): Promise<Run> {
    const run = await this.#store.getRun(runId);
    if (run === undefined) throw new AppError('RESOURCE_DOES_NOT_EXIST', `Run with id=${runId} not found`);
    return run;
  }

  async updateRun(
    runId: string,
    update: { status?: RunStatus | undefined; endTime?: number | undefined; runName?: string | undefined },
    access?: Access,
  ): Promise<RunInfo> {
    await this.#writableActiveRun(runId, access);
    if (update.runName !== undefined) validateRunTag({ key: RUN_NAME_TAG, value: update.runName });
    await this.#store.updateRunInfo(runId, {
      ...(update.status === undefined ? {} : { status: update.status }),
      ...(update.endTime === undefined ? {} : { end_time: update.endTime }),
      ...(update.runName === undefined || update.runName === '' ? {} : { run_name: update.runName }),
    });
    return (await this.getRun(runId)).info;
  }

  async deleteRun(runId: string, access?: Access): Promise<void> {
    await this.#owners.run(runId, access?.viewer);
    await this.getRun(runId);
    await this.#store.setRunLifecycle(runId, 'deleted', this.#now());
  }

  async restoreRun(runId: string, access?: Access): Promise<void> {
    await this.#owners.run(runId, access?.viewer);
    await this.getRun(runId);
    await this.#store.setRunLifecycle(runId, 'active', this.#now());
  }

  async logBatch(
    runId: string,
    batch: { metrics?: Metric[] | undefined; params?: Param[] | undefined; tags?: RunTag[] | undefined },
    access?: Access,
  ): Promise<void> {
    const metrics = batch.metrics ?? [];
    const params = batch.params ?? [];
    const tags = batch.tags ?? [];
    validateBatch({ metrics, params, tags });
    await this.#writableActiveRun(runId, access);
    if (metrics.length + params.length + tags.length === 0) return;
    await this.#store.logBatch(runId, {
      metrics: metrics.map((m) => ({ ...m, value: storedValue(m.value) })),
      params,
      tags,
    });
  }

  async deleteTag(runId: string, key: string, access?: Access): Promise<void> {
    await this.#writableActiveRun(runId, access);
    if (!(await this.#store.deleteRunTag(runId, key))) {
      throw new AppError('RESOURCE_DOES_NOT_EXIST', `No tag with name: ${key} in run with id ${runId}`);
    }
  }

  async getMetricHistory(
    runId: string,
    key: string,
    page: { maxResults?: number | undefined; pageToken?: string | undefined } = {},
  ): Promise<Page<Metric>> {
    await this.getRun(runId);
    const maxResults =
      page.maxResults === undefined ? undefined : pageSize(page.maxResults, 0, limits.searchMax);
    return this.#store.getMetricHistory(runId, key, { maxResults, pageToken: page.pageToken });
  }

  async searchRuns(
    options: SearchOptions & { experimentIds: readonly string[]; runViewType?: ViewType | undefined },
  ): Promise<Page<Run>> {
    return this.#store.searchRuns({
      experimentIds: [...options.experimentIds],
      filter: parseSearchFilter(options.filter, runSearchGrammar),
      orderBy: (options.orderBy ?? []).map((o) => parseOrderBy(o, runSearchGrammar)),
      viewType: options.runViewType ?? 'ACTIVE_ONLY',
      maxResults: pageSize(options.maxResults, limits.searchDefault, limits.searchMax),
      pageToken: options.pageToken,
    });
  }

  async listArtifacts(runId: string, path = ''): Promise<{ rootUri: string; files: FileInfo[] }> {
    const run = await this.getRun(runId);
    const files = await this.artifacts.list(this.artifacts.keyOf(run.info.artifact_uri), path, 'relative');
    return { rootUri: run.info.artifact_uri, files };
  }

  async uploadArtifact(artifactPath: string, body: BlobBody, access?: Access): Promise<void> {
    await this.#owners.artifactPath(artifactPath, access?.viewer);
    await this.artifacts.upload(artifactPath, body);
  }

  async downloadArtifact(artifactPath: string): Promise<{ body: Readable; size: number }> {
    return this.artifacts.download(artifactPath);
  }

  async listProxiedArtifacts(path: string): Promise<FileInfo[]> {
    return this.artifacts.list(this.artifacts.keyOf(this.artifacts.root), path, 'basename');
  }

  async deleteArtifact(artifactPath: string, access?: Access): Promise<void> {
    await this.#owners.artifactPath(artifactPath, access?.viewer);
    await this.artifacts.delete(artifactPath);
  }

  async #inStage(experimentId: string, stage: 'active' | 'deleted'): Promise<Experiment> {
    const experiment = await this.#store.getExperiment(experimentId);
    if (experiment === undefined || experiment.lifecycle_stage !== stage) {
      throw new AppError('RESOURCE_DOES_NOT_EXIST', `No ${stage} experiment with id=${experimentId} exists`);
    }
    return experiment;
  }

  async #activeExperiment(experimentId: string): Promise<Experiment> {
    const experiment = await this.getExperiment(experimentId);
    if (experiment.lifecycle_stage !== 'active') {
      invalid(`The experiment ${experimentId} must be in the 'active' state. Current state is deleted.`);
    }
    return experiment;
  }

  /**
   * Checks, with one light read (writes never need the whole run), that a run exists, that the viewer may write it
   * and that it is active.
   */
  async #writableActiveRun(runId: string, access: Access | undefined): Promise<void> {
    const state = await this.#store.getRunWriteState(runId);
    if (state === undefined) throw new AppError('RESOURCE_DOES_NOT_EXIST', `Run with id=${runId} not found`);
    checkRunWrite(runId, state, access?.viewer);
    if (state.lifecycle_stage !== 'active') {
      invalid(`The run ${runId} must be in the 'active' state. Current state is deleted.`);
    }
  }
}
