/**
 * @module workflows/control-plane — registrations, executions, scheduling, cache, lineage, events and logs in the
 * database; the ExecutorProtocol executors use and the user-facing API.
 */
export { createControlPlane } from './control-plane.ts';
export type { ControlPlane, ControlPlaneOptions } from './control-plane.ts';
export { workflowMigrations } from './migrations.ts';
export { createModelVersionHooks } from './model-versions.ts';
export { cacheKey } from './cache.ts';
export { validateWorkflow, topologicalOrder } from './dag.ts';
export { taskSpecOf, workflowSpecOf, specDigest, interfaceHash, parseRef } from './specs.ts';
export type { TaskSpec, WorkflowSpec } from './specs.ts';
export { isTerminalEvent } from './watch.ts';
export { isTerminalPhase, SYSTEM_RETRIES } from './scheduler.ts';
export type * from './views.ts';
