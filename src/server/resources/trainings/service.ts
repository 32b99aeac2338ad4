/**
 * @module server/resources/trainings/service — starting a training: checks (dataset with AOIs and labels, area
 * limit, base model built in and compatible with the dataset, the registered model writable by the user), the
 * dataset's label sets merged and shifted by its label offset into one blob, a tracking run, then a launch of
 * `building-detection-training@1`. Status, logs, cancel and metrics read the execution and the run.
 */
import { randomUUID } from 'node:crypto';
import { offsetGeometry } from '../../../geo/index.ts';
import type { LabelCollection } from '../../../labels/index.ts';
import type { RegistryService } from '../../../registry/index.ts';
import { AppError, invalid, isAppError } from '../../../shared/index.ts';
import { putJson } from '../../../storage/index.ts';
import type { BlobStore } from '../../../storage/index.ts';
import { createTrainingTracker, setTag } from '../../../tracking/index.ts';
import type { TrackingService } from '../../../tracking/index.ts';
import type { ControlPlane, ExecutionView, LogLine } from '../../../workflows/index.ts';
import { pageOf } from '../common/paging.ts';
import type { Page } from '../common/paging.ts';
import { assertCanModify, visible } from '../common/viewer.ts';
import type { Viewer } from '../common/viewer.ts';
import { unionOf } from '../datasets/service.ts';
import type { DatasetMaterial, DatasetService } from '../datasets/service.ts';
import type { TrainingListQuery, TrainingParams, TrainingRecord, TrainingStore } from './store.ts';
import type { TrainingFollower } from './training-follower.ts';

/** The workflow a training runs. */
export const TRAINING_WORKFLOW = 'building-detection-training@1';

/** Base models the local trainer can finetune (the `model` input of the training workflow). */
const TRAINABLE = new Set(['unet-s', 'unet-m']);

/** What a training is started with (validated by the routes). */
export type TrainingInput = {
  dataset_id: string;
  model_name: string;
  base_model: string;
  zooms?: number[] | undefined;
  epochs: number;
  batch_size: number;
  lr: number;
  val_ratio: number;
  freeze_encoder: boolean;
  seed: number;
  weights: 'builtin' | 'none';
  private: boolean;
};

/** What `createTrainingService` needs. */
export type TrainingServiceOptions = {
  store: TrainingStore;
  datasets: DatasetService;
  registry: RegistryService;
  tracking: TrackingService;
  controlPlane: ControlPlane;
  blobs: BlobStore;
  follower: TrainingFollower;
  /** Records the owner of a launched execution (so `/api/executions/:id` applies the same access). */
  setExecutionOwner: (executionId: string, ownerId: string, isPrivate: boolean) => Promise<void>;
  /** Largest training area, km² (config `maxAoiKm2`). */
  maxAoiKm2: number;
};

/** A metric's history. */
export type MetricPoint = { step: number; value: number; timestamp: number };

/** The trainings' logic. */
export interface TrainingService {
  /**
   * Checks and launches a training.
   * @throws AppError INVALID_PARAMETER_VALUE naming what is missing or incompatible; PERMISSION_DENIED when the
   *   model name belongs to another user; LIMIT_EXCEEDED for an area over the limit
   */
  start(viewer: Viewer & { userId: string }, input: TrainingInput): Promise<TrainingRecord>;
  get(viewer: Viewer, id: string): Promise<TrainingRecord>;
  list(viewer: Viewer, query: Omit<TrainingListQuery, 'viewer'>): Promise<Page<TrainingRecord>>;
  /** The training with its execution. */
  status(viewer: Viewer, id: string): Promise<{ training: TrainingRecord; execution: ExecutionView }>;
  logs(
    viewer: Viewer,
    id: string,
    options: { afterId: number; limit: number; nodeId?: string | undefined },
  ): Promise<LogLine[]>;
  /** Cancels the execution (owner or admin). @returns the phase afterwards */
  cancel(viewer: Viewer, id: string): Promise<string>;
  /** Every metric's history from the tracking run (epochs as steps) and the evaluation. */
  metrics(
    viewer: Viewer,
    id: string,
  ): Promise<{ runId: string | null; experimentId: string | null; history: Record<string, MetricPoint[]> }>;
  countByPhase(): Promise<Record<string, number>>;
  usesDataset(datasetId: string): Promise<boolean>;
}

/**
 * Creates the training service.
 * @param options - stores, services, follower, limits
 * @returns the service
 */
export function createTrainingService(options: TrainingServiceOptions): TrainingService {
  return new Trainings(options);
}

class Trainings implements TrainingService {
  readonly #o: TrainingServiceOptions;

  constructor(options: TrainingServiceOptions) {
    this.#o = options;
  }

  async start(viewer: Viewer & { userId: string }, input: TrainingInput): Promise<TrainingRecord> {
    const material = await this.#o.datasets.material(viewer, input.dataset_id);
    const { dataset, aois, labelSets } = material;
    if (aois.length === 0) invalid(`dataset ${dataset.id} has no AOI: add the training area first`);
    if (labelSets.length === 0)
      invalid(`dataset ${dataset.id} has no labels: upload labels or fetch them from OpenStreetMap first`);
    const zooms = input.zooms ?? dataset.zooms;
    const aoi = unionOf(aois, this.#o.maxAoiKm2);
    await this.#checkBaseModel(input.base_model, material);
    await this.#ensureModel(viewer, input.model_name, input.private);
    const id = randomUUID();
    const labels = await this.#mergedLabels(material);
    const labelsUri = (await putJson(this.#o.blobs, `trainings/${id}/labels.geojson`, labels)).uri;
    const params: TrainingParams = {
      zooms,
      epochs: input.epochs,
      batch_size: input.batch_size,
      lr: input.lr,
      val_ratio: input.val_ratio,
      freeze_encoder: input.freeze_encoder,
      seed: input.seed,
      weights: input.weights,
      label_features: labels.features.length,
      aoi_km2: aois.reduce((sum, a) => sum + a.area_km2, 0),
    };
    const tracker = await createTrainingTracker(this.#o.tracking, {
      experimentName: input.model_name,
      runName: `training-${id.slice(0, 8)}`,
      userId: viewer.name ?? viewer.userId,
      ownerId: viewer.userId,
      nodeId: 'train',
      tags: { 'fair.training_id': id, 'fair.dataset_id': dataset.id, 'fair.workflow': TRAINING_WORKFLOW },
    });
    let executionId: string;
    try {
      executionId = await this.#o.controlPlane.launch(TRAINING_WORKFLOW, {
        model_name: input.model_name,
        imagery: dataset.imagery,
        aoi,
        labels: labelsUri,
        zoom: zooms.length === 1 ? zooms[0] : zooms,
        mask: dataset.mask_kind,
        chip_size: dataset.chip_size,
        model: input.base_model,
        base: input.weights,
        epochs: input.epochs,
        batch_size: input.batch_size,
        lr: input.lr,
        val_ratio: input.val_ratio,
        freeze_encoder: input.freeze_encoder,
        seed: input.seed,
      });
    } catch (error) {
      await tracker.finish('FAILED');
      throw error;
    }
    await this.#o.setExecutionOwner(executionId, viewer.userId, input.private);
    const training = await this.#o.store.insertTraining({
      id,
      dataset_id: dataset.id,
      execution_id: executionId,
      model_name: input.model_name,
      base_model: input.base_model,
      params,
      phase: 'QUEUED',
      run_id: tracker.runId,
      experiment_id: tracker.experimentId,
      model_version: null,
      metrics: null,
      owner_id: viewer.userId,
      private: input.private,
    });
    await setTag(this.#o.tracking, tracker.runId, 'fair.execution_id', executionId);
    await tracker.logParams({
      dataset_id: dataset.id,
      base_model: input.base_model,
      imagery: dataset.imagery,
      mask: dataset.mask_kind,
      chip_size: dataset.chip_size,
      label_offset: dataset.label_offset,
      ...params,
    });
    this.#o.follower.follow(training, tracker);
    return training;
  }

  async get(viewer: Viewer, id: string): Promise<TrainingRecord> {
    return visible(viewer, await this.#o.store.getTraining(id), `training ${id}`);
  }

  async list(viewer: Viewer, query: Omit<TrainingListQuery, 'viewer'>): Promise<Page<TrainingRecord>> {
    return pageOf(await this.#o.store.listTrainings({ ...query, viewer }), query.limit, (row) => row);
  }

  async status(viewer: Viewer, id: string): Promise<{ training: TrainingRecord; execution: ExecutionView }> {
    const training = await this.get(viewer, id);
    return { training, execution: await this.#o.controlPlane.getExecution(training.execution_id) };
  }

  async logs(
    viewer: Viewer,
    id: string,
    options: { afterId: number; limit: number; nodeId?: string | undefined },
  ): Promise<LogLine[]> {
    const training = await this.get(viewer, id);
    return this.#o.controlPlane.logs(training.execution_id, {
      afterId: options.afterId,
      limit: options.limit,
      ...(options.nodeId === undefined ? {} : { nodeId: options.nodeId }),
    });
  }

  async cancel(viewer: Viewer, id: string): Promise<string> {
    const training = await this.get(viewer, id);
    assertCanModify(viewer, training, `training ${id}`);
    return this.#o.controlPlane.cancel(training.execution_id);
  }

  async metrics(
    viewer: Viewer,
    id: string,
  ): Promise<{ runId: string | null; experimentId: string | null; history: Record<string, MetricPoint[]> }> {
    const training = await this.get(viewer, id);
    const history: Record<string, MetricPoint[]> = {};
    if (training.run_id === null) return { runId: null, experimentId: null, history };
    const run = await this.#o.tracking.getRun(training.run_id);
    for (const metric of run.data.metrics) {
      const page = await this.#o.tracking.getMetricHistory(training.run_id, metric.key);
      history[metric.key] = page.items
        .map((m) => ({ step: m.step, value: m.value, timestamp: m.timestamp }))
        .sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
    }
    return { runId: training.run_id, experimentId: training.experiment_id, history };
  }

  countByPhase(): Promise<Record<string, number>> {
    return this.#o.store.countByPhase();
  }

  usesDataset(datasetId: string): Promise<boolean> {
    return this.#o.store.usesDataset(datasetId);
  }

  /** The base model must be one the local trainer finetunes, and fit the dataset (registry's check). */
  async #checkBaseModel(baseModelId: string, material: DatasetMaterial): Promise<void> {
    const { registry } = this.#o;
    const base = await registry.getBaseModel(baseModelId).catch((error: unknown) => {
      if (isAppError(error, 'RESOURCE_DOES_NOT_EXIST'))
        throw new AppError('INVALID_PARAMETER_VALUE', `invalid body field base_model: ${error.message}`);
      throw error;
    });
    if (base.source !== 'builtin' || !TRAINABLE.has(base.id))
      invalid(
        `invalid body field base_model: ${base.id} is an imported model; fAIr’s trainer finetunes ${[...TRAINABLE].join(', ')}`,
      );
    const { dataset } = material;
    const compatibility = await registry.checkCompatibility(base.id, {
      id: dataset.id,
      keywords: ['building', 'semantic-segmentation', 'polygon', 'fair', `mask-${dataset.mask_kind}`],
      tasks: ['segmentation'],
      chipSize: dataset.chip_size,
    });
    if (!compatibility.compatible)
      invalid(
        `base model ${base.id} does not fit dataset ${dataset.id}: ${compatibility.reasons[0] ?? 'incompatible'}`,
        { reasons: compatibility.reasons },
      );
  }

  /**
   * Creates the registered model (owned by the user, private with a private training) unless it exists; a model
   * another user owns cannot receive this user's versions.
   */
  async #ensureModel(viewer: Viewer & { userId: string }, name: string, isPrivate: boolean): Promise<void> {
    const { registry } = this.#o;
    const existing = await registry.getRegisteredModel(name).catch((error: unknown) => {
      if (isAppError(error, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
      throw error;
    });
    if (existing === undefined) {
      await registry
        .createRegisteredModel({ name, ownerId: viewer.userId, private: isPrivate })
        .catch((error: unknown) => {
          if (isAppError(error, 'INVALID_PARAMETER_VALUE'))
            throw new AppError('INVALID_PARAMETER_VALUE', `invalid body field model_name: ${error.message}`);
          if (!isAppError(error, 'RESOURCE_ALREADY_EXISTS')) throw error;
        });
      return;
    }
    if (viewer.admin) return;
    const owner = existing.fair.owner_id;
    if (owner !== null && owner !== viewer.userId)
      throw new AppError(
        'PERMISSION_DENIED',
        `model ${name} belongs to another user: choose another model_name`,
      );
  }

  /** Every label set of the dataset in one collection, shifted by the dataset's label offset. */
  async #mergedLabels(material: DatasetMaterial): Promise<LabelCollection> {
    const offset = material.dataset.label_offset;
    const features: LabelCollection['features'] = [];
    for (const set of material.labelSets)
      for (const feature of (await this.#o.datasets.readLabels(set)).features)
        features.push({ ...feature, geometry: offsetGeometry(feature.geometry, offset) });
    if (features.length === 0) invalid(`dataset ${material.dataset.id} has no building labels`);
    return { type: 'FeatureCollection', features };
  }
}
