/**
 * @module ml/infer — export and inference: the model folder (`model.onnx` + `model.json`), loading and checking it,
 * one session wrapper over onnxruntime-node and onnxruntime-web, and `predictChips` (issue 3, §6).
 */
export {
  MODEL_CARD_FILE,
  MODEL_ONNX_FILE,
  callerNormalization,
  maskKindOf,
  modelCardSchema,
  parseModelCard,
} from './model-card.ts';
export type { ModelCard, ModelCardInput } from './model-card.ts';
export { readModelCard, readModelCardFile, writeModelCard } from './model-card-file.ts';
export { createModelCard, exportModel, sha256Hex } from './export-model.ts';
export type { ModelCardOptions } from './export-model.ts';
export { exportCheckpoint } from './export-checkpoint.ts';
export type { CheckpointExportOptions } from './export-checkpoint.ts';
export { readOnnxModelInfo } from './onnx-model-info.ts';
export type { OnnxModelInfo, OnnxTensorInfo } from './onnx-model-info.ts';
export { loadModel } from './load-model.ts';
export type { LoadedModel } from './load-model.ts';
export { INFERENCE_BACKENDS, createInferenceSession } from './inference-session.ts';
export type { InferenceBackend, InferenceSession, InferenceSessionOptions } from './inference-session.ts';
export {
  ProbabilityCanvas,
  planWindows,
  resizeBilinear,
  resizeForPlan,
  windowInput,
} from './chip-windows.ts';
export type { AxisPlan, WindowPlan } from './chip-windows.ts';
export { classGrey, maskRaster, probabilityRaster } from './prediction-rasters.ts';
export { WindowBatcher } from './window-batcher.ts';
export type { BatchRun, OutputSink } from './window-batcher.ts';
export { listChips } from './list-chips.ts';
export { checkSymmetryCount, symmetryAveraged } from './symmetry-averaging.ts';
export type { SymmetryCount } from './symmetry-averaging.ts';
export type { ChipSource } from './list-chips.ts';
export { PREDICTIONS_FILE, predictChips } from './predict-chips.ts';
export type { ChipPrediction, PredictChipsOptions, PredictionSummary } from './predict-chips.ts';
