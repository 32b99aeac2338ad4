/** @module server/resources/datasets/store.sql — the dataset store on the `Database` of `db/` (PGlite or PostgreSQL). */
import type { SqlClient } from '../../../db/index.ts';
import type { BBox, Polygonal } from '../../../geo/index.ts';
import { firstRow as first, newestFirst, patchAssignments, SqlConditions } from '../common/sql.ts';
import { visibleSql } from '../common/viewer.ts';
import type {
  AoiRecord,
  DatasetListQuery,
  DatasetPatch,
  DatasetRecord,
  DatasetStore,
  LabelJobRecord,
  LabelJobStatus,
  LabelSetRecord,
  NewDataset,
} from './store.ts';

const datasetColumns =
  'seq, id, name, description, imagery, zooms, mask_kind, chip_size, label_offset, owner_id, private, created_at, updated_at';
const aoiColumns = 'seq, id, dataset_id, geometry, area_km2, bbox, created_at';
const labelSetColumns = 'seq, id, dataset_id, source, uri, features, repairs, skipped, aoi_id, created_at';
const jobColumns = 'seq, id, dataset_id, aoi_id, status, error, label_set_id, owner_id, created_at, ended_at';

/** The dataset store over SQL (tables of `resourceMigrations`). */
export class SqlDatasetStore implements DatasetStore {
  readonly #db: SqlClient;

  /** @param db - a database migrated with `resourceMigrations` */
  constructor(db: SqlClient) {
    this.#db = db;
  }

  async insertDataset(row: NewDataset): Promise<DatasetRecord> {
    const rows = await this.#db.query<DatasetRecord>(
      `INSERT INTO resource_datasets (id, name, description, imagery, zooms, mask_kind, chip_size, label_offset,
         owner_id, private)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${datasetColumns}`,
      [
        row.id,
        row.name,
        row.description,
        row.imagery,
        JSON.stringify(row.zooms),
        row.mask_kind,
        row.chip_size,
        JSON.stringify(row.label_offset),
        row.owner_id,
        row.private,
      ],
    );
    return first(rows);
  }

  async getDataset(id: string): Promise<DatasetRecord | undefined> {
    const rows = await this.#db.query<DatasetRecord>(
      `SELECT ${datasetColumns} FROM resource_datasets WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async updateDataset(id: string, patch: DatasetPatch): Promise<DatasetRecord | undefined> {
    const params: unknown[] = [id];
    const sets = patchAssignments(patch, params, (value) =>
      Array.isArray(value) ? JSON.stringify(value) : value,
    );
    const rows = await this.#db.query<DatasetRecord>(
      `UPDATE resource_datasets SET ${[...sets, 'updated_at = clock_timestamp()'].join(', ')}
       WHERE id = $1 RETURNING ${datasetColumns}`,
      params,
    );
    return rows[0];
  }

  async deleteDataset(id: string): Promise<boolean> {
    const rows = await this.#db.query('DELETE FROM resource_datasets WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }

  async listDatasets(query: DatasetListQuery): Promise<DatasetRecord[]> {
    const c = new SqlConditions();
    c.where.push(visibleSql(query.viewer, c.params));
    if (query.beforeSeq !== undefined) c.add('seq < ?', query.beforeSeq);
    if (query.ownerId !== undefined) c.add('owner_id = ?', query.ownerId);
    if (query.nameContains !== undefined)
      c.add('name ILIKE ?', `%${query.nameContains.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
    return newestFirst<DatasetRecord>(this.#db, `${datasetColumns} FROM resource_datasets`, c, query.limit);
  }

  async countDatasets(): Promise<number> {
    const rows = await this.#db.query<{ n: number }>('SELECT count(*)::int AS n FROM resource_datasets');
    return rows[0]?.n ?? 0;
  }

  async insertAoi(row: Omit<AoiRecord, 'seq' | 'created_at'>): Promise<AoiRecord> {
    const rows = await this.#db.query<AoiRecord>(
      `INSERT INTO resource_dataset_aois (id, dataset_id, geometry, area_km2, bbox)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${aoiColumns}`,
      [row.id, row.dataset_id, row.geometry, row.area_km2, JSON.stringify(row.bbox)],
    );
    return first(rows);
  }

  async listAois(datasetId: string): Promise<AoiRecord[]> {
    return this.#db.query<AoiRecord & { geometry: Polygonal; bbox: BBox }>(
      `SELECT ${aoiColumns} FROM resource_dataset_aois WHERE dataset_id = $1 ORDER BY seq`,
      [datasetId],
    );
  }

  async deleteAoi(datasetId: string, aoiId: string): Promise<boolean> {
    const rows = await this.#db.query(
      'DELETE FROM resource_dataset_aois WHERE dataset_id = $1 AND id = $2 RETURNING id',
      [datasetId, aoiId],
    );
    return rows.length > 0;
  }

  async insertLabelSet(row: Omit<LabelSetRecord, 'seq' | 'created_at'>): Promise<LabelSetRecord> {
    const rows = await this.#db.query<LabelSetRecord>(
      `INSERT INTO resource_label_sets (id, dataset_id, source, uri, features, repairs, skipped, aoi_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${labelSetColumns}`,
      [row.id, row.dataset_id, row.source, row.uri, row.features, row.repairs, row.skipped, row.aoi_id],
    );
    return first(rows);
  }

  async listLabelSets(datasetId: string): Promise<LabelSetRecord[]> {
    return this.#db.query<LabelSetRecord>(
      `SELECT ${labelSetColumns} FROM resource_label_sets WHERE dataset_id = $1 ORDER BY seq`,
      [datasetId],
    );
  }

  async deleteLabelSet(datasetId: string, id: string): Promise<LabelSetRecord | undefined> {
    const rows = await this.#db.query<LabelSetRecord>(
      `DELETE FROM resource_label_sets WHERE dataset_id = $1 AND id = $2 RETURNING ${labelSetColumns}`,
      [datasetId, id],
    );
    return rows[0];
  }

  async insertLabelJob(
    row: Pick<LabelJobRecord, 'id' | 'dataset_id' | 'aoi_id' | 'owner_id'>,
  ): Promise<LabelJobRecord> {
    const rows = await this.#db.query<LabelJobRecord>(
      `INSERT INTO resource_label_jobs (id, dataset_id, aoi_id, status, owner_id)
       VALUES ($1, $2, $3, 'QUEUED', $4) RETURNING ${jobColumns}`,
      [row.id, row.dataset_id, row.aoi_id, row.owner_id],
    );
    return first(rows);
  }

  async getLabelJob(datasetId: string, id: string): Promise<LabelJobRecord | undefined> {
    const rows = await this.#db.query<LabelJobRecord>(
      `SELECT ${jobColumns} FROM resource_label_jobs WHERE dataset_id = $1 AND id = $2`,
      [datasetId, id],
    );
    return rows[0];
  }

  async listLabelJobs(datasetId: string): Promise<LabelJobRecord[]> {
    return this.#db.query<LabelJobRecord>(
      `SELECT ${jobColumns} FROM resource_label_jobs WHERE dataset_id = $1 ORDER BY seq DESC`,
      [datasetId],
    );
  }

  async updateLabelJob(
    id: string,
    outcome: { status: LabelJobStatus; error?: string | null; label_set_id?: string | null },
  ): Promise<void> {
    const ended = outcome.status === 'SUCCEEDED' || outcome.status === 'FAILED';
    await this.#db.query(
      `UPDATE resource_label_jobs SET status = $2, error = $3, label_set_id = $4,
         ended_at = CASE WHEN $5 THEN clock_timestamp() ELSE NULL END
       WHERE id = $1`,
      [id, outcome.status, outcome.error ?? null, outcome.label_set_id ?? null, ended],
    );
  }

  async failStaleLabelJobs(datasetId: string, createdBefore: Date, error: string): Promise<number> {
    const rows = await this.#db.query(
      `UPDATE resource_label_jobs SET status = 'FAILED', error = $3, ended_at = clock_timestamp()
       WHERE dataset_id = $1 AND status IN ('QUEUED', 'RUNNING') AND created_at < $2 RETURNING id`,
      [datasetId, createdBefore, error],
    );
    return rows.length;
  }
}
