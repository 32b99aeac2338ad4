/**
 * @module workflows/control-plane/flush-execution — writes what changed in an `ExecutionState` in one statement
 * (data-modifying CTEs): the execution row, nodes, queued attempts, artifacts, cache entries and events.
 */
import type { SqlClient } from '../../db/index.ts';
import { emptyChanges } from './execution-state.ts';
import type { ExecutionState, NodeState } from './execution-state.ts';

/**
 * Writes every change of the state in one statement (data-modifying CTEs; foreign keys are checked at its end): the
 * execution row (inserted for a new execution), nodes (upsert), queued attempts, artifacts, cache entries and events.
 * @param sql - the transaction that loaded (and locked) the execution, or the database for a new execution
 * @param state - the state
 */
export async function flushExecution(sql: SqlClient, state: ExecutionState): Promise<void> {
  const params: unknown[] = [state.id];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const json = (rows: unknown): string => `${param(JSON.stringify(rows))}::jsonb`;
  const terminal = !['QUEUED', 'RUNNING'].includes(state.phase);
  const parts: string[] = [];
  if (state.created !== undefined) {
    parts.push(`new_execution AS (
      INSERT INTO executions (id, workflow_name, workflow_version, phase, inputs, outputs, error, relaunch_of, resumed,
                              ended_at)
      VALUES ($1, ${param(state.workflow.name)}, ${param(state.workflow.version)}, ${param(state.phase)},
              ${json(state.inputs)}, ${param(jsonOrNull(state.outputs))}::jsonb, ${param(state.error)},
              ${param(state.created.relaunchOf)}, ${param(state.created.resumed)},
              CASE WHEN ${param(terminal)}::boolean THEN clock_timestamp() END))`);
  } else if (state.executionChanged) {
    parts.push(`execution AS (
      UPDATE executions SET phase = ${param(state.phase)}, outputs = ${param(jsonOrNull(state.outputs))}::jsonb,
        error = ${param(state.error)},
        ended_at = CASE WHEN ${param(terminal)}::boolean THEN clock_timestamp() ELSE ended_at END
      WHERE id = $1)`);
  }
  if (state.dirty.size > 0) parts.push(nodesPart(json(nodeRows(state))));
  if (state.attemptsToQueue.length > 0) {
    const rows = state.attemptsToQueue.map((a) => ({
      id: a.id,
      node_id: a.nodeId,
      attempt: a.attempt,
      task: a.task,
      inputs: a.inputs,
      timeout_ms: a.timeoutMs,
      delay_ms: a.delayMs,
    }));
    parts.push(`attempts AS (
      INSERT INTO task_attempts (id, execution_id, node_id, attempt, task, inputs, timeout_ms, phase, not_before)
      SELECT a.id, $1, a.node_id, a.attempt, a.task, a.inputs, a.timeout_ms, 'QUEUED',
             clock_timestamp() + a.delay_ms * interval '1 millisecond'
      FROM jsonb_to_recordset(${json(rows)}) AS a(id text, node_id text, attempt int, task text, inputs jsonb,
                                                  timeout_ms bigint, delay_ms double precision))`);
  }
  if (state.artifacts.length > 0) {
    const rows = state.artifacts.map((a) => ({ uri: a.uri, node_id: a.nodeId, output: a.output }));
    parts.push(`artifacts AS (
      INSERT INTO artifacts (uri, execution_id, node_id, output)
      SELECT a.uri, $1, a.node_id, a.output FROM jsonb_to_recordset(${json(rows)}) AS a(uri text, node_id text, output text)
      ON CONFLICT DO NOTHING)`);
  }
  if (state.cacheEntries.length > 0) {
    const rows = state.cacheEntries.map((c) => ({
      key: c.key,
      task: c.task,
      outputs: c.outputs,
      node_id: c.nodeId,
    }));
    parts.push(`cache AS (
      INSERT INTO cache_entries (cache_key, task, outputs, execution_id, node_id)
      SELECT c.key, c.task, c.outputs, $1, c.node_id
      FROM jsonb_to_recordset(${json(rows)}) AS c(key text, task text, outputs jsonb, node_id text)
      ON CONFLICT (cache_key) DO NOTHING)`);
  }
  if (state.events.length > 0) parts.push(`events AS (${insertEventsSql(json(state.events))})`);
  if (parts.length > 0) await sql.query(`WITH ${parts.join(',\n')} SELECT 1 AS done`, params);
  Object.assign(state, emptyChanges());
}

/** INSERT of events given as a JSON array parameter; `$1` is the execution id. */
function insertEventsSql(eventsParam: string): string {
  return `INSERT INTO events (execution_id, node_id, type, data)
    SELECT $1, e->>'nodeId', e->>'type', e->'data' FROM jsonb_array_elements(${eventsParam}) WITH ORDINALITY AS t(e, i)
    ORDER BY i`;
}

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function nodeRows(state: ExecutionState): unknown[] {
  return [...state.dirty].map((id) => {
    const n = state.nodes.get(id) as NodeState;
    return {
      id,
      task: n.task,
      phase: n.phase,
      cached: n.cached,
      reused_from: n.reusedFrom,
      inputs: n.inputs,
      outputs: n.outputs,
      error: n.error,
      attempts: n.attempts,
      failures: n.failures,
      lost: n.lost,
      started: state.started.has(id),
      ended: state.ended.has(id),
    };
  });
}

function nodesPart(rowsParam: string): string {
  return `nodes AS (
    INSERT INTO node_executions AS n (execution_id, node_id, task, phase, cached, reused_from, inputs, outputs, error,
                                      attempts, failures, lost, started_at, ended_at)
    SELECT $1, r.id, r.task, r.phase, r.cached, r.reused_from, r.inputs, r.outputs, r.error, r.attempts, r.failures,
           r.lost, CASE WHEN r.started THEN clock_timestamp() END, CASE WHEN r.ended THEN clock_timestamp() END
    FROM jsonb_to_recordset(${rowsParam}) AS r(id text, task text, phase text, cached boolean, reused_from text,
                                               inputs jsonb, outputs jsonb, error text, attempts int, failures int,
                                               lost int, started boolean, ended boolean)
    ON CONFLICT (execution_id, node_id) DO UPDATE SET
      phase = excluded.phase, cached = excluded.cached, reused_from = excluded.reused_from, inputs = excluded.inputs,
      outputs = excluded.outputs, error = excluded.error, attempts = excluded.attempts, failures = excluded.failures,
      lost = excluded.lost, started_at = coalesce(n.started_at, excluded.started_at),
      ended_at = coalesce(excluded.ended_at, n.ended_at))`;
}
