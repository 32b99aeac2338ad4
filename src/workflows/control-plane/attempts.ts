/**
 * @module workflows/control-plane/attempts — the ExecutorProtocol on the database: claim attempts with leases
 * (`FOR UPDATE SKIP LOCKED`), heartbeats, idempotent completion that advances the execution, lease reaping (at most
 * about once a second per process), logs and task events, and `waitForWork` woken by NOTIFY `fair_work`.
 */
import type { SqlClient } from '../../db/index.ts';
import type { AttemptResult, ClaimedAttempt, ExecutorProtocol } from '../executor-protocol.ts';
import type { JsonValue } from '../workflow-definition.ts';
import { ChannelWaiters } from './channel-waiters.ts';
import type { ChannelSubscription } from './channel-waiters.ts';
import type { ControlPlaneContext } from './context.ts';
import { LOCKED_EXECUTION_COLUMNS } from './execution-state.ts';
import { flushExecution } from './flush-execution.ts';
import type { LockedExecutionRow } from './execution-state.ts';
import { recordOutcome } from './scheduler.ts';
import type { AttemptOutcome } from './scheduler.ts';
import { retryingTransaction, retryOnConflict } from './transactions.ts';

/** Largest inline JSON of one node's outputs, bytes (1 MiB); larger values go to the blob store by reference. */
export const MAX_INLINE_OUTPUT_BYTES = 1024 * 1024;

/** Leases are reaped at most this often per process. */
const REAP_INTERVAL_MS = 1000;

/** An attempt's execution, locked: the first CTE of statements that append to its logs or events. */
const ATTEMPT_EXECUTION_LOCK = `SELECT a.execution_id, a.node_id, a.attempt FROM task_attempts a
  JOIN executions e ON e.id = a.execution_id WHERE a.id = $1 FOR UPDATE OF e`;

type EndedAttemptRow = LockedExecutionRow & { execution_id: string; node_id: string; attempt: number };

type ClaimedRow = {
  id: string;
  execution_id: string;
  node_id: string;
  attempt: number;
  task: string;
  inputs: Record<string, JsonValue>;
  timeout_ms: number;
  lease_expires_at: Date;
};

/** The executor side of the control plane, plus `close()` for its LISTEN subscription. */
export type AttemptService = ExecutorProtocol & {
  /** Returns expired leases to the queue now (normally done by `claimAttempts`). @returns how many were reaped */
  reapExpiredLeases(): Promise<number>;
  close(): Promise<void>;
};

/**
 * Builds the ExecutorProtocol of a control plane.
 * @param ctx - the control plane's parts
 * @returns the protocol
 */
export function createAttemptService(ctx: ControlPlaneContext): AttemptService {
  const work = new ChannelWaiters(ctx.db, 'fair_work');
  let workSubscription: Promise<ChannelSubscription> | undefined;
  let lastReap = 0;
  let reaping: Promise<number> | undefined;

  const reapExpiredLeases = async (): Promise<number> => {
    lastReap = Date.now();
    const expired = await ctx.db.query<{ id: string }>(
      `SELECT id FROM task_attempts WHERE phase = 'RUNNING' AND lease_expires_at < clock_timestamp()
       ORDER BY lease_expires_at LIMIT 100`,
    );
    let reaped = 0;
    for (const { id } of expired) {
      const done = await retryingTransaction(ctx.db, async (tx) => {
        const rows = await tx.query<EndedAttemptRow & { worker_id: string }>(
          `WITH ended AS (
             UPDATE task_attempts SET phase = 'LOST', ended_at = clock_timestamp(),
               error = 'lease expired: worker ' || worker_id || ' stopped sending heartbeats'
             WHERE id = $1 AND phase = 'RUNNING' AND lease_expires_at < clock_timestamp()
             RETURNING execution_id, node_id, attempt, worker_id)
           SELECT ended.execution_id, ended.node_id, ended.attempt, ended.worker_id, ${LOCKED_EXECUTION_COLUMNS}
           FROM ended JOIN executions e ON e.id = ended.execution_id FOR UPDATE OF e`,
          [id],
        );
        const row = rows[0];
        if (row === undefined) return false;
        await applyOutcome(tx, ctx, row, {
          phase: 'LOST',
          error: `lease expired: worker ${row.worker_id} stopped sending heartbeats`,
        });
        return true;
      });
      if (done) reaped += 1;
    }
    return reaped;
  };

  return {
    async claimAttempts(workerId, limit, leaseMs) {
      if (Date.now() - lastReap >= REAP_INTERVAL_MS) {
        reaping ??= reapExpiredLeases().finally(() => {
          reaping = undefined;
        });
        await reaping;
      }
      (await workSubscription)?.clear();
      if (limit <= 0) return [];
      return retryOnConflict(() => claim(ctx.db, workerId, Math.floor(limit), leaseMs));
    },

    async heartbeat(workerId, attemptIds, leaseMs) {
      if (attemptIds.length === 0) return [];
      const renewed = await ctx.db.query<{ id: string }>(
        `UPDATE task_attempts SET lease_expires_at = clock_timestamp() + $3::double precision * interval '1 millisecond'
         WHERE id IN (SELECT jsonb_array_elements_text($2::jsonb)) AND worker_id = $1 AND phase = 'RUNNING'
           AND NOT stop_requested
         RETURNING id`,
        [workerId, JSON.stringify(attemptIds), leaseMs],
      );
      const kept = new Set(renewed.map((r) => r.id));
      return attemptIds.filter((id) => !kept.has(id));
    },

    async completeAttempt(workerId, attemptId, result) {
      const checked = checkOutputSize(result);
      return retryingTransaction(ctx.db, async (tx) => {
        // The attempt's end and its execution's lock in one statement; the nodes are read after (see applyOutcome).
        const rows = await tx.query<EndedAttemptRow>(
          `WITH ended AS (
             UPDATE task_attempts SET phase = $3, ended_at = clock_timestamp(), error = $4, outputs = $5::jsonb
             WHERE id = $1 AND worker_id = $2 AND phase = 'RUNNING'
             RETURNING execution_id, node_id, attempt)
           SELECT ended.execution_id, ended.node_id, ended.attempt, ${LOCKED_EXECUTION_COLUMNS}
           FROM ended JOIN executions e ON e.id = ended.execution_id FOR UPDATE OF e`,
          [
            attemptId,
            workerId,
            checked.phase,
            checked.phase === 'SUCCEEDED' ? null : checked.error,
            checked.phase === 'SUCCEEDED' ? JSON.stringify(checked.outputs) : null,
          ],
        );
        const row = rows[0];
        if (row === undefined) return false;
        await applyOutcome(tx, ctx, row, checked);
        return true;
      });
    },

    async appendLogs(attemptId, lines) {
      if (lines.length === 0) return;
      // The execution's lock is taken before the ids are drawn (see execution-state.ts on order); unknown ids: no-op.
      const sql = `WITH attempt AS (${ATTEMPT_EXECUTION_LOCK})
         INSERT INTO task_logs (execution_id, node_id, attempt, line)
         SELECT a.execution_id, a.node_id, a.attempt, l
         FROM attempt a, jsonb_array_elements_text($2::jsonb) WITH ORDINALITY AS t(l, i) ORDER BY i`;
      await retryOnConflict(() => ctx.db.query(sql, [attemptId, JSON.stringify(lines)]));
    },

    async appendEvents(attemptId, events) {
      if (events.length === 0) return;
      const sql = `WITH attempt AS (${ATTEMPT_EXECUTION_LOCK})
         INSERT INTO events (execution_id, node_id, type, data)
         SELECT a.execution_id, a.node_id, 'task.' || (e->>'type'), (e->'data') || jsonb_build_object('attempt', a.attempt)
         FROM attempt a, jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(e, i) ORDER BY i`;
      const json = JSON.stringify(events.map((e) => ({ type: e.type, data: e.data })));
      await retryOnConflict(() => ctx.db.query(sql, [attemptId, json]));
    },

    async waitForWork(maxWaitMs, signal) {
      workSubscription ??= work.subscribe('');
      const subscription = await workSubscription;
      const due = await ctx.db.query<{ ms: number | null }>(
        `SELECT extract(epoch FROM (least(
           (SELECT min(not_before) FROM task_attempts WHERE phase = 'QUEUED'),
           (SELECT min(lease_expires_at) FROM task_attempts WHERE phase = 'RUNNING')
         ) - clock_timestamp())) * 1000 AS ms`,
      );
      const dueMs = due[0]?.ms;
      const wait =
        dueMs === null || dueMs === undefined ? maxWaitMs : Math.min(maxWaitMs, Math.max(0, dueMs) + 5);
      await subscription.wait(wait, signal);
    },

    reapExpiredLeases,

    async close() {
      (await workSubscription)?.close();
      await work.close();
    },
  };
}

/**
 * Claims in one statement: the attempts, their nodes (RUNNING), their executions (locked; QUEUED → RUNNING) and the
 * events. The events are sorted before they are inserted, so their ids are drawn after every execution lock is held.
 */
async function claim(
  db: SqlClient,
  workerId: string,
  limit: number,
  leaseMs: number,
): Promise<ClaimedAttempt[]> {
  const rows = await db.query<ClaimedRow>(
    `WITH claimed AS (
       UPDATE task_attempts SET phase = 'RUNNING', worker_id = $1, started_at = clock_timestamp(),
         lease_expires_at = clock_timestamp() + $3::double precision * interval '1 millisecond'
       WHERE id IN (SELECT id FROM task_attempts WHERE phase = 'QUEUED' AND not_before <= now()
                    ORDER BY not_before LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, execution_id, node_id, attempt, task, inputs, timeout_ms, lease_expires_at),
     nodes AS (
       UPDATE node_executions n SET phase = 'RUNNING', started_at = coalesce(n.started_at, clock_timestamp())
       FROM claimed c WHERE n.execution_id = c.execution_id AND n.node_id = c.node_id),
     locked AS (
       SELECT id, phase FROM executions WHERE id IN (SELECT execution_id FROM claimed) ORDER BY id FOR UPDATE),
     started AS (
       UPDATE executions e SET phase = 'RUNNING', started_at = clock_timestamp()
       FROM locked WHERE e.id = locked.id AND locked.phase = 'QUEUED' RETURNING e.id),
     new_events AS (
       INSERT INTO events (execution_id, node_id, type, data)
       SELECT execution_id, node_id, type, data FROM (
         SELECT id AS execution_id, NULL::text AS node_id, 'execution.running' AS type, '{}'::jsonb AS data,
                0 AS rank, 0 AS attempt
         FROM started
         UNION ALL
         SELECT c.execution_id, c.node_id, 'node.running', jsonb_build_object('attempt', c.attempt, 'workerId', $1::text),
                1, c.attempt
         FROM claimed c JOIN locked l ON l.id = c.execution_id
       ) AS e ORDER BY execution_id, rank, node_id)
     SELECT * FROM claimed`,
    [workerId, limit, leaseMs],
  );
  return rows.map((r) => ({
    attemptId: r.id,
    executionId: r.execution_id,
    nodeId: r.node_id,
    task: r.task,
    attempt: r.attempt,
    inputs: r.inputs,
    outputPrefix: `executions/${r.execution_id}/${r.node_id}/attempt-${r.attempt}`,
    timeoutMs: r.timeout_ms,
    leaseExpiresAt: r.lease_expires_at,
  }));
}

/** Loads the attempt's execution under its lock and applies the outcome. */
async function applyOutcome(
  tx: SqlClient,
  ctx: ControlPlaneContext,
  row: EndedAttemptRow,
  outcome: AttemptOutcome,
): Promise<void> {
  const state = await ctx.load(tx, row.execution_id, row);
  if (state === undefined) return;
  await recordOutcome(tx, ctx, state, row.node_id, row.attempt, outcome);
  await flushExecution(tx, state);
}

/** A success whose outputs are too large to keep inline becomes a non-retryable failure saying what to do. */
function checkOutputSize(result: AttemptResult): AttemptResult {
  if (result.phase !== 'SUCCEEDED') return result;
  const bytes = Buffer.byteLength(JSON.stringify(result.outputs));
  if (bytes <= MAX_INLINE_OUTPUT_BYTES) return result;
  return {
    phase: 'FAILED',
    retryable: false,
    error: `outputs are ${(bytes / 1048576).toFixed(1)} MiB of inline JSON, over the 1 MiB limit: write large values to the blob store and return their URI`,
  };
}
