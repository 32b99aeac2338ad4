/**
 * @module tracking/sql-writes — the statements the SQL tracking store runs inside its transactions: tags, params
 * (never changed), and metrics with their latest value.
 */
import type { SqlClient } from '../db/index.ts';
import { invalid } from '../shared/index.ts';
import type { ExperimentTag, Metric, Param, RunTag } from './entities.ts';
import { RUN_NAME_TAG, isLaterMetric } from './entities.ts';
import { SqlParams } from './search-sql.ts';

/** NaN counts as 0 when MLflow's latest-metric rule compares values. */
const nanAsZero = (col: string): string => `CASE WHEN ${col} = 'NaN'::float8 THEN 0 ELSE ${col} END`;

/**
 * Sets an experiment tag (insert or replace).
 * @param tx - the open transaction
 * @param experimentId - the experiment
 * @param tag - key and value
 */
export async function upsertExperimentTag(
  tx: SqlClient,
  experimentId: string,
  tag: ExperimentTag,
): Promise<void> {
  await tx.query(
    `INSERT INTO tracking_experiment_tags (experiment_id, key, value) VALUES ($1, $2, $3)
     ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value`,
    [Number(experimentId), tag.key, tag.value],
  );
}

/**
 * Records a change of an experiment.
 * @param tx - the open transaction
 * @param experimentId - the experiment
 * @param time - the new `last_update_time`, ms
 */
export async function touchExperiment(tx: SqlClient, experimentId: string, time: number): Promise<void> {
  await tx.query('UPDATE tracking_experiments SET last_update_time = $2 WHERE experiment_id = $1', [
    Number(experimentId),
    time,
  ]);
}

/**
 * Sets run tags (the last value of a key repeated in one call wins); `mlflow.runName` also renames the run.
 * @param tx - the open transaction
 * @param runId - the run
 * @param tags - the tags
 */
export async function upsertRunTags(tx: SqlClient, runId: string, tags: readonly RunTag[]): Promise<void> {
  const last = new Map(tags.map((t) => [t.key, t.value]));
  if (last.size === 0) return;
  const params = new SqlParams();
  const run = params.add(runId);
  const rows = [...last].map(([key, value]) => `(${run}, ${params.add(key)}, ${params.add(value)})`);
  await tx.query(
    `INSERT INTO tracking_run_tags (run_id, key, value) VALUES ${rows.join(', ')}
     ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value`,
    params.values,
  );
  const name = last.get(RUN_NAME_TAG);
  if (name !== undefined)
    await tx.query('UPDATE tracking_runs SET run_name = $2 WHERE run_id = $1', [runId, name]);
}

/**
 * Inserts the params that are new; a key logged before with the same value is left alone.
 * @param tx - the open transaction
 * @param runId - the run
 * @param batch - the params (keys unique)
 * @throws AppError INVALID_PARAMETER_VALUE naming the key and both values when a key has another value (the caller's
 *   transaction then rolls the whole batch back)
 */
export async function insertParams(tx: SqlClient, runId: string, batch: readonly Param[]): Promise<void> {
  if (batch.length === 0) return;
  const params = new SqlParams();
  const run = params.add(runId);
  const rows = batch.map((p) => `(${run}, ${params.add(p.key)}, ${params.add(p.value)})`);
  await tx.query(
    `INSERT INTO tracking_params (run_id, key, value) VALUES ${rows.join(', ')} ON CONFLICT (run_id, key) DO NOTHING`,
    params.values,
  );
  const lookup = new SqlParams();
  const stored = await tx.query<{ key: string; value: string }>(
    `SELECT key, value FROM tracking_params WHERE run_id = ${lookup.add(runId)}
     AND key IN (${lookup.list(batch.map((p) => p.key))})`,
    lookup.values,
  );
  const value = new Map(stored.map((row) => [row.key, row.value]));
  for (const param of batch) {
    const old = value.get(param.key);
    if (old !== undefined && old !== param.value) {
      invalid(
        `Changing param values is not allowed. Param with key='${param.key}' was already logged with ` +
          `value='${old}' for run ID='${runId}'. Attempted logging new value '${param.value}'.`,
        { key: param.key, oldValue: old, newValue: param.value, runId },
      );
    }
  }
}

/**
 * Appends metrics (identical entries kept once) and moves each key's latest value forward by MLflow's rule.
 * @param tx - the open transaction
 * @param runId - the run
 * @param metrics - the metrics (±Infinity already clamped)
 */
export async function insertMetrics(tx: SqlClient, runId: string, metrics: readonly Metric[]): Promise<void> {
  if (metrics.length === 0) return;
  const all = metricValues(runId, metrics);
  await tx.query(
    `INSERT INTO tracking_metrics (run_id, key, value, timestamp, step) VALUES ${all.sql}
     ON CONFLICT (run_id, key, step, timestamp, value) DO NOTHING`,
    all.params,
  );
  const latest = new Map<string, Metric>();
  for (const m of metrics) {
    const current = latest.get(m.key);
    if (current === undefined || isLaterMetric(m, current)) latest.set(m.key, m);
  }
  const last = metricValues(runId, [...latest.values()]);
  await tx.query(
    `INSERT INTO tracking_latest_metrics AS l (run_id, key, value, timestamp, step) VALUES ${last.sql}
     ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, step = excluded.step
     WHERE (excluded.step, excluded.timestamp, ${nanAsZero('excluded.value')}) > (l.step, l.timestamp, ${nanAsZero('l.value')})`,
    last.params,
  );
}

/** The VALUES rows of metrics of one run, with their parameters. */
function metricValues(runId: string, metrics: readonly Metric[]): { sql: string; params: unknown[] } {
  const params = new SqlParams();
  const run = params.add(runId);
  const rows = metrics.map(
    (m) =>
      `(${run}, ${params.add(m.key)}, ${params.add(m.value)}::float8, ${params.add(m.timestamp)}::bigint, ${params.add(m.step)}::bigint)`,
  );
  return { sql: rows.join(', '), params: params.values };
}
