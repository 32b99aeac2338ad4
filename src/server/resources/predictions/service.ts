/**
 * @module server/resources/predictions/service — predictions with a registered model version: on the fly for a small
 * area (answered when done: `predictBuildings` in this process with the version's files from the model cache, one
 * at a time) or as a job (`building-prediction@1`, followed to its end). Results are stored as one GeoJSON blob whose
 * features are numbered (`id` 0, 1, …: what feedback names).
 */
import { randomUUID } from 'node:crypto';
import { geodesicArea } from '../../../geo/index.ts';
import type { BBox, Polygonal } from '../../../geo/index.ts';
import { openImagerySource } from '../../../imagery/index.ts';
import { bboxToPolygon, parseAoi } from '../../../labels/index.ts';
import type { ModelVersion } from '../../../registry/index.ts';
import { AppError, isAppError } from '../../../shared/index.ts';
import { getJson, putJson } from '../../../storage/index.ts';
import type { BlobStore } from '../../../storage/index.ts';
import type { ControlPlane, ExecutionPhase, ExecutionView } from '../../../workflows/index.ts';
import type { ExecutionFollowers } from '../common/execution-followers.ts';
import { checkImagery } from '../common/imagery-check.ts';
import type { ImageryPolicy } from '../common/imagery-check.ts';
import { pageOf } from '../common/paging.ts';
import type { Page } from '../common/paging.ts';
import { visible } from '../common/viewer.ts';
import { SerialQueue } from '../common/serial-queue.ts';
import type { Viewer } from '../common/viewer.ts';
import type { DatasetService } from '../datasets/service.ts';
import type { ModelService } from '../models/service.ts';
import type { ModelCache } from './model-cache.ts';
import type { PredictionConfig, PredictionListQuery, PredictionRecord, PredictionStore } from './store.ts';

/** Results kept parsed in memory. */
const RECENT_RESULTS = 8;

/** The workflow of prediction jobs. */
export const PREDICTION_WORKFLOW = 'building-prediction@1';

/** A prediction request (validated by the routes). */
export type PredictionInput = {
  model_name: string;
  model_version?: number | undefined;
  area: BBox | { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown[] };
  imagery?: string | undefined;
  zoom?: number | undefined;
  confidence?: number | undefined;
  tolerance: number;
  min_area: number;
  orthogonalize: boolean;
  async: boolean;
  private: boolean;
};

/** What `createPredictionService` needs. */
export type PredictionServiceOptions = {
  store: PredictionStore;
  models: ModelService;
  datasets: DatasetService;
  controlPlane: ControlPlane;
  blobs: BlobStore;
  modelCache: ModelCache;
  followers: ExecutionFollowers;
  imagery: ImageryPolicy;
  setExecutionOwner: (executionId: string, ownerId: string, isPrivate: boolean) => Promise<void>;
  /** Largest area of a job, km² (config `maxAoiKm2`). */
  maxAoiKm2: number;
  /** Largest area predicted on the fly, km², default 0.5. */
  syncMaxKm2?: number;
  /** Longest prediction on the fly, default 120 s. */
  syncTimeoutMs?: number;
  /** Most predictions on the fly running or waiting in this process, default 4; more are refused with 429. */
  syncQueueLimit?: number;
};

/** A predicted building as stored (numbered). */
export type StoredFeature = {
  type: 'Feature';
  id: number;
  geometry: Polygonal;
  properties: Record<string, unknown> | null;
};

/** The buildings of a prediction. */
export type StoredCollection = { type: 'FeatureCollection'; features: StoredFeature[] };

/** The predictions' logic. */
export interface PredictionService {
  /**
   * Predicts on the fly (small area) or launches a job (`async`).
   * @throws AppError LIMIT_EXCEEDED for an area over the limit (on the fly: naming `async`); RESOURCE_EXHAUSTED
   *   (429) when `syncQueueLimit` predictions on the fly are running or waiting; INVALID_PARAMETER_VALUE for bad
   *   input or no imagery to use; RESOURCE_DOES_NOT_EXIST for an unknown model or version
   */
  create(viewer: Viewer & { userId: string }, input: PredictionInput): Promise<PredictionRecord>;
  get(viewer: Viewer, id: string): Promise<PredictionRecord>;
  list(viewer: Viewer, query: Omit<PredictionListQuery, 'viewer'>): Promise<Page<PredictionRecord>>;
  /** @throws AppError CONFLICT while the prediction has no results (running or failed) */
  results(
    viewer: Viewer,
    id: string,
  ): Promise<{ prediction: PredictionRecord; collection: StoredCollection }>;
  /** Follows the jobs not ended yet (after a restart). */
  resume(): Promise<number>;
  totals(): Promise<{ predictions: number; features: number }>;
}

/**
 * Creates the prediction service.
 * @param options - stores, services, cache, limits
 * @returns the service
 */
export function createPredictionService(options: PredictionServiceOptions): PredictionService {
  return new Predictions(options);
}

class Predictions implements PredictionService {
  readonly #o: PredictionServiceOptions;
  /** Predictions on the fly run one at a time (each already uses every core), a few waiting at most. */
  readonly #onTheFly: SerialQueue;
  /** Recently read results by blob URI (stored results never change; feedback reads them once per verdict). */
  readonly #recent = new Map<string, StoredCollection>();

  constructor(options: PredictionServiceOptions) {
    this.#o = options;
    this.#onTheFly = new SerialQueue(options.syncQueueLimit ?? 4, 'predictions on the fly');
  }

  async create(viewer: Viewer & { userId: string }, input: PredictionInput): Promise<PredictionRecord> {
    const version = await this.#o.models.resolve(viewer, input.model_name, input.model_version);
    const area = this.#area(input);
    const { imagery, zoom } = await this.#imageryAndZoom(viewer, version, input);
    const config: PredictionConfig = {
      confidence: input.confidence ?? null,
      tolerance: input.tolerance,
      area: input.min_area,
      zoom,
      orthogonalize: input.orthogonalize,
    };
    const record = {
      id: randomUUID(),
      model_name: version.name,
      model_version: Number(version.version),
      dataset_id: version.fair.dataset_id,
      imagery,
      area: input.area as Polygonal | BBox,
      config,
      owner_id: viewer.userId,
      private: input.private,
    };
    if (input.async) return this.#launchJob(record, area);
    const slot = this.#onTheFly.reserve('retry later, or send "async": true to run it as a job');
    let prediction: PredictionRecord;
    try {
      prediction = await this.#o.store.insertPrediction({
        ...record,
        mode: 'sync',
        execution_id: null,
        status: 'RUNNING',
      });
    } catch (error) {
      slot.release();
      throw error;
    }
    return slot.run(() => this.#predictNow(prediction, version, area));
  }

  async get(viewer: Viewer, id: string): Promise<PredictionRecord> {
    return visible(viewer, await this.#o.store.getPrediction(id), `prediction ${id}`);
  }

  async list(viewer: Viewer, query: Omit<PredictionListQuery, 'viewer'>): Promise<Page<PredictionRecord>> {
    return pageOf(await this.#o.store.listPredictions({ ...query, viewer }), query.limit, (row) => row);
  }

  async results(
    viewer: Viewer,
    id: string,
  ): Promise<{ prediction: PredictionRecord; collection: StoredCollection }> {
    const prediction = await this.get(viewer, id);
    if (prediction.status !== 'SUCCEEDED' || prediction.result_uri === null)
      throw new AppError('CONFLICT', `prediction ${id} is ${prediction.status}: it has no results`);
    return { prediction, collection: await this.#read(prediction.result_uri) };
  }

  async resume(): Promise<number> {
    const open = await this.#o.store.listOpenJobs();
    for (const job of open) this.#follow(job);
    return open.length;
  }

  totals(): Promise<{ predictions: number; features: number }> {
    return this.#o.store.totals();
  }

  async #read(uri: string): Promise<StoredCollection> {
    const cached = this.#recent.get(uri);
    if (cached !== undefined) return cached;
    const { blobs } = this.#o;
    const stored = (await getJson(blobs, blobs.keyOf(uri))) as { features?: Omit<StoredFeature, 'id'>[] };
    const features = (stored.features ?? []).map((f, i) => ({ ...f, type: 'Feature' as const, id: i }));
    const collection: StoredCollection = { type: 'FeatureCollection', features };
    this.#recent.set(uri, collection);
    for (const key of this.#recent.keys()) {
      if (this.#recent.size <= RECENT_RESULTS) break;
      this.#recent.delete(key);
    }
    return collection;
  }

  /** The area as one polygonal geometry, checked against the limit of its mode. */
  #area(input: PredictionInput): Polygonal {
    const geometry: Polygonal = Array.isArray(input.area)
      ? bboxToPolygon(input.area as BBox)
      : parseAoi(JSON.stringify(input.area), { maxAreaKm2: this.#o.maxAoiKm2 });
    const km2 = geodesicArea(geometry) / 1e6;
    const limit = this.#o.syncMaxKm2 ?? 0.5;
    if (input.async && km2 > this.#o.maxAoiKm2)
      throw new AppError(
        'LIMIT_EXCEEDED',
        `area ${km2.toPrecision(3)} km² is over the limit of ${this.#o.maxAoiKm2} km²`,
        { areaKm2: km2, maxAreaKm2: this.#o.maxAoiKm2 },
      );
    if (!input.async && km2 > limit)
      throw new AppError(
        'LIMIT_EXCEEDED',
        `area ${km2.toPrecision(3)} km² is over the on-the-fly limit of ${limit} km²: send "async": true to run it as a job`,
        { areaKm2: km2, maxAreaKm2: limit },
      );
    return geometry;
  }

  /** The imagery (given, else the training dataset's) and the zoom (given, else the dataset's first, else 19). */
  async #imageryAndZoom(
    viewer: Viewer,
    version: ModelVersion,
    input: PredictionInput,
  ): Promise<{ imagery: string; zoom: number }> {
    const datasetId = version.fair.dataset_id;
    const dataset =
      datasetId === null
        ? undefined
        : await this.#o.datasets.get(viewer, datasetId).catch((error: unknown) => {
            if (isAppError(error, 'RESOURCE_DOES_NOT_EXIST')) return undefined;
            throw error;
          });
    const imagery = input.imagery ?? dataset?.imagery;
    if (imagery === undefined)
      throw new AppError(
        'INVALID_PARAMETER_VALUE',
        `invalid body field imagery: required, since model ${version.name} version ${version.version} has no dataset to take it from`,
      );
    if (input.imagery !== undefined) await checkImagery(input.imagery, this.#o.imagery);
    return { imagery, zoom: input.zoom ?? dataset?.zooms[0] ?? 19 };
  }

  async #predictNow(
    prediction: PredictionRecord,
    version: ModelVersion,
    area: Polygonal,
  ): Promise<PredictionRecord> {
    const { store, blobs } = this.#o;
    const timeoutMs = this.#o.syncTimeoutMs ?? 120_000;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const modelDir = await this.#o.modelCache.folderOf(
        version.fair.artifacts['model_dir'] ?? version.source,
      );
      const [{ predictBuildings }, imagery] = await Promise.all([
        import('../../../predict/index.ts'),
        openImagerySource(prediction.imagery, {
          allowPrivateNetwork: this.#o.imagery.allowPrivateNetwork,
          cacheDir: this.#o.imagery.tileCacheDir,
        }),
      ]);
      const { config } = prediction;
      const result = await predictBuildings({
        model: modelDir,
        imagery,
        area,
        zoom: config.zoom,
        ...(config.confidence === null ? {} : { confidence: config.confidence }),
        toleranceM: config.tolerance,
        minAreaM2: config.area,
        orthogonalize: config.orthogonalize,
        modelId: version.name,
        modelVersion: version.version,
        maxAreaKm2: this.#o.syncMaxKm2 ?? 0.5,
        signal,
      });
      const collection = {
        type: 'FeatureCollection',
        features: result.features.map((f, i) => ({ ...f, id: i })),
      };
      const stored = await putJson(blobs, `predictions/${prediction.id}/predictions.geojson`, collection);
      const patch = {
        status: 'SUCCEEDED' as const,
        features: result.features.length,
        result_uri: stored.uri,
      };
      await store.updatePrediction(prediction.id, patch);
      return { ...prediction, ...patch, ended_at: new Date() };
    } catch (caught) {
      const error = signal.aborted
        ? new AppError(
            'TIMEOUT',
            `prediction ${prediction.id} took over ${timeoutMs / 1000} s on the fly: send "async": true to run it as a job`,
          )
        : caught;
      const message = isAppError(error) ? error.message : 'prediction failed';
      await store.updatePrediction(prediction.id, { status: 'FAILED', error: message });
      throw error;
    }
  }

  async #launchJob(
    record: Omit<
      PredictionRecord,
      | 'seq'
      | 'created_at'
      | 'ended_at'
      | 'features'
      | 'result_uri'
      | 'error'
      | 'mode'
      | 'execution_id'
      | 'status'
    >,
    area: Polygonal,
  ): Promise<PredictionRecord> {
    const { config } = record;
    const executionId = await this.#o.controlPlane.launch(PREDICTION_WORKFLOW, {
      model_name: record.model_name,
      model_version: record.model_version,
      imagery: record.imagery,
      aoi: area,
      zoom: config.zoom,
      ...(config.confidence === null ? {} : { confidence: config.confidence }),
      tolerance: config.tolerance,
      area: config.area,
      orthogonalize: config.orthogonalize,
    });
    if (record.owner_id !== null)
      await this.#o.setExecutionOwner(executionId, record.owner_id, record.private);
    const prediction = await this.#o.store.insertPrediction({
      ...record,
      mode: 'job',
      execution_id: executionId,
      status: 'QUEUED',
    });
    this.#follow(prediction);
    return prediction;
  }

  #follow(prediction: PredictionRecord): void {
    if (prediction.execution_id === null) return;
    const { store } = this.#o;
    this.#o.followers.follow(`prediction:${prediction.id}`, prediction.execution_id, {
      onEvent: async (event) => {
        if (event.type === 'execution.running')
          await store.updatePrediction(prediction.id, { status: 'RUNNING' });
      },
      onEnd: async (execution) => store.updatePrediction(prediction.id, outcomeOf(execution)),
    });
  }
}

function outcomeOf(execution: ExecutionView): {
  status: ExecutionPhase;
  features?: number;
  result_uri?: string;
  error?: string;
} {
  const outputs = execution.outputs ?? {};
  const predictions = outputs['predictions'];
  const features = outputs['features'];
  if (execution.phase === 'SUCCEEDED' && typeof predictions === 'string')
    return {
      status: 'SUCCEEDED',
      result_uri: predictions,
      ...(typeof features === 'number' ? { features } : {}),
    };
  return {
    status: execution.phase === 'SUCCEEDED' ? 'FAILED' : execution.phase,
    error: execution.error ?? `execution ${execution.id} ended ${execution.phase}`,
  };
}
