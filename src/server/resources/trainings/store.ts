/**
 * @module server/resources/trainings/store — the trainings' records and store interface: a training is one
 * execution of the training workflow launched from a dataset, with its tracking run, outcome and STAC item.
 */
import type { ExecutionPhase } from '../../../workflows/index.ts';
import type { PageRequest } from '../common/paging.ts';
import type { Owned, Viewer } from '../common/viewer.ts';

/** The validated settings a training was started with. */
export type TrainingParams = {
  zooms: number[];
  epochs: number;
  batch_size: number;
  lr: number;
  val_ratio: number;
  freeze_encoder: boolean;
  seed: number;
  /** Starting weights: the base model's shipped ones (`builtin`) or none. */
  weights: 'builtin' | 'none';
  /** Label features the training got (after merging the dataset's label sets). */
  label_features: number;
  /** Area of the training AOI, km². */
  aoi_km2: number;
};

/** One training. */
export type TrainingRecord = Owned & {
  seq: number;
  id: string;
  dataset_id: string;
  execution_id: string;
  /** Registered model the version goes to. */
  model_name: string;
  /** Base model id (`unet-s`). */
  base_model: string;
  params: TrainingParams;
  /** Phase of the execution, as last seen by the follower. */
  phase: ExecutionPhase;
  run_id: string | null;
  experiment_id: string | null;
  /** The registered version, once the training succeeded. */
  model_version: number | null;
  /** Evaluation metrics, once evaluated. */
  metrics: Record<string, number> | null;
  /** The version's STAC item id, once published. */
  stac_item_id: string | null;
  /** True once the follower recorded the end (tracking finished, version published). */
  followed: boolean;
  created_at: Date;
  updated_at: Date;
};

/** Fields a follower or the service changes. */
export type TrainingPatch = Partial<
  Pick<
    TrainingRecord,
    'phase' | 'run_id' | 'experiment_id' | 'model_version' | 'metrics' | 'stac_item_id' | 'followed'
  >
>;

/** Filters of the training list. */
export type TrainingListQuery = PageRequest & {
  viewer: Viewer;
  datasetId?: string | undefined;
  modelName?: string | undefined;
  phase?: ExecutionPhase | undefined;
};

/** Persistence of trainings. */
export interface TrainingStore {
  insertTraining(
    row: Omit<TrainingRecord, 'seq' | 'created_at' | 'updated_at' | 'followed' | 'stac_item_id'>,
  ): Promise<TrainingRecord>;
  getTraining(id: string): Promise<TrainingRecord | undefined>;
  getTrainingByExecution(executionId: string): Promise<TrainingRecord | undefined>;
  /** Visible trainings, newest first, at most `limit + 1`. */
  listTrainings(query: TrainingListQuery): Promise<TrainingRecord[]>;
  updateTraining(id: string, patch: TrainingPatch): Promise<void>;
  /** Trainings whose end is not recorded yet (to follow again after a restart). */
  listUnfollowed(): Promise<TrainingRecord[]>;
  /** Number of trainings per phase. */
  countByPhase(): Promise<Record<string, number>>;
  /** True when a training used the dataset. */
  usesDataset(datasetId: string): Promise<boolean>;
}
