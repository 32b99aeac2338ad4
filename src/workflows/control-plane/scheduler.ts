/**
 * @module workflows/control-plane/scheduler — advances one execution inside the transaction that holds its lock:
 * queues ready nodes with resolved inputs (or takes them from the cache), applies an attempt's outcome (success,
 * user retry with backoff, system retry after a lost lease, failure), stops queued work once a node failed, and
 * finalizes the execution when nothing is left to run.
 */
import type { SqlClient } from '../../db/index.ts';
import type { AttemptResult } from '../executor-protocol.ts';
import type { Binding, JsonValue } from '../workflow-definition.ts';
import { cacheKey, lookupCache } from './cache.ts';
import { upstreamOf } from './dag.ts';
import { addEvent, queueAttempt, setNodePhase } from './execution-state.ts';
import type { ExecutionState, NodeState } from './execution-state.ts';
import type { Registry } from './registrations.ts';
import type { TaskSpec } from './specs.ts';
import type { ExecutionPhase } from './views.ts';

/** What the scheduler needs besides the transaction. */
export type SchedulerDeps = {
  registry: Registry;
  /** True for a blob URI of the store (an artifact whose lineage is recorded). */
  isBlobUri: (value: string) => boolean;
};

/** How an attempt ended: an executor's result, or a lease that expired. */
export type AttemptOutcome = AttemptResult | { phase: 'LOST'; error: string };

/** Lost leases (and attempts a worker aborted on its own) are retried this many times, outside the task's retries. */
export const SYSTEM_RETRIES = 3;

const TERMINAL: readonly ExecutionPhase[] = ['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'];

/**
 * True for a phase an execution never leaves.
 * @param phase - an execution phase
 */
export function isTerminalPhase(phase: ExecutionPhase): boolean {
  return TERMINAL.includes(phase);
}

/**
 * Applies the end of an attempt to its node, then advances the execution (unless it was cancelled).
 * @param tx - the transaction holding the execution's lock
 * @param deps - registry and blob URI test
 * @param state - the loaded execution
 * @param nodeId - the attempt's node
 * @param attempt - the attempt number
 * @param outcome - how it ended
 */
export async function recordOutcome(
  tx: SqlClient,
  deps: SchedulerDeps,
  state: ExecutionState,
  nodeId: string,
  attempt: number,
  outcome: AttemptOutcome,
): Promise<void> {
  const node = state.nodes.get(nodeId);
  if (node === undefined) return;
  const task = (await deps.registry.task(node.task, tx)).spec;
  const halted = isTerminalPhase(state.phase) || failedNode(state) !== undefined;
  if (outcome.phase === 'SUCCEEDED') {
    succeed(deps, state, node, task, attempt, outcome.outputs);
  } else if (outcome.phase === 'FAILED' || outcome.phase === 'TIMED_OUT') {
    node.failures += 1;
    node.error = outcome.error;
    const retryable = outcome.phase === 'TIMED_OUT' || outcome.retryable;
    if (!halted && retryable && node.failures <= task.retries.retries) {
      const delayMs = Math.min(task.retries.backoffMs * 2 ** (node.failures - 1), task.retries.maxBackoffMs);
      retry(state, node, task, delayMs, outcome.phase.toLowerCase(), outcome.error);
    } else {
      setNodePhase(state, node, outcome.phase);
      addEvent(state, node.id, `node.${outcome.phase.toLowerCase()}`, { attempt, error: outcome.error });
    }
  } else {
    node.error = outcome.error;
    if (halted) {
      setNodePhase(state, node, 'ABORTED');
      addEvent(state, node.id, 'node.aborted', { attempt, error: outcome.error });
    } else if (node.lost < SYSTEM_RETRIES) {
      node.lost += 1;
      retry(state, node, task, 0, outcome.phase.toLowerCase(), outcome.error);
    } else {
      node.error = `${outcome.error} (${node.lost + 1} attempts lost or aborted by their worker; giving up)`;
      setNodePhase(state, node, 'FAILED');
      addEvent(state, node.id, 'node.failed', { attempt, error: node.error });
    }
  }
  if (state.phase !== 'ABORTED') await advanceExecution(tx, deps, state);
}

/**
 * Moves an execution forward: queues every node whose upstream nodes all succeeded (cache hits complete at once and
 * may make more nodes ready); after a failure, aborts queued attempts and queues nothing; finalizes the execution when
 * no node is queued or running.
 * @param tx - the transaction holding the execution's lock
 * @param deps - registry and blob URI test
 * @param state - the loaded (or new) execution
 */
export async function advanceExecution(
  tx: SqlClient,
  deps: SchedulerDeps,
  state: ExecutionState,
): Promise<void> {
  if (isTerminalPhase(state.phase)) return;
  for (;;) {
    if (failedNode(state) !== undefined) {
      await stopQueued(tx, state);
      break;
    }
    const ready = readyNodes(state);
    if (ready.length === 0) break;
    const tasks = new Map<string, TaskSpec>();
    for (const node of ready) {
      tasks.set(node.id, (await deps.registry.task(node.task, tx)).spec);
      node.inputs = resolveInputs(state, node.id);
    }
    const keys = new Map<string, string>();
    for (const node of ready) {
      const task = tasks.get(node.id) as TaskSpec;
      if (task.cache) keys.set(node.id, cacheKey(task, node.inputs ?? {}));
    }
    const hits = await lookupCache(tx, [...keys.values()]);
    let cached = 0;
    for (const node of ready) {
      const key = keys.get(node.id);
      const hit = key === undefined ? undefined : hits.get(key);
      if (hit) {
        cached += 1;
        node.cached = true;
        node.outputs = hit.outputs;
        state.started.add(node.id);
        setNodePhase(state, node, 'SUCCEEDED');
        addEvent(state, node.id, 'node.cached', {
          cacheKey: key ?? '',
          from: { executionId: hit.executionId, nodeId: hit.nodeId },
        });
      } else {
        queueAttempt(state, node, (tasks.get(node.id) as TaskSpec).timeoutMs, 0);
        addEvent(state, node.id, 'node.queued', { task: node.task, attempt: node.attempts });
      }
    }
    if (cached === 0) break;
  }
  const active = [...state.nodes.values()].some((n) => n.phase === 'QUEUED' || n.phase === 'RUNNING');
  if (!active) finalize(state);
}

/**
 * Resolves a node's bindings against the execution's inputs and upstream outputs (absent values are left out).
 * @param state - the execution
 * @param nodeId - the node
 * @returns the inputs
 */
export function resolveInputs(state: ExecutionState, nodeId: string): Record<string, JsonValue> {
  const node = state.workflow.nodes.find((n) => n.id === nodeId);
  const inputs: Record<string, JsonValue> = {};
  for (const [name, binding] of Object.entries(node?.inputs ?? {})) {
    const value = resolveBinding(state, binding);
    if (value !== undefined) inputs[name] = value;
  }
  return inputs;
}

function resolveBinding(state: ExecutionState, binding: Binding): JsonValue | undefined {
  if ('value' in binding) return binding.value;
  if ('input' in binding) return state.inputs[binding.input];
  return state.nodes.get(binding.node)?.outputs?.[binding.output];
}

function succeed(
  deps: SchedulerDeps,
  state: ExecutionState,
  node: NodeState,
  task: TaskSpec,
  attempt: number,
  outputs: Record<string, JsonValue>,
): void {
  node.outputs = outputs;
  node.error = null;
  setNodePhase(state, node, 'SUCCEEDED');
  addEvent(state, node.id, 'node.succeeded', { attempt });
  for (const [output, value] of Object.entries(outputs)) {
    for (const uri of blobUris(value, deps.isBlobUri)) state.artifacts.push({ uri, nodeId: node.id, output });
  }
  if (task.cache) {
    state.cacheEntries.push({
      key: cacheKey(task, node.inputs ?? {}),
      task: node.task,
      nodeId: node.id,
      outputs,
    });
  }
}

function retry(
  state: ExecutionState,
  node: NodeState,
  task: TaskSpec,
  delayMs: number,
  reason: string,
  error: string,
): void {
  queueAttempt(state, node, task.timeoutMs, delayMs);
  addEvent(state, node.id, 'node.retrying', { attempt: node.attempts, delayMs, reason, error });
}

/** Nodes PENDING whose upstream nodes all SUCCEEDED, in topological order. */
function readyNodes(state: ExecutionState): NodeState[] {
  const specs = new Map(state.workflow.nodes.map((n) => [n.id, n]));
  const ready: NodeState[] = [];
  for (const id of state.order) {
    const node = state.nodes.get(id);
    if (node?.phase !== 'PENDING') continue;
    const upstream = upstreamOf(specs.get(id)?.inputs ?? {});
    if (upstream.every((u) => state.nodes.get(u)?.phase === 'SUCCEEDED')) ready.push(node);
  }
  return ready;
}

/** The first node (topological order) that FAILED or TIMED_OUT. */
function failedNode(state: ExecutionState): NodeState | undefined {
  for (const id of state.order) {
    const node = state.nodes.get(id);
    if (node?.phase === 'FAILED' || node?.phase === 'TIMED_OUT') return node;
  }
  return undefined;
}

/** After a failure: queued attempts (including backoffs and ones queued in this transaction) are aborted. */
async function stopQueued(tx: SqlClient, state: ExecutionState): Promise<void> {
  const failed = failedNode(state);
  const reason = `not run: node ${failed?.id ?? '?'} failed`;
  const stopped = new Set(state.attemptsToQueue.map((a) => a.nodeId));
  state.attemptsToQueue = [];
  const rows = await tx.query<{ node_id: string }>(
    `UPDATE task_attempts SET phase = 'ABORTED', ended_at = clock_timestamp(), error = $2
     WHERE execution_id = $1 AND phase = 'QUEUED' RETURNING node_id`,
    [state.id, reason],
  );
  for (const row of rows) stopped.add(row.node_id);
  for (const id of stopped) {
    const node = state.nodes.get(id);
    if (node === undefined || node.phase !== 'QUEUED') continue;
    setNodePhase(state, node, 'ABORTED');
    node.error ??= reason;
    addEvent(state, id, 'node.aborted', { reason });
  }
}

/** Ends the execution: SUCCEEDED with its outputs, or FAILED / TIMED_OUT after the first failed node. */
function finalize(state: ExecutionState): void {
  const failed = failedNode(state);
  for (const id of state.order) {
    const node = state.nodes.get(id);
    if (node?.phase !== 'PENDING') continue;
    setNodePhase(state, node, 'SKIPPED');
    addEvent(state, id, 'node.skipped', {});
  }
  state.executionChanged = true;
  if (failed === undefined) {
    state.phase = 'SUCCEEDED';
    state.outputs = {};
    for (const [name, binding] of Object.entries(state.workflow.outputs)) {
      const value = resolveBinding(state, binding);
      if (value !== undefined) state.outputs[name] = value;
    }
    addEvent(state, null, 'execution.succeeded', { outputs: state.outputs });
    return;
  }
  state.phase = failed.phase === 'TIMED_OUT' ? 'TIMED_OUT' : 'FAILED';
  state.error = `node ${failed.id} (${failed.task}) ${failed.phase === 'TIMED_OUT' ? 'timed out' : 'failed'}: ${failed.error ?? 'unknown error'}`;
  addEvent(state, null, `execution.${state.phase.toLowerCase()}`, { node: failed.id, error: state.error });
}

/** Blob URIs of the store inside a JSON value (any depth). */
export function blobUris(value: JsonValue, isBlobUri: (s: string) => boolean): string[] {
  if (typeof value === 'string') return isBlobUri(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((v) => blobUris(v, isBlobUri));
  if (value !== null && typeof value === 'object')
    return Object.values(value).flatMap((v) => blobUris(v, isBlobUri));
  return [];
}
