/** @module workflows/control-plane/views — what the control plane returns to users (CLI, HTTP API): plain data. */
import type { RetryPolicy, TaskResources } from '../task-definition.ts';
import type { Binding, JsonValue } from '../workflow-definition.ts';

/** A JSON Schema document (draft-07, as `z.toJSONSchema` yields it). */
export type JsonSchema = { [key: string]: JsonValue };

/** Execution phases. */
export type ExecutionPhase = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';
/** Node phases: PENDING waits for upstream nodes; SKIPPED never ran because the execution failed first. */
export type NodePhase =
  'PENDING' | 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT' | 'SKIPPED';
/** Attempt phases: LOST is a lease that expired (its worker died or stalled). */
export type AttemptPhase = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'LOST';

/** Outcome of registering a task or workflow. */
export type RegistrationResult = {
  name: string;
  version: string;
  /** Hex SHA-256 of the registered content (canonical JSON). */
  digest: string;
  /** False when the same content was already registered (a no-op). */
  created: boolean;
};

/** A registered task as `describe` shows it. */
export type TaskView = {
  name: string;
  version: string;
  digest: string;
  description: string;
  /** JSON Schema of the inputs (fields with defaults are optional). */
  inputs: JsonSchema;
  /** JSON Schema of the outputs. */
  outputs: JsonSchema;
  resources: TaskResources;
  retries: RetryPolicy;
  timeoutMs: number;
  cache: boolean;
  cacheVersion: string;
  placement: 'process' | 'worker';
  createdAt: Date;
};

/** One node of a registered workflow with its task's interface. */
export type WorkflowNodeView = {
  id: string;
  task: string;
  inputs: Record<string, Binding>;
  interface: TaskView;
};

/** A registered workflow as `describe` shows it. */
export type WorkflowView = {
  name: string;
  version: string;
  digest: string;
  description: string;
  /** JSON Schema of the launch inputs. */
  inputs: JsonSchema;
  /** Nodes in topological order. */
  nodes: WorkflowNodeView[];
  outputs: Record<string, Binding>;
  createdAt: Date;
};

/** A workflow name with its registered versions (natural order, latest last). */
export type WorkflowSummary = {
  name: string;
  description: string;
  latestVersion: string;
  versions: string[];
};

/** One attempt of a node. */
export type AttemptView = {
  attempt: number;
  phase: AttemptPhase;
  workerId: string | null;
  queuedAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  error: string | null;
};

/** One node of an execution. */
export type NodeView = {
  id: string;
  /** `name@version`. */
  task: string;
  phase: NodePhase;
  /** Outputs reused from the cache (`node.cached`). */
  cached: boolean;
  /** Execution whose outputs this node reused when resuming, or null. */
  reusedFrom: string | null;
  /** Every attempt, first to last. */
  attempts: AttemptView[];
  startedAt: Date | null;
  endedAt: Date | null;
  /** The last error (kept after retries). */
  error: string | null;
  /** Resolved inputs, once the node was queued. */
  inputs: Record<string, JsonValue> | null;
  outputs: Record<string, JsonValue> | null;
};

/** One execution without its nodes (lists). */
export type ExecutionSummary = {
  id: string;
  /** `name@version` of the workflow it runs. */
  workflow: string;
  phase: ExecutionPhase;
  relaunchOf: string | null;
  resumed: boolean;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
};

/** One execution with its inputs, outputs and nodes (in topological order). */
export type ExecutionView = ExecutionSummary & {
  inputs: Record<string, JsonValue>;
  outputs: Record<string, JsonValue> | null;
  nodes: NodeView[];
};

/** A page of executions. */
export type ExecutionPage = { items: ExecutionSummary[]; nextPageToken: string | undefined };

/** One event of an execution's stream (`execution.<phase>`, `node.<phase>`, `node.cached`, `task.<type>`, …). */
export type ExecutionEvent = {
  /** Increasing per database; pass the last seen as `afterId` to continue. */
  id: number;
  executionId: string;
  nodeId: string | null;
  type: string;
  data: Record<string, JsonValue>;
  at: Date;
};

/** One log line of a task attempt. */
export type LogLine = { id: number; nodeId: string; attempt: number; line: string; at: Date };

/** Where an artifact came from, and recursively where its inputs came from. */
export type Lineage = {
  /** The artifact asked about. */
  uri: string;
  /** The artifact recorded as produced (the same, or the prefix URI holding it). */
  producedAs: string;
  executionId: string;
  /** `name@version` of the workflow. */
  workflow: string;
  nodeId: string;
  /** Output name of the node. */
  output: string;
  /** `name@version` of the task. */
  task: string;
  /** The node's resolved inputs. */
  inputs: Record<string, JsonValue>;
  producedAt: Date;
  /** Each blob of the store among the inputs, with its own lineage (null: not produced by a workflow). */
  sources: { input: string; uri: string; lineage: Lineage | null }[];
};
