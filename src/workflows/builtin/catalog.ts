/**
 * @module workflows/builtin/catalog — the task catalog module the executor's child processes load
 * (`export const taskCatalog`); it imports only the task declarations, whose heavy domains load when a task runs.
 */
import type { TaskDefinition } from '../task-definition.ts';
import { evaluateTask } from './evaluate-task.ts';
import { exportOnnxTask } from './export-onnx-task.ts';
import { noopTask } from './noop-task.ts';
import { predictTask } from './predict-task.ts';
import { prepareDatasetTask } from './prepare-dataset-task.ts';
import { registerTask } from './register-task.ts';
import { resolveModelTask } from './resolve-model-task.ts';
import { trainTask } from './train-task.ts';

/** Every shipped task. */
export const taskCatalog: readonly TaskDefinition[] = [
  noopTask,
  prepareDatasetTask,
  trainTask,
  evaluateTask,
  exportOnnxTask,
  registerTask,
  resolveModelTask,
  predictTask,
] as readonly TaskDefinition[];
