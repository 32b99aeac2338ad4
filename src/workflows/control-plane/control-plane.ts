/**
 * @module workflows/control-plane/control-plane — the control plane: registrations, executions, scheduling, cache,
 * lineage, events and logs, all state in the database; implements the ExecutorProtocol that executors use and the
 * user-facing API of the CLI and the HTTP server.
 */
import type { Database } from '../../db/index.ts';
import type { BlobStore } from '../../storage/index.ts';
import type { ExecutorProtocol } from '../executor-protocol.ts';
import type { ControlPlaneHooks, TaskDefinition } from '../task-definition.ts';
import type { WorkflowDefinition } from '../workflow-definition.ts';
import { createAttemptService } from './attempts.ts';
import { ChannelWaiters } from './channel-waiters.ts';
import { createContext } from './context.ts';
import { executionPhase, getExecution, listExecutions, readEvents, readLogs } from './execution-views.ts';
import { cancelExecution, launchExecution, relaunchExecution } from './launch.ts';
import { lineageOf } from './lineage.ts';
import { createModelVersionHooks } from './model-versions.ts';
import type {
  ExecutionEvent,
  ExecutionPage,
  ExecutionPhase,
  ExecutionView,
  Lineage,
  LogLine,
  RegistrationResult,
  TaskView,
  WorkflowSummary,
  WorkflowView,
} from './views.ts';
import { waitForExecution, watchExecution } from './watch.ts';

/** What `createControlPlane` needs. */
export type ControlPlaneOptions = {
  /** The database, already migrated with `workflowMigrations` (see `openWorkflowRuntime`). */
  db: Database;
  /** The blob store tasks write to; its URIs in node outputs are recorded as artifacts (lineage). */
  blobs: BlobStore;
  /** The task catalog of this process: `registerAll()` registers it by default. */
  tasks: readonly TaskDefinition[];
};

/** The control plane: the ExecutorProtocol plus the user-facing API. */
export interface ControlPlane extends ExecutorProtocol {
  /** Model-version services for tasks placed on the worker (`placement: 'worker'`). */
  readonly hooks: ControlPlaneHooks;
  /**
   * Registers a task version (immutable: identical content is a no-op).
   * @throws AppError RESOURCE_ALREADY_EXISTS with a short diff when the version exists with other content
   */
  registerTask(task: TaskDefinition): Promise<RegistrationResult>;
  /**
   * Validates and registers a workflow version (its tasks first).
   * @throws AppError RESOURCE_DOES_NOT_EXIST for an unregistered task version (listing known versions);
   *   INVALID_PARAMETER_VALUE for a bad binding, an unbound required input or a cycle (`a → b → a`);
   *   RESOURCE_ALREADY_EXISTS with a diff for changed content under an existing version
   */
  registerWorkflow(workflow: WorkflowDefinition): Promise<RegistrationResult>;
  /**
   * Registers tasks, then workflows.
   * @param tasks - default the catalog given to `createControlPlane`
   * @param workflows - default none
   */
  registerAll(
    tasks?: readonly TaskDefinition[],
    workflows?: readonly WorkflowDefinition[],
  ): Promise<RegistrationResult[]>;
  /** Every registered workflow with its versions. */
  listWorkflows(): Promise<WorkflowSummary[]>;
  /**
   * A workflow with its inputs schema and each node's task interface.
   * @param ref - `name` (latest version) or `name@version`
   * @throws AppError RESOURCE_DOES_NOT_EXIST naming it and listing known workflows or versions
   */
  getWorkflow(ref: string): Promise<WorkflowView>;
  /**
   * A registered task.
   * @param ref - `name` (latest version) or `name@version`
   * @throws AppError RESOURCE_DOES_NOT_EXIST naming it and listing known versions
   */
  getTask(ref: string): Promise<TaskView>;
  /**
   * Launches a workflow.
   * @param ref - `name` (latest version) or `name@version`
   * @param inputs - launch inputs (parsed JSON), checked against the registered JSON Schema (defaults filled in)
   * @returns the execution id
   * @throws AppError RESOURCE_DOES_NOT_EXIST for an unknown workflow (listing known ones); INVALID_PARAMETER_VALUE
   *   listing each failing field
   */
  launch(ref: string, inputs: unknown): Promise<string>;
  /**
   * An execution with its nodes and attempts.
   * @throws AppError RESOURCE_DOES_NOT_EXIST for an unknown id
   */
  getExecution(id: string): Promise<ExecutionView>;
  /**
   * Executions newest first, filtered by `workflow` (`name` or `name@version`) and `phase`; `limit` default 50.
   * @returns a page and `nextPageToken` (undefined on the last page)
   */
  listExecutions(options?: {
    workflow?: string;
    phase?: ExecutionPhase;
    limit?: number;
    pageToken?: string;
  }): Promise<ExecutionPage>;
  /**
   * Cancels an execution: ABORTED at once, queued attempts aborted, running ones told to stop by `heartbeat`.
   * @returns the phase afterwards (an ended execution keeps its phase)
   * @throws AppError RESOURCE_DOES_NOT_EXIST for an unknown id
   */
  cancel(id: string): Promise<ExecutionPhase>;
  /**
   * Runs an execution again with the same workflow version and inputs (`relaunchOf` records the original). With
   * `resume: true` the original's SUCCEEDED nodes are reused (marked `reusedFrom`) and only the rest runs.
   * @returns the new execution id
   * @throws AppError RESOURCE_DOES_NOT_EXIST for an unknown id; INVALID_PARAMETER_VALUE when resuming one still running
   */
  relaunch(id: string, options?: { resume?: boolean }): Promise<string>;
  /** Log lines of an execution (`afterId` to continue, `nodeId` to filter, `limit` default 10000). */
  logs(id: string, options?: { afterId?: number; nodeId?: string; limit?: number }): Promise<LogLine[]>;
  /** Events of an execution (`afterId` to continue, `limit` default 1000). */
  events(id: string, options?: { afterId?: number; limit?: number }): Promise<ExecutionEvent[]>;
  /**
   * Follows an execution's events until its terminal `execution.*` event (or the signal aborts).
   * @throws AppError RESOURCE_DOES_NOT_EXIST for an unknown id
   */
  watch(id: string, options?: { afterId?: number; signal?: AbortSignal }): AsyncIterable<ExecutionEvent>;
  /**
   * Where an artifact came from: execution, workflow@version, node, task@version, inputs, recursively.
   * @throws AppError RESOURCE_DOES_NOT_EXIST when no task produced it
   */
  lineage(uri: string): Promise<Lineage>;
  /**
   * Waits until an execution ends.
   * @param options - `timeoutMs` default 10 minutes
   * @throws AppError TIMEOUT when it is still running after `timeoutMs`
   */
  waitForExecution(
    id: string,
    options?: { timeoutMs?: number; signal?: AbortSignal },
  ): Promise<ExecutionView>;
  /**
   * Returns attempts whose lease expired to the queue now (LOST → system retry); `claimAttempts` also does this, at
   * most about once a second per process.
   * @returns how many attempts were reaped
   */
  reapExpiredLeases(): Promise<number>;
  /** Stops this control plane's LISTEN subscriptions (the database stays open: its owner closes it). */
  close(): Promise<void>;
}

/**
 * Creates the control plane over a migrated database.
 * @param options - database, blob store and the task catalog of this process
 * @returns the control plane
 * @example
 * const cp = createControlPlane({ db, blobs, tasks: taskCatalog });
 * await cp.registerAll(taskCatalog, [myWorkflow]);
 * const id = await cp.launch('my-workflow', { n: 3 });
 * const done = await cp.waitForExecution(id, { timeoutMs: 60_000 });
 */
export function createControlPlane(options: ControlPlaneOptions): ControlPlane {
  const ctx = createContext(options.db, options.blobs);
  const attempts = createAttemptService(ctx);
  const events = new ChannelWaiters(options.db, 'fair_events');
  const registerAll = async (
    tasks: readonly TaskDefinition[] = options.tasks,
    workflows: readonly WorkflowDefinition[] = [],
  ): Promise<RegistrationResult[]> => {
    const results: RegistrationResult[] = [];
    for (const task of tasks) results.push(await ctx.registry.registerTask(task));
    for (const workflow of workflows) results.push(await ctx.registry.registerWorkflow(workflow));
    return results;
  };
  return {
    hooks: createModelVersionHooks(options.db),
    claimAttempts: attempts.claimAttempts,
    heartbeat: attempts.heartbeat,
    completeAttempt: attempts.completeAttempt,
    appendLogs: attempts.appendLogs,
    appendEvents: attempts.appendEvents,
    waitForWork: attempts.waitForWork,
    reapExpiredLeases: attempts.reapExpiredLeases,
    registerTask: (task) => ctx.registry.registerTask(task),
    registerWorkflow: (workflow) => ctx.registry.registerWorkflow(workflow),
    registerAll,
    listWorkflows: () => ctx.registry.listWorkflows(),
    getWorkflow: (ref) => ctx.registry.workflowView(ref),
    getTask: (ref) => ctx.registry.taskView(ref),
    launch: (ref, inputs) => launchExecution(ctx, ref, inputs),
    getExecution: (id) => getExecution(ctx, id),
    listExecutions: (listOptions) => listExecutions(ctx, listOptions),
    cancel: (id) => cancelExecution(ctx, id),
    relaunch: (id, relaunchOptions) => relaunchExecution(ctx, id, relaunchOptions),
    logs: async (id, logOptions) => {
      await executionPhase(ctx, id);
      return readLogs(ctx, id, logOptions);
    },
    events: async (id, eventOptions) => {
      await executionPhase(ctx, id);
      return readEvents(ctx, id, eventOptions);
    },
    watch: (id, watchOptions) => watchExecution(ctx, events, id, watchOptions),
    lineage: (uri) => lineageOf(ctx, uri),
    waitForExecution: (id, waitOptions) => waitForExecution(ctx, events, id, waitOptions),
    async close() {
      await Promise.all([attempts.close(), events.close()]);
    },
  };
}
