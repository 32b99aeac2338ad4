/** @module server/resources/feedback/store.sql — the feedback store on the `Database` of `db/`. */
import type { SqlClient } from '../../../db/index.ts';
import type { PageRequest } from '../common/paging.ts';
import { firstRow } from '../common/sql.ts';
import { visibleSql } from '../common/viewer.ts';
import type { Viewer } from '../common/viewer.ts';
import type { FeedbackFilter, FeedbackRecord, FeedbackStore, Verdict } from './store.ts';

const columns =
  'f.seq, f.id, f.prediction_id, f.feature_id, f.verdict, f.geometry, f.comment, f.model_name, f.model_version, ' +
  'f.dataset_id, f.config, f.owner_id, f.created_at, f.updated_at';

/** The feedback store over SQL (tables of `resourceMigrations`). */
export class SqlFeedbackStore implements FeedbackStore {
  readonly #db: SqlClient;

  /** @param db - a database migrated with `resourceMigrations` */
  constructor(db: SqlClient) {
    this.#db = db;
  }

  async upsertFeedback(
    row: Omit<FeedbackRecord, 'seq' | 'created_at' | 'updated_at'>,
  ): Promise<FeedbackRecord> {
    const rows = await this.#db.query<FeedbackRecord>(
      `INSERT INTO resource_feedback AS f (id, prediction_id, feature_id, verdict, geometry, comment, model_name,
         model_version, dataset_id, config, owner_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (prediction_id, feature_id, owner_id) DO UPDATE SET verdict = EXCLUDED.verdict,
         geometry = EXCLUDED.geometry, comment = EXCLUDED.comment, updated_at = clock_timestamp()
       RETURNING ${columns}`,
      [
        row.id,
        row.prediction_id,
        row.feature_id,
        row.verdict,
        row.geometry,
        row.comment,
        row.model_name,
        row.model_version,
        row.dataset_id,
        row.config,
        row.owner_id,
      ],
    );
    return firstRow(rows);
  }

  async getFeedback(id: string): Promise<FeedbackRecord | undefined> {
    const rows = await this.#db.query<FeedbackRecord>(
      `SELECT ${columns} FROM resource_feedback f WHERE f.id = $1`,
      [id],
    );
    return rows[0];
  }

  async deleteFeedback(id: string): Promise<boolean> {
    return (
      (await this.#db.query('DELETE FROM resource_feedback WHERE id = $1 RETURNING id', [id])).length > 0
    );
  }

  async listFeedback(query: PageRequest & FeedbackFilter & { viewer: Viewer }): Promise<FeedbackRecord[]> {
    const params: unknown[] = [];
    const where = whereOf(query, params);
    if (query.beforeSeq !== undefined) {
      params.push(query.beforeSeq);
      where.push(`f.seq < $${params.length}`);
    }
    params.push(query.limit + 1);
    return this.#db.query<FeedbackRecord>(
      `SELECT ${columns} FROM resource_feedback f JOIN resource_predictions p ON p.id = f.prediction_id
       WHERE ${where.join(' AND ')} ORDER BY f.seq DESC LIMIT $${params.length}`,
      params,
    );
  }

  async countVerdicts(filter: FeedbackFilter & { viewer?: Viewer } = {}): Promise<Record<Verdict, number>> {
    const params: unknown[] = [];
    const where = whereOf(filter, params);
    const rows = await this.#db.query<{ verdict: Verdict; n: number }>(
      `SELECT f.verdict, count(*)::int AS n FROM resource_feedback f JOIN resource_predictions p ON p.id = f.prediction_id
       WHERE ${where.join(' AND ')} GROUP BY f.verdict`,
      params,
    );
    const counts: Record<Verdict, number> = { accepted: 0, rejected: 0 };
    for (const row of rows) counts[row.verdict] = row.n;
    return counts;
  }
}

function whereOf(filter: FeedbackFilter & { viewer?: Viewer }, params: unknown[]): string[] {
  const where = [filter.viewer === undefined ? 'true' : visibleSql(filter.viewer, params, 'p.')];
  const add = (condition: string, value: unknown): void => {
    params.push(value);
    where.push(condition.replace('?', `$${params.length}`));
  };
  if (filter.modelName !== undefined) add('f.model_name = ?', filter.modelName);
  if (filter.modelVersion !== undefined) add('f.model_version = ?', filter.modelVersion);
  if (filter.datasetId !== undefined) add('f.dataset_id = ?', filter.datasetId);
  if (filter.predictionId !== undefined) add('f.prediction_id = ?', filter.predictionId);
  if (filter.verdict !== undefined) add('f.verdict = ?', filter.verdict);
  return where;
}
