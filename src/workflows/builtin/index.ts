/**
 * @module workflows/builtin — the shipped tasks (noop, prepare_dataset, train, evaluate, export_onnx, register,
 * resolve_model, predict) and workflows (building-detection-training@1, building-prediction@1, health-check@1).
 */
import type { WorkflowDefinition } from '../workflow-definition.ts';
import { taskCatalog } from './catalog.ts';
import { healthCheckWorkflow } from './health-check-workflow.ts';
import { predictionWorkflow } from './prediction-workflow.ts';
import { trainingWorkflow } from './training-workflow.ts';

export { taskCatalog } from './catalog.ts';
export { noopTask } from './noop-task.ts';
export { prepareDatasetTask } from './prepare-dataset-task.ts';
export { trainTask } from './train-task.ts';
export { evaluateTask } from './evaluate-task.ts';
export { exportOnnxTask } from './export-onnx-task.ts';
export { registerTask } from './register-task.ts';
export { resolveModelTask } from './resolve-model-task.ts';
export { predictTask } from './predict-task.ts';
export { trainingWorkflow } from './training-workflow.ts';
export { predictionWorkflow } from './prediction-workflow.ts';
export { buildingSettingsShape, minAreaSchema } from './task-schemas.ts';
export { healthCheckWorkflow } from './health-check-workflow.ts';

/** Every shipped task (the same list child processes load from {@link builtinCatalogModule}). */
export const builtinTasks = taskCatalog;

/** Every shipped workflow. */
export const builtinWorkflows: readonly WorkflowDefinition[] = [
  trainingWorkflow,
  predictionWorkflow,
  healthCheckWorkflow,
] as readonly WorkflowDefinition[];

/** File URL of the catalog module the executor's child processes import (`export const taskCatalog`). */
export const builtinCatalogModule: string = new URL('./catalog.ts', import.meta.url).href;
