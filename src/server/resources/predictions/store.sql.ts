/** @module server/resources/predictions/store.sql — the prediction store on the `Database` of `db/`. */
import type { SqlClient } from '../../../db/index.ts';
import { firstRow, newestFirst, patchAssignments, SqlConditions } from '../common/sql.ts';
import { visibleSql } from '../common/viewer.ts';
import type { PredictionListQuery, PredictionPatch, PredictionRecord, PredictionStore } from './store.ts';

const columns =
  'seq, id, mode, model_name, model_version, dataset_id, execution_id, status, imagery, area, config, features, ' +
  'result_uri, error, owner_id, private, created_at, ended_at';

const ENDED = ['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'];

/** The prediction store over SQL (tables of `resourceMigrations`). */
export class SqlPredictionStore implements PredictionStore {
  readonly #db: SqlClient;

  /** @param db - a database migrated with `resourceMigrations` */
  constructor(db: SqlClient) {
    this.#db = db;
  }

  async insertPrediction(
    row: Omit<PredictionRecord, 'seq' | 'created_at' | 'ended_at' | 'features' | 'result_uri' | 'error'>,
  ): Promise<PredictionRecord> {
    const rows = await this.#db.query<PredictionRecord>(
      `INSERT INTO resource_predictions (id, mode, model_name, model_version, dataset_id, execution_id, status,
         imagery, area, config, owner_id, private)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${columns}`,
      [
        row.id,
        row.mode,
        row.model_name,
        row.model_version,
        row.dataset_id,
        row.execution_id,
        row.status,
        row.imagery,
        JSON.stringify(row.area),
        row.config,
        row.owner_id,
        row.private,
      ],
    );
    return firstRow(rows);
  }

  async getPrediction(id: string): Promise<PredictionRecord | undefined> {
    const rows = await this.#db.query<PredictionRecord>(
      `SELECT ${columns} FROM resource_predictions WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async listPredictions(query: PredictionListQuery): Promise<PredictionRecord[]> {
    const c = new SqlConditions();
    c.where.push(visibleSql(query.viewer, c.params));
    if (query.beforeSeq !== undefined) c.add('seq < ?', query.beforeSeq);
    if (query.modelName !== undefined) c.add('model_name = ?', query.modelName);
    if (query.modelVersion !== undefined) c.add('model_version = ?', query.modelVersion);
    if (query.status !== undefined) c.add('status = ?', query.status);
    return newestFirst<PredictionRecord>(this.#db, `${columns} FROM resource_predictions`, c, query.limit);
  }

  async updatePrediction(id: string, patch: PredictionPatch): Promise<void> {
    const params: unknown[] = [id];
    const sets = patchAssignments(patch, params);
    if (patch.status !== undefined && ENDED.includes(patch.status)) sets.push('ended_at = clock_timestamp()');
    if (sets.length === 0) return;
    await this.#db.query(`UPDATE resource_predictions SET ${sets.join(', ')} WHERE id = $1`, params);
  }

  async listOpenJobs(): Promise<PredictionRecord[]> {
    return this.#db.query<PredictionRecord>(
      `SELECT ${columns} FROM resource_predictions
       WHERE mode = 'job' AND status IN ('QUEUED', 'RUNNING') ORDER BY seq`,
    );
  }

  async totals(): Promise<{ predictions: number; features: number }> {
    const rows = await this.#db.query<{ predictions: number; features: number }>(
      `SELECT count(*)::int AS predictions, coalesce(sum(features), 0)::int AS features
       FROM resource_predictions`,
    );
    return rows[0] ?? { predictions: 0, features: 0 };
  }
}
