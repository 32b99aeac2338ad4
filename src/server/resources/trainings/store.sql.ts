/** @module server/resources/trainings/store.sql — the training store on the `Database` of `db/`. */
import type { SqlClient } from '../../../db/index.ts';
import { countsOf, firstRow, newestFirst, patchAssignments, SqlConditions } from '../common/sql.ts';
import { visibleSql } from '../common/viewer.ts';
import type { TrainingListQuery, TrainingPatch, TrainingRecord, TrainingStore } from './store.ts';

const columns =
  'seq, id, dataset_id, execution_id, model_name, base_model, params, phase, run_id, experiment_id, ' +
  'model_version, metrics, stac_item_id, followed, owner_id, private, created_at, updated_at';

/** The training store over SQL (tables of `resourceMigrations`). */
export class SqlTrainingStore implements TrainingStore {
  readonly #db: SqlClient;

  /** @param db - a database migrated with `resourceMigrations` */
  constructor(db: SqlClient) {
    this.#db = db;
  }

  async insertTraining(
    row: Omit<TrainingRecord, 'seq' | 'created_at' | 'updated_at' | 'followed' | 'stac_item_id'>,
  ): Promise<TrainingRecord> {
    const rows = await this.#db.query<TrainingRecord>(
      `INSERT INTO resource_trainings (id, dataset_id, execution_id, model_name, base_model, params, phase, run_id,
         experiment_id, model_version, metrics, owner_id, private)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${columns}`,
      [
        row.id,
        row.dataset_id,
        row.execution_id,
        row.model_name,
        row.base_model,
        row.params,
        row.phase,
        row.run_id,
        row.experiment_id,
        row.model_version,
        row.metrics,
        row.owner_id,
        row.private,
      ],
    );
    return firstRow(rows);
  }

  async getTraining(id: string): Promise<TrainingRecord | undefined> {
    return (
      await this.#db.query<TrainingRecord>(`SELECT ${columns} FROM resource_trainings WHERE id = $1`, [id])
    )[0];
  }

  async getTrainingByExecution(executionId: string): Promise<TrainingRecord | undefined> {
    const rows = await this.#db.query<TrainingRecord>(
      `SELECT ${columns} FROM resource_trainings WHERE execution_id = $1`,
      [executionId],
    );
    return rows[0];
  }

  async listTrainings(query: TrainingListQuery): Promise<TrainingRecord[]> {
    const c = new SqlConditions();
    c.where.push(visibleSql(query.viewer, c.params));
    if (query.beforeSeq !== undefined) c.add('seq < ?', query.beforeSeq);
    if (query.datasetId !== undefined) c.add('dataset_id = ?', query.datasetId);
    if (query.modelName !== undefined) c.add('model_name = ?', query.modelName);
    if (query.phase !== undefined) c.add('phase = ?', query.phase);
    return newestFirst<TrainingRecord>(this.#db, `${columns} FROM resource_trainings`, c, query.limit);
  }

  async updateTraining(id: string, patch: TrainingPatch): Promise<void> {
    const params: unknown[] = [id];
    const sets = ['updated_at = clock_timestamp()', ...patchAssignments(patch, params)];
    await this.#db.query(`UPDATE resource_trainings SET ${sets.join(', ')} WHERE id = $1`, params);
  }

  async listUnfollowed(): Promise<TrainingRecord[]> {
    return this.#db.query<TrainingRecord>(
      `SELECT ${columns} FROM resource_trainings WHERE NOT followed ORDER BY seq`,
    );
  }

  async countByPhase(): Promise<Record<string, number>> {
    return countsOf(
      await this.#db.query<{ key: string; n: number }>(
        'SELECT phase AS key, count(*)::int AS n FROM resource_trainings GROUP BY phase',
      ),
    );
  }

  async usesDataset(datasetId: string): Promise<boolean> {
    const rows = await this.#db.query('SELECT 1 FROM resource_trainings WHERE dataset_id = $1 LIMIT 1', [
      datasetId,
    ]);
    return rows.length > 0;
  }
}
