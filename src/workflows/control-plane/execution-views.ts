/** @module workflows/control-plane/execution-views — reading executions, nodes, attempts, events and logs. */
import { invalid } from '../../shared/index.ts';
import type { JsonValue } from '../workflow-definition.ts';
import type { ControlPlaneContext } from './context.ts';
import { notFound } from './launch.ts';
import { parseRef } from './specs.ts';
import type {
  AttemptPhase,
  AttemptView,
  ExecutionEvent,
  ExecutionPage,
  ExecutionPhase,
  ExecutionSummary,
  ExecutionView,
  LogLine,
  NodePhase,
  NodeView,
} from './views.ts';

type ExecutionRow = {
  id: string;
  seq: number;
  workflow_name: string;
  workflow_version: string;
  phase: ExecutionPhase;
  relaunch_of: string | null;
  resumed: boolean;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
};

const SUMMARY_COLUMNS =
  'id, seq, workflow_name, workflow_version, phase, relaunch_of, resumed, error, created_at, started_at, ended_at';

const PHASES: readonly ExecutionPhase[] = [
  'QUEUED',
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'ABORTED',
  'TIMED_OUT',
];

/**
 * One execution with its nodes (topological order) and their attempts.
 * @param ctx - the control plane's parts
 * @param id - the execution id
 * @throws AppError RESOURCE_DOES_NOT_EXIST for an unknown id
 */
export async function getExecution(ctx: ControlPlaneContext, id: string): Promise<ExecutionView> {
  const rows = await ctx.db.query<
    ExecutionRow & { inputs: Record<string, JsonValue>; outputs: Record<string, JsonValue> | null }
  >(`SELECT ${SUMMARY_COLUMNS}, inputs, outputs FROM executions WHERE id = $1`, [id]);
  const row = rows[0];
  if (row === undefined) throw notFound(id);
  const [nodes, attempts] = await Promise.all([
    ctx.db.query<{
      node_id: string;
      task: string;
      phase: NodePhase;
      cached: boolean;
      reused_from: string | null;
      inputs: Record<string, JsonValue> | null;
      outputs: Record<string, JsonValue> | null;
      error: string | null;
      started_at: Date | null;
      ended_at: Date | null;
    }>(
      `SELECT node_id, task, phase, cached, reused_from, inputs, outputs, error, started_at, ended_at
       FROM node_executions WHERE execution_id = $1`,
      [id],
    ),
    ctx.db.query<{
      node_id: string;
      attempt: number;
      phase: AttemptPhase;
      worker_id: string | null;
      queued_at: Date;
      started_at: Date | null;
      ended_at: Date | null;
      error: string | null;
    }>(
      `SELECT node_id, attempt, phase, worker_id, queued_at, started_at, ended_at, error
       FROM task_attempts WHERE execution_id = $1 ORDER BY node_id, attempt`,
      [id],
    ),
  ]);
  const attemptsOf = new Map<string, AttemptView[]>();
  for (const a of attempts) {
    const list = attemptsOf.get(a.node_id) ?? [];
    list.push({
      attempt: a.attempt,
      phase: a.phase,
      workerId: a.worker_id,
      queuedAt: a.queued_at,
      startedAt: a.started_at,
      endedAt: a.ended_at,
      error: a.error,
    });
    attemptsOf.set(a.node_id, list);
  }
  const { spec } = await ctx.registry.workflow(`${row.workflow_name}@${row.workflow_version}`);
  const rank = new Map(ctx.registry.orderOf(spec).map((nodeId, i) => [nodeId, i]));
  const nodeViews: NodeView[] = nodes
    .sort((a, b) => (rank.get(a.node_id) ?? 0) - (rank.get(b.node_id) ?? 0))
    .map((n) => ({
      id: n.node_id,
      task: n.task,
      phase: n.phase,
      cached: n.cached,
      reusedFrom: n.reused_from,
      attempts: attemptsOf.get(n.node_id) ?? [],
      startedAt: n.started_at,
      endedAt: n.ended_at,
      error: n.error,
      inputs: n.inputs,
      outputs: n.outputs,
    }));
  return { ...summaryOf(row), inputs: row.inputs, outputs: row.outputs, nodes: nodeViews };
}

/**
 * Executions, newest first.
 * @param ctx - the control plane's parts
 * @param options - `workflow` (`name` or `name@version`), `phase`, `limit` (default 50, at most 1000), `pageToken`
 *   (from the previous page)
 * @returns a page and the token of the next one (undefined on the last page)
 * @throws AppError INVALID_PARAMETER_VALUE for an unknown phase, a bad limit or a malformed page token
 */
export async function listExecutions(
  ctx: ControlPlaneContext,
  options: { workflow?: string; phase?: ExecutionPhase; limit?: number; pageToken?: string } = {},
): Promise<ExecutionPage> {
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    invalid(`limit ${limit} must be an integer from 1 to 1000`);
  if (options.phase !== undefined && !PHASES.includes(options.phase)) {
    invalid(`phase ${options.phase} is not one of ${PHASES.join(', ')}`);
  }
  let before = Number.MAX_SAFE_INTEGER;
  if (options.pageToken !== undefined) {
    before = Number(Buffer.from(options.pageToken, 'base64url').toString('utf8'));
    if (!Number.isSafeInteger(before)) invalid(`page token ${options.pageToken} is malformed`);
  }
  const ref = options.workflow === undefined ? undefined : parseRef(options.workflow);
  const rows = await ctx.db.query<ExecutionRow>(
    `SELECT ${SUMMARY_COLUMNS} FROM executions
     WHERE seq < $1 AND ($2::text IS NULL OR workflow_name = $2) AND ($3::text IS NULL OR workflow_version = $3)
       AND ($4::text IS NULL OR phase = $4)
     ORDER BY seq DESC LIMIT $5`,
    [before, ref?.name ?? null, ref?.version ?? null, options.phase ?? null, limit + 1],
  );
  const items = rows.slice(0, limit).map(summaryOf);
  const last = rows[limit - 1];
  const nextPageToken =
    rows.length > limit && last ? Buffer.from(String(last.seq), 'utf8').toString('base64url') : undefined;
  return { items, nextPageToken };
}

/**
 * Events of an execution in order.
 * @param ctx - the control plane's parts
 * @param id - the execution id
 * @param options - `afterId` (default 0: from the start), `limit` (default 1000)
 */
export async function readEvents(
  ctx: ControlPlaneContext,
  id: string,
  options: { afterId?: number; limit?: number } = {},
): Promise<ExecutionEvent[]> {
  const rows = await ctx.db.query<{
    id: number;
    node_id: string | null;
    type: string;
    data: Record<string, JsonValue>;
    created_at: Date;
  }>(
    `SELECT id, node_id, type, data, created_at FROM events WHERE execution_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
    [id, options.afterId ?? 0, options.limit ?? 1000],
  );
  return rows.map((r) => ({
    id: r.id,
    executionId: id,
    nodeId: r.node_id,
    type: r.type,
    data: r.data,
    at: r.created_at,
  }));
}

/**
 * Log lines of an execution's attempts in order.
 * @param ctx - the control plane's parts
 * @param id - the execution id
 * @param options - `afterId` (default 0), `nodeId` (default every node), `limit` (default 10000)
 */
export async function readLogs(
  ctx: ControlPlaneContext,
  id: string,
  options: { afterId?: number; nodeId?: string; limit?: number } = {},
): Promise<LogLine[]> {
  const rows = await ctx.db.query<{
    id: number;
    node_id: string;
    attempt: number;
    line: string;
    created_at: Date;
  }>(
    `SELECT id, node_id, attempt, line, created_at FROM task_logs
     WHERE execution_id = $1 AND id > $2 AND ($3::text IS NULL OR node_id = $3) ORDER BY id LIMIT $4`,
    [id, options.afterId ?? 0, options.nodeId ?? null, options.limit ?? 10_000],
  );
  return rows.map((r) => ({
    id: r.id,
    nodeId: r.node_id,
    attempt: r.attempt,
    line: r.line,
    at: r.created_at,
  }));
}

/**
 * The phase of an execution.
 * @param ctx - the control plane's parts
 * @param id - the execution id
 * @throws AppError RESOURCE_DOES_NOT_EXIST for an unknown id
 */
export async function executionPhase(ctx: ControlPlaneContext, id: string): Promise<ExecutionPhase> {
  const rows = await ctx.db.query<{ phase: ExecutionPhase }>('SELECT phase FROM executions WHERE id = $1', [
    id,
  ]);
  const phase = rows[0]?.phase;
  if (phase === undefined) throw notFound(id);
  return phase;
}

function summaryOf(row: ExecutionRow): ExecutionSummary {
  return {
    id: row.id,
    workflow: `${row.workflow_name}@${row.workflow_version}`,
    phase: row.phase,
    relaunchOf: row.relaunch_of,
    resumed: row.resumed,
    error: row.error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
}
