/**
 * @module tracking/store.sql — the tracking store on PostgreSQL's dialect (PGlite embedded or a PostgreSQL server),
 * over the `Database` interface of `db/`.
 */
import type { Database } from '../db/index.ts';
import { migrate } from '../db/index.ts';
import { AppError, isAppError } from '../shared/index.ts';
import type { Experiment, ExperimentTag, LifecycleStage, Metric, Page, Run, RunStatus } from './entities.ts';
import { RUN_NAME_TAG } from './entities.ts';
import { trackingMigrations } from './migrations.ts';
import {
  insertMetrics,
  insertParams,
  touchExperiment,
  upsertExperimentTag,
  upsertRunTags,
} from './sql-writes.ts';
import { decodePageToken, encodePageToken } from './page-token.ts';
import {
  SqlParams,
  experimentFilterSql,
  experimentOrderSql,
  runFilterSql,
  runOrderSql,
  viewCondition,
} from './search-sql.ts';
import type {
  ExperimentSearch,
  NewExperiment,
  NewRun,
  RunBatch,
  RunInfoUpdate,
  RunWriteState,
  RunSearch,
  TrackingStore,
} from './store.ts';

type ExperimentRow = {
  experiment_id: number;
  name: string;
  artifact_location: string;
  lifecycle_stage: LifecycleStage;
  creation_time: number;
  last_update_time: number;
};

type RunRow = {
  run_id: string;
  experiment_id: number;
  run_name: string;
  user_id: string;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
  artifact_uri: string;
  lifecycle_stage: LifecycleStage;
};

type KeyValueRow = { owner: string; key: string; value: string };
type MetricRow = { owner: string; key: string; value: number; timestamp: number; step: number };

const experimentColumns =
  'e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage, e.creation_time, e.last_update_time';
const runColumns =
  'r.run_id, r.experiment_id, r.run_name, r.user_id, r.status, r.start_time, r.end_time, r.artifact_uri, r.lifecycle_stage';

/**
 * Opens the SQL tracking store: brings the `tracking` tables up to date.
 * @param db - an open database (PGlite or PostgreSQL)
 * @returns the store
 * @throws AppError as `migrate` does
 * @example
 * const store = await openSqlTrackingStore(await openDatabase(config.databaseUrl, { dataDir: config.dataDir }));
 */
export async function openSqlTrackingStore(db: Database): Promise<TrackingStore> {
  await migrate(db, 'tracking', trackingMigrations);
  return new SqlTrackingStore(db);
}

/** Experiment ids are decimal integers; anything else names no experiment (and must not reach a bigint cast). */
function experimentIdNumber(id: string): number | undefined {
  return /^\d{1,18}$/.test(id) ? Number(id) : undefined;
}

/** The tracking store over SQL. */
export class SqlTrackingStore implements TrackingStore {
  readonly #db: Database;

  /** @param db - an open, migrated database (use `openSqlTrackingStore`) */
  constructor(db: Database) {
    this.#db = db;
  }

  async allocateExperimentId(): Promise<string> {
    const rows = await this.#db.query<{ id: number }>(
      `SELECT nextval(pg_get_serial_sequence('tracking_experiments', 'experiment_id')) AS id`,
    );
    return String(rows[0]?.id);
  }

  async insertExperiment(experiment: NewExperiment): Promise<void> {
    try {
      await this.#db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO tracking_experiments
             (experiment_id, name, artifact_location, creation_time, last_update_time, owner_id)
           VALUES ($1, $2, $3, $4, $4, $5)`,
          [
            Number(experiment.experiment_id),
            experiment.name,
            experiment.artifact_location,
            experiment.creation_time,
            experiment.owner_id,
          ],
        );
        for (const tag of experiment.tags) await upsertExperimentTag(tx, experiment.experiment_id, tag);
      });
    } catch (error) {
      throw nameTaken(error, experiment.name);
    }
  }

  async getExperiment(experimentId: string): Promise<Experiment | undefined> {
    const id = experimentIdNumber(experimentId);
    if (id === undefined) return undefined;
    const rows = await this.#db.query<ExperimentRow>(
      `SELECT ${experimentColumns} FROM tracking_experiments e WHERE e.experiment_id = $1`,
      [id],
    );
    return (await this.#withTags(rows))[0];
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    const rows = await this.#db.query<ExperimentRow>(
      `SELECT ${experimentColumns} FROM tracking_experiments e WHERE e.name = $1`,
      [name],
    );
    return (await this.#withTags(rows))[0];
  }

  async getExperimentOwner(experimentId: string): Promise<{ owner_id: string | null } | undefined> {
    const id = experimentIdNumber(experimentId);
    if (id === undefined) return undefined;
    const rows = await this.#db.query<{ owner_id: string | null }>(
      'SELECT owner_id FROM tracking_experiments WHERE experiment_id = $1',
      [id],
    );
    return rows[0];
  }

  async renameExperiment(experimentId: string, name: string, time: number): Promise<void> {
    try {
      await this.#db.query(
        'UPDATE tracking_experiments SET name = $2, last_update_time = $3 WHERE experiment_id = $1',
        [Number(experimentId), name, time],
      );
    } catch (error) {
      throw nameTaken(error, name);
    }
  }

  async setExperimentLifecycle(experimentId: string, stage: LifecycleStage, time: number): Promise<void> {
    const id = Number(experimentId);
    await this.#db.transaction(async (tx) => {
      await tx.query(
        'UPDATE tracking_experiments SET lifecycle_stage = $2, last_update_time = $3 WHERE experiment_id = $1',
        [id, stage, time],
      );
      await tx.query(
        'UPDATE tracking_runs SET lifecycle_stage = $2, deleted_time = $3 WHERE experiment_id = $1',
        [id, stage, stage === 'deleted' ? time : null],
      );
    });
  }

  async setExperimentTag(experimentId: string, tag: ExperimentTag, time: number): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await upsertExperimentTag(tx, experimentId, tag);
      await touchExperiment(tx, experimentId, time);
    });
  }

  async deleteExperimentTag(experimentId: string, key: string, time: number): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      const deleted = await tx.query(
        'DELETE FROM tracking_experiment_tags WHERE experiment_id = $1 AND key = $2 RETURNING key',
        [Number(experimentId), key],
      );
      if (deleted.length > 0) await touchExperiment(tx, experimentId, time);
      return deleted.length > 0;
    });
  }

  async searchExperiments(search: ExperimentSearch): Promise<Page<Experiment>> {
    const offset = decodePageToken(search.pageToken);
    const params = new SqlParams();
    const where = [viewCondition('e', search.viewType), ...experimentFilterSql(search.filter, params)];
    const rows = await this.#db.query<ExperimentRow>(
      `SELECT ${experimentColumns} FROM tracking_experiments e WHERE ${where.join(' AND ')}
       ORDER BY ${experimentOrderSql(search.orderBy)}
       LIMIT ${params.add(search.maxResults + 1)} OFFSET ${params.add(offset)}`,
      params.values,
    );
    return page(
      await this.#withTags(rows.slice(0, search.maxResults)),
      rows.length,
      offset,
      search.maxResults,
    );
  }

  async insertRun(run: NewRun): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO tracking_runs
           (run_id, experiment_id, run_name, user_id, status, start_time, artifact_uri, owner_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          run.run_id,
          Number(run.experiment_id),
          run.run_name,
          run.user_id,
          run.status,
          run.start_time,
          run.artifact_uri,
          run.owner_id,
        ],
      );
      await upsertRunTags(tx, run.run_id, run.tags);
    });
  }

  async getRun(runId: string): Promise<Run | undefined> {
    const rows = await this.#db.query<RunRow>(
      `SELECT ${runColumns} FROM tracking_runs r WHERE r.run_id = $1`,
      [runId],
    );
    return (await this.#withData(rows))[0];
  }

  async getRunWriteState(runId: string): Promise<RunWriteState | undefined> {
    const rows = await this.#db.query<{
      lifecycle_stage: LifecycleStage;
      owner_id: string | null;
      experiment_id: number;
      experiment_owner_id: string | null;
    }>(
      `SELECT r.lifecycle_stage, r.owner_id, r.experiment_id, e.owner_id AS experiment_owner_id
       FROM tracking_runs r JOIN tracking_experiments e ON e.experiment_id = r.experiment_id WHERE r.run_id = $1`,
      [runId],
    );
    const row = rows[0];
    return row === undefined ? undefined : { ...row, experiment_id: String(row.experiment_id) };
  }

  async updateRunInfo(runId: string, update: RunInfoUpdate): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await tx.query(
        `UPDATE tracking_runs SET status = coalesce($2, status), end_time = coalesce($3, end_time),
           run_name = coalesce($4, run_name) WHERE run_id = $1`,
        [runId, update.status ?? null, update.end_time ?? null, update.run_name ?? null],
      );
      if (update.run_name !== undefined) {
        await upsertRunTags(tx, runId, [{ key: RUN_NAME_TAG, value: update.run_name }]);
      }
    });
  }

  async setRunLifecycle(runId: string, stage: LifecycleStage, time: number): Promise<void> {
    await this.#db.query(
      'UPDATE tracking_runs SET lifecycle_stage = $2, deleted_time = $3 WHERE run_id = $1',
      [runId, stage, stage === 'deleted' ? time : null],
    );
  }

  async logBatch(runId: string, batch: RunBatch): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await insertParams(tx, runId, batch.params);
      await upsertRunTags(tx, runId, batch.tags);
      await insertMetrics(tx, runId, batch.metrics);
    });
  }

  async deleteRunTag(runId: string, key: string): Promise<boolean> {
    const deleted = await this.#db.query(
      'DELETE FROM tracking_run_tags WHERE run_id = $1 AND key = $2 RETURNING key',
      [runId, key],
    );
    return deleted.length > 0;
  }

  async getMetricHistory(
    runId: string,
    key: string,
    request: { pageToken?: string | undefined; maxResults?: number | undefined },
  ): Promise<Page<Metric>> {
    const offset = decodePageToken(request.pageToken);
    const params = new SqlParams();
    const limit = request.maxResults === undefined ? '' : `LIMIT ${params.add(request.maxResults + 1)}`;
    const rows = await this.#db.query<MetricRow>(
      `SELECT run_id AS owner, key, value, timestamp, step FROM tracking_metrics
       WHERE run_id = ${params.add(runId)} AND key = ${params.add(key)}
       ORDER BY step, timestamp, seq ${limit} OFFSET ${params.add(offset)}`,
      params.values,
    );
    const max = request.maxResults ?? rows.length;
    return page(rows.slice(0, max).map(metricOf), rows.length, offset, max);
  }

  async searchRuns(search: RunSearch): Promise<Page<Run>> {
    const offset = decodePageToken(search.pageToken);
    const ids = search.experimentIds.map(experimentIdNumber).filter((id) => id !== undefined);
    if (ids.length === 0) return { items: [], nextPageToken: undefined };
    const params = new SqlParams();
    const where = [
      `r.experiment_id IN (${params.list(ids)})`,
      viewCondition('r', search.viewType),
      ...runFilterSql(search.filter, params),
    ];
    const order = runOrderSql(search.orderBy, params);
    const rows = await this.#db.query<RunRow>(
      `SELECT ${runColumns} FROM tracking_runs r WHERE ${where.join(' AND ')} ORDER BY ${order}
       LIMIT ${params.add(search.maxResults + 1)} OFFSET ${params.add(offset)}`,
      params.values,
    );
    return page(
      await this.#withData(rows.slice(0, search.maxResults)),
      rows.length,
      offset,
      search.maxResults,
    );
  }

  async #withTags(rows: ExperimentRow[]): Promise<Experiment[]> {
    if (rows.length === 0) return [];
    const params = new SqlParams();
    const tags = await this.#db.query<KeyValueRow>(
      `SELECT experiment_id::text AS owner, key, value FROM tracking_experiment_tags
       WHERE experiment_id IN (${params.list(rows.map((r) => r.experiment_id))}) ORDER BY key COLLATE "C"`,
      params.values,
    );
    const byOwner = groupBy(tags);
    return rows.map((row) => ({
      experiment_id: String(row.experiment_id),
      name: row.name,
      artifact_location: row.artifact_location,
      lifecycle_stage: row.lifecycle_stage,
      last_update_time: row.last_update_time,
      creation_time: row.creation_time,
      tags: (byOwner.get(String(row.experiment_id)) ?? []).map(({ key, value }) => ({ key, value })),
    }));
  }

  async #withData(rows: RunRow[]): Promise<Run[]> {
    if (rows.length === 0) return [];
    const load = async <Row extends { owner: string }>(
      table: string,
      columns: string,
    ): Promise<Map<string, Row[]>> => {
      const params = new SqlParams();
      const found = await this.#db.query<Row>(
        `SELECT run_id AS owner, ${columns} FROM ${table} WHERE run_id IN (${params.list(rows.map((r) => r.run_id))})
         ORDER BY key COLLATE "C"`,
        params.values,
      );
      return groupBy(found);
    };
    const [metrics, params, tags] = await Promise.all([
      load<MetricRow>('tracking_latest_metrics', 'key, value, timestamp, step'),
      load<KeyValueRow>('tracking_params', 'key, value'),
      load<KeyValueRow>('tracking_run_tags', 'key, value'),
    ]);
    return rows.map((row) => ({
      info: {
        run_id: row.run_id,
        run_uuid: row.run_id,
        run_name: row.run_name,
        experiment_id: String(row.experiment_id),
        user_id: row.user_id,
        status: row.status,
        start_time: row.start_time,
        end_time: row.end_time,
        artifact_uri: row.artifact_uri,
        lifecycle_stage: row.lifecycle_stage,
      },
      data: {
        metrics: (metrics.get(row.run_id) ?? []).map(metricOf),
        params: (params.get(row.run_id) ?? []).map(({ key, value }) => ({ key, value })),
        tags: (tags.get(row.run_id) ?? []).map(({ key, value }) => ({ key, value })),
      },
      inputs: {},
    }));
  }
}

function page<T>(items: T[], fetched: number, offset: number, size: number): Page<T> {
  return { items, nextPageToken: fetched > size ? encodePageToken(offset + size) : undefined };
}

function groupBy<Row extends { owner: string }>(rows: Row[]): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const group = groups.get(row.owner);
    if (group === undefined) groups.set(row.owner, [row]);
    else group.push(row);
  }
  return groups;
}

function metricOf(row: MetricRow): Metric {
  return { key: row.key, value: row.value, timestamp: row.timestamp, step: row.step };
}

function nameTaken(error: unknown, name: string): unknown {
  const sqlState = isAppError(error, 'CONFLICT')
    ? (error.details as { sqlState?: string } | undefined)?.sqlState
    : '';
  if (sqlState !== '23505') return error;
  return new AppError('RESOURCE_ALREADY_EXISTS', `Experiment(name=${name}) already exists.`, { name });
}
