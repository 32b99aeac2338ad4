/**
 * @module workflows — versioned workflows of typed tasks (issue: the Flyte-like orchestrator): registrations,
 * executions with retries, caching, leases and lineage in the database (control plane); the local executor; the
 * shipped tasks and workflows; and `openWorkflowRuntime`, the composition root a process uses.
 */
export { defineTask, taskRef } from './task-definition.ts';
export type {
  ControlPlaneHooks,
  ModelVersionRecord,
  RetryPolicy,
  TaskContext,
  TaskDeclaration,
  TaskDefinition,
  TaskEvent,
  TaskResources,
} from './task-definition.ts';
export type { Binding, JsonValue, WorkflowDefinition, WorkflowNode } from './workflow-definition.ts';
export type { AttemptResult, ClaimedAttempt, ExecutorProtocol } from './executor-protocol.ts';
export * from './control-plane/index.ts';
export { openWorkflowRuntime } from './runtime.ts';
export type { WorkflowRuntime, WorkflowRuntimeOptions } from './runtime.ts';
export * from './local-executor/index.ts';
export {
  buildingSettingsShape,
  builtinCatalogModule,
  builtinTasks,
  builtinWorkflows,
  minAreaSchema,
  predictionWorkflow,
  trainingWorkflow,
} from './builtin/index.ts';
