/** @module server/resources/feedback/store.sql — the feedback store on the `Database` of `db/`. */
import type { SqlClient } from '../../../db/index.ts';
import type { PageRequest } from '../common/paging.ts';
import { firstRow, newestFirst, SqlConditions } from '../common/sql.ts';
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
    const c = conditionsOf(query);
    if (query.beforeSeq !== undefined) c.add('f.seq < ?', query.beforeSeq);
    return newestFirst<FeedbackRecord>(this.#db, `${columns} FROM ${feedbackJoin}`, c, query.limit, 'f.seq');
  }

  async countVerdicts(filter: FeedbackFilter & { viewer?: Viewer } = {}): Promise<Record<Verdict, number>> {
    const c = conditionsOf(filter);
    const rows = await this.#db.query<{ verdict: Verdict; n: number }>(
      `SELECT f.verdict, count(*)::int AS n FROM ${feedbackJoin} WHERE ${c.sql} GROUP BY f.verdict`,
      c.params,
    );
    const counts: Record<Verdict, number> = { accepted: 0, rejected: 0 };
    for (const row of rows) counts[row.verdict] = row.n;
    return counts;
  }
}

/** Feedback with the prediction it judges (whose privacy decides who sees it). */
const feedbackJoin = 'resource_feedback f JOIN resource_predictions p ON p.id = f.prediction_id';

function conditionsOf(filter: FeedbackFilter & { viewer?: Viewer }): SqlConditions {
  const c = new SqlConditions();
  if (filter.viewer !== undefined) c.where.push(visibleSql(filter.viewer, c.params, 'p.'));
  if (filter.modelName !== undefined) c.add('f.model_name = ?', filter.modelName);
  if (filter.modelVersion !== undefined) c.add('f.model_version = ?', filter.modelVersion);
  if (filter.datasetId !== undefined) c.add('f.dataset_id = ?', filter.datasetId);
  if (filter.predictionId !== undefined) c.add('f.prediction_id = ?', filter.predictionId);
  if (filter.verdict !== undefined) c.add('f.verdict = ?', filter.verdict);
  return c;
}
