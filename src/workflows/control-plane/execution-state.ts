/**
 * @module workflows/control-plane/execution-state — one execution loaded into memory under its row lock, changed by
 * the scheduler, and written back in one statement by `flushExecution` (flush-execution.ts).
 * Every transaction that writes an execution's events holds that lock first, so event ids of one execution grow in
 * commit order and a reader that continues after the last id it saw never misses one.
 */
import { randomUUID } from 'node:crypto';
import type { SqlClient } from '../../db/index.ts';
import type { JsonValue } from '../workflow-definition.ts';
import type { WorkflowSpec } from './specs.ts';
import type { ExecutionPhase, NodePhase } from './views.ts';

/** A node as the scheduler sees it. */
export type NodeState = {
  id: string;
  task: string;
  phase: NodePhase;
  cached: boolean;
  reusedFrom: string | null;
  inputs: Record<string, JsonValue> | null;
  outputs: Record<string, JsonValue> | null;
  error: string | null;
  /** Attempts created so far (the last one's number). */
  attempts: number;
  /** Attempts that FAILED or TIMED_OUT (user retries count these). */
  failures: number;
  /** Attempts lost or aborted by their worker (system retries count these). */
  lost: number;
};

/** An event to append. */
export type PendingEvent = { nodeId: string | null; type: string; data: Record<string, JsonValue> };

/** An attempt to queue. */
export type PendingAttempt = {
  id: string;
  nodeId: string;
  attempt: number;
  task: string;
  inputs: Record<string, JsonValue>;
  timeoutMs: number;
  delayMs: number;
};

/** A produced artifact (a blob URI among a node's outputs). */
export type PendingArtifact = { uri: string; nodeId: string; output: string };

/** A result to remember in the cache. */
export type PendingCacheEntry = {
  key: string;
  task: string;
  nodeId: string;
  outputs: Record<string, JsonValue>;
};

/** One execution and what changed in it during the current transaction. */
export type ExecutionState = {
  id: string;
  workflow: WorkflowSpec;
  /** Node ids in topological order. */
  order: readonly string[];
  phase: ExecutionPhase;
  inputs: Record<string, JsonValue>;
  outputs: Record<string, JsonValue> | null;
  error: string | null;
  nodes: Map<string, NodeState>;
  /** Nodes to write back (all of them for a new execution). */
  dirty: Set<string>;
  /** Nodes that started or ended in this transaction (timestamps from the database clock). */
  started: Set<string>;
  ended: Set<string>;
  executionChanged: boolean;
  /** Set for an execution not yet in the database: the flush inserts its row. */
  created: { relaunchOf: string | null; resumed: boolean } | undefined;
  attemptsToQueue: PendingAttempt[];
  artifacts: PendingArtifact[];
  cacheEntries: PendingCacheEntry[];
  events: PendingEvent[];
};

type NodeRow = {
  node_id: string;
  task: string;
  phase: NodePhase;
  cached: boolean;
  reused_from: string | null;
  inputs: Record<string, JsonValue> | null;
  outputs: Record<string, JsonValue> | null;
  error: string | null;
  attempts: number;
  failures: number;
  lost: number;
};

/**
 * A fresh state for a new execution: every node PENDING (`flushExecution` inserts the execution and its nodes).
 * @param id - the new execution's id
 * @param workflow - the workflow spec
 * @param order - node ids in topological order
 * @param inputs - validated launch inputs
 * @param origin - the execution it relaunches (or null) and whether it resumes it
 * @returns the state
 */
export function newExecutionState(
  id: string,
  workflow: WorkflowSpec,
  order: readonly string[],
  inputs: Record<string, JsonValue>,
  origin: { relaunchOf: string | null; resumed: boolean },
): ExecutionState {
  const nodes = new Map<string, NodeState>();
  for (const node of workflow.nodes) {
    nodes.set(node.id, {
      id: node.id,
      task: node.task,
      phase: 'PENDING',
      cached: false,
      reusedFrom: null,
      inputs: null,
      outputs: null,
      error: null,
      attempts: 0,
      failures: 0,
      lost: 0,
    });
  }
  return {
    ...emptyChanges(),
    created: origin,
    id,
    workflow,
    order,
    phase: 'QUEUED',
    inputs,
    outputs: null,
    error: null,
    nodes,
    dirty: new Set(nodes.keys()),
  };
}

/** The columns of a locked execution row that the scheduler reads (`LOCKED_EXECUTION_COLUMNS`). */
export type LockedExecutionRow = {
  workflow_name: string;
  workflow_version: string;
  phase: ExecutionPhase;
  inputs: Record<string, JsonValue>;
  outputs: Record<string, JsonValue> | null;
  error: string | null;
};

/** SELECT list of `LockedExecutionRow` for a query on `executions e`. */
export const LOCKED_EXECUTION_COLUMNS =
  'e.workflow_name, e.workflow_version, e.phase, e.inputs, e.outputs, e.error';

/**
 * Locks an execution's row (`FOR UPDATE`) and reads it with its nodes. The nodes are read by a statement after the
 * lock is held, so they include every change committed by the transaction that held it before.
 * @param tx - an open transaction
 * @param id - the execution id
 * @param workflowOf - the registered workflow spec and its topological order, by workflow name and version
 * @param locked - the execution row when the caller already locked and read it
 * @returns the state, or undefined when there is no such execution
 */
export async function loadExecutionState(
  tx: SqlClient,
  id: string,
  workflowOf: (name: string, version: string) => Promise<{ spec: WorkflowSpec; order: readonly string[] }>,
  locked?: LockedExecutionRow,
): Promise<ExecutionState | undefined> {
  const row =
    locked ??
    (
      await tx.query<LockedExecutionRow>(
        `SELECT ${LOCKED_EXECUTION_COLUMNS} FROM executions e WHERE e.id = $1 FOR UPDATE`,
        [id],
      )
    )[0];
  if (row === undefined) return undefined;
  const nodeRows = await tx.query<NodeRow>(
    `SELECT node_id, task, phase, cached, reused_from, inputs, outputs, error, attempts, failures, lost
     FROM node_executions WHERE execution_id = $1`,
    [id],
  );
  const nodes = new Map<string, NodeState>();
  for (const n of nodeRows) {
    nodes.set(n.node_id, {
      id: n.node_id,
      task: n.task,
      phase: n.phase,
      cached: n.cached,
      reusedFrom: n.reused_from,
      inputs: n.inputs,
      outputs: n.outputs,
      error: n.error,
      attempts: n.attempts,
      failures: n.failures,
      lost: n.lost,
    });
  }
  const { spec, order } = await workflowOf(row.workflow_name, row.workflow_version);
  return {
    ...emptyChanges(),
    id,
    workflow: spec,
    order,
    phase: row.phase,
    inputs: row.inputs,
    outputs: row.outputs,
    error: row.error,
    nodes,
  };
}

/**
 * Queues a new attempt of a node (the node becomes QUEUED).
 * @param state - the execution
 * @param node - the node (its `inputs` resolved)
 * @param timeoutMs - the task's timeout
 * @param delayMs - backoff before it may be claimed
 */
export function queueAttempt(
  state: ExecutionState,
  node: NodeState,
  timeoutMs: number,
  delayMs: number,
): void {
  node.attempts += 1;
  node.phase = 'QUEUED';
  state.dirty.add(node.id);
  state.attemptsToQueue.push({
    id: randomUUID(),
    nodeId: node.id,
    attempt: node.attempts,
    task: node.task,
    inputs: node.inputs ?? {},
    timeoutMs,
    delayMs,
  });
}

/**
 * Sets a node's phase; terminal phases stamp its end.
 * @param state - the execution
 * @param node - the node
 * @param phase - the new phase
 */
export function setNodePhase(state: ExecutionState, node: NodeState, phase: NodePhase): void {
  node.phase = phase;
  state.dirty.add(node.id);
  if (phase !== 'PENDING' && phase !== 'QUEUED' && phase !== 'RUNNING') state.ended.add(node.id);
}

/**
 * Appends an event for the flush.
 * @param state - the execution
 * @param nodeId - the node, or null for execution events
 * @param type - `execution.<phase>`, `node.<phase>`, `node.cached`, …
 * @param data - small JSON payload
 */
export function addEvent(
  state: ExecutionState,
  nodeId: string | null,
  type: string,
  data: Record<string, JsonValue> = {},
): void {
  state.events.push({ nodeId, type, data });
}

/**
 * The change sets of a state, all empty (after a flush).
 * @returns fresh, empty change sets
 */
export function emptyChanges(): Pick<
  ExecutionState,
  | 'dirty'
  | 'started'
  | 'ended'
  | 'executionChanged'
  | 'created'
  | 'attemptsToQueue'
  | 'artifacts'
  | 'cacheEntries'
  | 'events'
> {
  return {
    dirty: new Set(),
    started: new Set(),
    ended: new Set(),
    executionChanged: false,
    created: undefined,
    attemptsToQueue: [],
    artifacts: [],
    cacheEntries: [],
    events: [],
  };
}
