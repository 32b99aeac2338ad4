/** @module server/resources/predictions/store.sql — the prediction store on the `Database` of `db/`. */
import type { SqlClient } from '../../../db/index.ts';
import { firstRow } from '../common/sql.ts';
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
    const params: unknown[] = [];
    const where = [visibleSql(query.viewer, params)];
    const add = (condition: string, value: unknown): void => {
      params.push(value);
      where.push(condition.replace('?', `$${params.length}`));
    };
    if (query.beforeSeq !== undefined) add('seq < ?', query.beforeSeq);
    if (query.modelName !== undefined) add('model_name = ?', query.modelName);
    if (query.modelVersion !== undefined) add('model_version = ?', query.modelVersion);
    if (query.status !== undefined) add('status = ?', query.status);
    params.push(query.limit + 1);
    return this.#db.query<PredictionRecord>(
      `SELECT ${columns} FROM resource_predictions WHERE ${where.join(' AND ')}
       ORDER BY seq DESC LIMIT $${params.length}`,
      params,
    );
  }

  async updatePrediction(id: string, patch: PredictionPatch): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    for (const [column, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    }
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
