/**
 * @module ml/trainer — the training engine's loop: `trainModel` (spatial split, augmentation, class weighting,
 * validation with pixel + object metrics, best/last checkpoints, early stopping, exact resume, fine-tuning from a base,
 * export with metrics and curves), `evaluateModel` and `benchTrainStep`.
 */
export { trainModel } from './train-model.ts';
export type { TrainResult } from './train-model.ts';
export {
  DEFAULT_AUGMENT,
  LOSS_MASK_KIND,
  LOSS_NAMES,
  MONITOR_METRICS,
  OPTIMIZER_NAMES,
  defaultSchedule,
  resolveTrainOptions,
} from './train-options.ts';
export type {
  AugmentSettings,
  EarlyStopping,
  EpochReport,
  LossName,
  MonitorMetric,
  OptimizerName,
  ResolvedOptions,
  StepReport,
  TrainCallbacks,
  TrainOptions,
} from './train-options.ts';
export { REPORTED_METRIC_KEYS, improves, monitoredValue, reportedMetrics } from './history.ts';
export type { EpochRecord, ReportedMetrics, StopReason, TrainingHistory } from './history.ts';
export type { RunConfig } from './run-config.ts';
export {
  BEST_CHECKPOINT_FILE,
  LAST_CHECKPOINT_FILE,
  checkpointArchitecture,
  headParameters,
  readRunCheckpoint,
} from './trainer-checkpoints.ts';
export type { RunState } from './trainer-checkpoints.ts';
export { TRAIN_FILES, curvesOfHistory } from './train-artifacts.ts';
export { MAX_CLASS_WEIGHT, trainingTarget } from './training-target.ts';
export type { TrainingTarget } from './training-target.ts';
export { createTrainStepper } from './train-step.ts';
export type { StepOutcome, TrainStepper, TrainStepperOptions } from './train-step.ts';
export { createChipScorer, classMapOf, minBuildingPixels, MIN_BUILDING_AREA_M2 } from './chip-scoring.ts';
export type { ChipScorer, ChipScorerOptions } from './chip-scoring.ts';
export { chipImage, chipMask, loadChipStore } from './chip-store.ts';
export type { ChipStore } from './chip-store.ts';
export { splitDatasetChips } from './dataset-split.ts';
export { batchIndices, epochOrder, stepRng, stepsPerEpoch, streamSeed, writeTarget } from './batches.ts';
export { evaluateModel } from './evaluate-model.ts';
export type { EvaluateOptions, EvaluationResult } from './evaluate-model.ts';
export { benchTrainStep } from './bench-train-step.ts';
export type { BenchTrainOptions, BenchTrainResult } from './bench-train-step.ts';
