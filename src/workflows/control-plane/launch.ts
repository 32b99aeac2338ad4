/** @module workflows/control-plane/launch — launching, relaunching (fresh or resuming) and cancelling executions. */
import { randomUUID } from 'node:crypto';
import type { SqlClient } from '../../db/index.ts';
import { AppError, invalid } from '../../shared/index.ts';
import type { JsonValue } from '../workflow-definition.ts';
import type { ControlPlaneContext } from './context.ts';
import { addEvent, newExecutionState, setNodePhase } from './execution-state.ts';
import { flushExecution } from './flush-execution.ts';
import type { ExecutionState } from './execution-state.ts';
import { advanceExecution, isTerminalPhase } from './scheduler.ts';
import type { WorkflowSpec } from './specs.ts';
import { retryingTransaction } from './transactions.ts';
import type { ExecutionPhase } from './views.ts';

/** What a resumed execution copies from a node that succeeded in the original. */
type ReusedNode = { inputs: Record<string, JsonValue> | null; outputs: Record<string, JsonValue> | null };

/**
 * Launches a workflow: validates the inputs, then records the execution and its nodes and queues the first nodes (or
 * takes them from the cache) in one statement.
 * @param ctx - the control plane's parts
 * @param ref - `name` (latest version) or `name@version`
 * @param inputs - launch inputs (parsed JSON)
 * @returns the execution id
 * @throws AppError RESOURCE_DOES_NOT_EXIST naming an unknown workflow (listing known ones); INVALID_PARAMETER_VALUE
 *   listing the failing input fields
 */
export async function launchExecution(
  ctx: ControlPlaneContext,
  ref: string,
  inputs: unknown,
): Promise<string> {
  const { spec } = await ctx.registry.workflow(ref);
  const valid = ctx.validator.validate(spec, inputs);
  return startExecution(ctx, spec, valid, { relaunchOf: null, resumeFrom: undefined });
}

/**
 * Relaunches an execution with the same workflow version and inputs. With `resume`, the nodes that SUCCEEDED in it
 * keep their outputs (marked as reused) and only the rest runs.
 * @param ctx - the control plane's parts
 * @param executionId - the execution to relaunch
 * @param options - `resume` (default false)
 * @returns the new execution's id (its `relaunchOf` is the old one)
 * @throws AppError RESOURCE_DOES_NOT_EXIST for an unknown execution; INVALID_PARAMETER_VALUE when resuming one that
 *   has not ended
 */
export async function relaunchExecution(
  ctx: ControlPlaneContext,
  executionId: string,
  options: { resume?: boolean } = {},
): Promise<string> {
  const rows = await ctx.db.query<{
    workflow_name: string;
    workflow_version: string;
    phase: ExecutionPhase;
    inputs: Record<string, JsonValue>;
  }>('SELECT workflow_name, workflow_version, phase, inputs FROM executions WHERE id = $1', [executionId]);
  const row = rows[0];
  if (row === undefined) throw notFound(executionId);
  if (options.resume === true && !isTerminalPhase(row.phase)) {
    invalid(`execution ${executionId} is ${row.phase}: cancel it or wait for it to end before resuming it`);
  }
  const { spec } = await ctx.registry.workflow(`${row.workflow_name}@${row.workflow_version}`);
  let resumeFrom: Map<string, ReusedNode> | undefined;
  if (options.resume === true) {
    const nodes = await ctx.db.query<{ node_id: string } & ReusedNode>(
      `SELECT node_id, inputs, outputs FROM node_executions WHERE execution_id = $1 AND phase = 'SUCCEEDED'`,
      [executionId],
    );
    resumeFrom = new Map(nodes.map((n) => [n.node_id, { inputs: n.inputs, outputs: n.outputs }]));
  }
  return startExecution(ctx, spec, row.inputs, { relaunchOf: executionId, resumeFrom });
}

/**
 * Cancels an execution: it becomes ABORTED at once, its queued attempts are aborted, and running attempts are told to
 * stop by the next heartbeat of their worker. Cancelling an ended execution changes nothing.
 * @param ctx - the control plane's parts
 * @param executionId - the execution
 * @returns the execution's phase afterwards
 * @throws AppError RESOURCE_DOES_NOT_EXIST for an unknown execution
 */
export async function cancelExecution(
  ctx: ControlPlaneContext,
  executionId: string,
): Promise<ExecutionPhase> {
  return retryingTransaction(ctx.db, async (tx) => {
    const state = await ctx.load(tx, executionId);
    if (state === undefined) throw notFound(executionId);
    if (isTerminalPhase(state.phase)) return state.phase;
    state.phase = 'ABORTED';
    state.error = 'cancelled';
    state.executionChanged = true;
    addEvent(state, null, 'execution.aborted', { reason: 'cancelled' });
    await abortAttempts(tx, state);
    await flushExecution(tx, state);
    return state.phase;
  });
}

/**
 * The error for an unknown execution id.
 * @param executionId - the id
 */
export function notFound(executionId: string): AppError {
  return new AppError('RESOURCE_DOES_NOT_EXIST', `execution ${executionId} does not exist`);
}

async function abortAttempts(tx: SqlClient, state: ExecutionState): Promise<void> {
  const rows = await tx.query<{ node_id: string; phase: string }>(
    `UPDATE task_attempts SET
       phase = CASE WHEN phase = 'QUEUED' THEN 'ABORTED' ELSE phase END,
       ended_at = CASE WHEN phase = 'QUEUED' THEN clock_timestamp() ELSE ended_at END,
       error = CASE WHEN phase = 'QUEUED' THEN 'cancelled' ELSE error END,
       stop_requested = (phase = 'RUNNING')
     WHERE execution_id = $1 AND phase IN ('QUEUED', 'RUNNING')
     RETURNING node_id, phase`,
    [state.id],
  );
  for (const row of rows) {
    const node = state.nodes.get(row.node_id);
    if (row.phase !== 'ABORTED' || node === undefined) continue;
    setNodePhase(state, node, 'ABORTED');
    node.error ??= 'cancelled';
    addEvent(state, node.id, 'node.aborted', { reason: 'cancelled' });
  }
  for (const id of state.order) {
    const node = state.nodes.get(id);
    if (node?.phase !== 'PENDING') continue;
    setNodePhase(state, node, 'SKIPPED');
    addEvent(state, id, 'node.skipped', {});
  }
}

async function startExecution(
  ctx: ControlPlaneContext,
  spec: WorkflowSpec,
  inputs: Record<string, JsonValue>,
  origin: { relaunchOf: string | null; resumeFrom: Map<string, ReusedNode> | undefined },
): Promise<string> {
  const id = randomUUID();
  const state = newExecutionState(id, spec, ctx.registry.orderOf(spec), inputs, {
    relaunchOf: origin.relaunchOf,
    resumed: origin.resumeFrom !== undefined,
  });
  addEvent(state, null, 'execution.queued', {
    workflow: `${spec.name}@${spec.version}`,
    ...(origin.relaunchOf === null ? {} : { relaunchOf: origin.relaunchOf }),
  });
  for (const [nodeId, reused] of origin.resumeFrom ?? []) {
    const node = state.nodes.get(nodeId);
    if (node === undefined) continue;
    node.inputs = reused.inputs;
    node.outputs = reused.outputs;
    node.reusedFrom = origin.relaunchOf;
    state.started.add(nodeId);
    setNodePhase(state, node, 'SUCCEEDED');
    addEvent(state, nodeId, 'node.reused', { from: origin.relaunchOf });
  }
  // Nobody else sees a new execution until its one INSERT statement commits: no transaction or lock is needed.
  await advanceExecution(ctx.db, ctx, state);
  await flushExecution(ctx.db, state);
  return id;
}
