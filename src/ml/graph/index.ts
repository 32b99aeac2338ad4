/**
 * @module ml/graph — the layer IR, ONNX emission and reverse-mode differentiation: training graphs (forward + loss +
 * backward), eval graphs, inference exports and a thin onnxruntime session to run them.
 */
export { NetworkBuilder } from './network-builder.ts';
export {
  INPUT_ID,
  parametersOf,
  shapesOf,
  sizeOf,
  trainableParameterCount,
  validateNetwork,
} from './network.ts';
export type {
  AddLayer,
  BatchNormLayer,
  ConcatLayer,
  ConvLayer,
  ConvTransposeLayer,
  DropoutLayer,
  Layer,
  LeakyReluLayer,
  MaxPoolLayer,
  Network,
  NormalizeLayer,
  ParameterInfo,
  ParameterKind,
  ReluLayer,
  Shape3,
  TensorHandle,
} from './network.ts';
export { DICE_SMOOTHING, validateLoss } from './losses.ts';
export type { LossSpec } from './losses.ts';
export {
  INPUT_NAME,
  LOSS_NAME,
  PREDICTIONS_NAME,
  TARGET_NAME,
  emitEvalGraph,
  emitTrainingGraph,
  gradientName,
  updatedName,
} from './training-graph.ts';
export type { EvalGraphOptions, TrainingGraph, TrainingGraphOptions } from './training-graph.ts';
export {
  EXPORT_INPUT_NAME,
  EXPORT_OUTPUT_NAME,
  checkParameterValues,
  emitInferenceModel,
} from './inference-export.ts';
export type { InferenceExportOptions } from './inference-export.ts';
export { foldBatchNorm } from './fold-batch-norm.ts';
export type { ParameterValues } from './fold-batch-norm.ts';
export { createTrainingSession, detectNchwcBlockSize } from './training-session.ts';
export type { Feeds, TrainingSession, TrainingSessionOptions } from './training-session.ts';
export { IR_VERSION, OPSET_VERSION } from './graph-builder.ts';
export { opRules } from './autodiff.ts';
