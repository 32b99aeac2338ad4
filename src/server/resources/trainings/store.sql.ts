/** @module server/resources/trainings/store.sql — the training store on the `Database` of `db/`. */
import type { SqlClient } from '../../../db/index.ts';
import { countsOf, firstRow } from '../common/sql.ts';
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
    const params: unknown[] = [];
    const where = [visibleSql(query.viewer, params)];
    const add = (condition: string, value: unknown): void => {
      params.push(value);
      where.push(condition.replace('?', `$${params.length}`));
    };
    if (query.beforeSeq !== undefined) add('seq < ?', query.beforeSeq);
    if (query.datasetId !== undefined) add('dataset_id = ?', query.datasetId);
    if (query.modelName !== undefined) add('model_name = ?', query.modelName);
    if (query.phase !== undefined) add('phase = ?', query.phase);
    params.push(query.limit + 1);
    return this.#db.query<TrainingRecord>(
      `SELECT ${columns} FROM resource_trainings WHERE ${where.join(' AND ')}
       ORDER BY seq DESC LIMIT $${params.length}`,
      params,
    );
  }

  async updateTraining(id: string, patch: TrainingPatch): Promise<void> {
    const sets: string[] = ['updated_at = clock_timestamp()'];
    const params: unknown[] = [id];
    for (const [column, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    }
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
