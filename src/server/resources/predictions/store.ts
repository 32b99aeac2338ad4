/**
 * @module server/resources/predictions/store — the predictions' records and store interface: a prediction is made on
 * the fly (small areas, answered at once) or by a job (an execution of `building-prediction@1`); its buildings are
 * one GeoJSON blob.
 */
import type { BBox, Polygonal } from '../../../geo/index.ts';
import type { PageRequest } from '../common/paging.ts';
import type { Owned, Viewer } from '../common/viewer.ts';

/** How a prediction runs. */
export type PredictionMode = 'sync' | 'job';

/** Phases of a prediction (a job's are its execution's). */
export type PredictionStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

/** The settings a prediction ran with (feedback keeps them with each verdict). */
export type PredictionConfig = {
  /** Building probability threshold, null for the model's. */
  confidence: number | null;
  /** Simplification tolerance, metres. */
  tolerance: number;
  /** Smallest building kept, m². */
  area: number;
  zoom: number;
  orthogonalize: boolean;
};

/** One prediction. */
export type PredictionRecord = Owned & {
  seq: number;
  id: string;
  mode: PredictionMode;
  model_name: string;
  model_version: number;
  /** The model version's training dataset, when known. */
  dataset_id: string | null;
  execution_id: string | null;
  status: PredictionStatus;
  imagery: string;
  area: Polygonal | BBox;
  config: PredictionConfig;
  features: number | null;
  /** Blob URI of the buildings (GeoJSON FeatureCollection). */
  result_uri: string | null;
  error: string | null;
  created_at: Date;
  ended_at: Date | null;
};

/** Fields that change as a prediction runs. */
export type PredictionPatch = Partial<Pick<PredictionRecord, 'status' | 'features' | 'result_uri' | 'error'>>;

/** Filters of the prediction list. */
export type PredictionListQuery = PageRequest & {
  viewer: Viewer;
  modelName?: string | undefined;
  modelVersion?: number | undefined;
  status?: PredictionStatus | undefined;
};

/** Persistence of predictions. */
export interface PredictionStore {
  insertPrediction(
    row: Omit<PredictionRecord, 'seq' | 'created_at' | 'ended_at' | 'features' | 'result_uri' | 'error'>,
  ): Promise<PredictionRecord>;
  getPrediction(id: string): Promise<PredictionRecord | undefined>;
  /** Visible predictions, newest first, at most `limit + 1`. */
  listPredictions(query: PredictionListQuery): Promise<PredictionRecord[]>;
  /** Records progress or the end (`ended_at` set for ended statuses). */
  updatePrediction(id: string, patch: PredictionPatch): Promise<void>;
  /** Jobs not ended yet (followed again after a restart). */
  listOpenJobs(): Promise<PredictionRecord[]>;
  /** Number of predictions and the sum of their buildings. */
  totals(): Promise<{ predictions: number; features: number }>;
}
