/**
 * @module ml/models — the built-in model declarations (`unet-s`, `unet-m`): one declaration per model yields the
 * training graph, the eval graph, the inference export, the parameter list and count, and the MLM facts.
 */
export { declareModel } from './model-declaration.ts';
export type { DeclareModelOptions, ModelDeclaration, ModelParameter } from './model-declaration.ts';
export { buildEvalGraph, buildTrainingGraph, exportInferenceModel } from './model-graphs.ts';
export type { BuildTrainingGraphOptions } from './model-graphs.ts';
export {
  IMAGENET_NORMALIZATION,
  MODEL_NAMES,
  MODEL_WIDTHS,
  checkModelName,
  createModelSpec,
  defaultClassNames,
} from './model-spec.ts';
export type { ModelName, ModelSpec } from './model-spec.ts';
export { mlmFactsOf } from './mlm-facts.ts';
export type { MlmFacts, MlmInput, MlmOutput } from './mlm-facts.ts';
export { formatLayerTable, layerOperation, layerRows } from './describe-model.ts';
export type { LayerRow } from './describe-model.ts';
export { initParameters } from './init-parameters.ts';
export { unetNetwork } from './unet.ts';
export type { UnetShape } from './unet.ts';
export { SHIPPED_MODELS_DIR, shippedBaseCheckpoint } from './shipped-models.ts';
