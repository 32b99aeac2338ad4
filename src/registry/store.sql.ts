/**
 * @module registry/store.sql — the registry store on PostgreSQL's dialect (PGlite embedded or a PostgreSQL server),
 * over the `Database` interface of `db/`; tables `registry_*`.
 */
import type { Database, SqlClient } from '../db/index.ts';
import { migrate } from '../db/index.ts';
import { AppError, isAppError } from '../shared/index.ts';
import { decodePageToken, encodePageToken } from '../tracking/index.ts';
import type { ModelVersion, Page, RegisteredModel, RegistryTag, Stage, Viewer } from './entities.ts';
import { registryMigrations } from './migrations.ts';
import { modelExists, modelNotFound, versionNotFound } from './registry-errors.ts';
import { SqlParams, filterSql, orderSql } from './search-sql.ts';
import type { SearchTarget } from './search-sql.ts';
import { loadModels, loadVersions, modelColumns, versionColumns, versionsFrom } from './sql-reads.ts';
import type { ModelRow, VersionRow } from './sql-reads.ts';
import type {
  NewModelVersion,
  NewRegisteredModel,
  RegistrySearch,
  RegistryStore,
  StoredBaseModel,
} from './store.ts';

/**
 * Opens the SQL registry store: brings the `registry` tables up to date.
 * @param db - an open database (PGlite or PostgreSQL)
 * @returns the store
 * @throws AppError as `migrate` does
 * @example
 * const store = await openSqlRegistryStore(runtime.db);
 */
export async function openSqlRegistryStore(db: Database): Promise<RegistryStore> {
  await migrate(db, 'registry', registryMigrations);
  return new SqlRegistryStore(db);
}

/** The registry store over SQL. */
export class SqlRegistryStore implements RegistryStore {
  readonly #db: Database;

  /** @param db - an open, migrated database (use `openSqlRegistryStore`) */
  constructor(db: Database) {
    this.#db = db;
  }

  async insertModel(model: NewRegisteredModel): Promise<void> {
    try {
      await this.#db.transaction(async (tx) => {
        const rows = await tx.query<{ model_id: number }>(
          `INSERT INTO registry_models (name, creation_timestamp, last_updated_timestamp, description, owner_id, private)
           VALUES ($1, $2, $2, $3, $4, $5) RETURNING model_id`,
          [model.name, model.creation_timestamp, model.description, model.owner_id, model.private],
        );
        const id = (rows[0] as { model_id: number }).model_id;
        for (const tag of model.tags) await upsertModelTag(tx, id, tag);
      });
    } catch (error) {
      throw uniqueName(error, model.name);
    }
  }

  async getModel(name: string): Promise<RegisteredModel | undefined> {
    const rows = await this.#db.query<ModelRow>(
      `SELECT ${modelColumns} FROM registry_models m WHERE m.name = $1`,
      [name],
    );
    return (await loadModels(this.#db, rows))[0];
  }

  async updateModel(
    name: string,
    update: { description?: string | null; private?: boolean },
    time: number,
  ): Promise<void> {
    const rows = await this.#db.query(
      `UPDATE registry_models SET last_updated_timestamp = $2,
         description = CASE WHEN $3::boolean THEN $4::text ELSE description END,
         private = coalesce($5::boolean, private)
       WHERE name = $1 RETURNING model_id`,
      [name, time, update.description !== undefined, update.description ?? null, update.private ?? null],
    );
    if (rows.length === 0) throw modelNotFound(name);
  }

  async renameModel(name: string, newName: string, time: number): Promise<void> {
    let rows: unknown[];
    try {
      rows = await this.#db.query(
        'UPDATE registry_models SET name = $2, last_updated_timestamp = $3 WHERE name = $1 RETURNING model_id',
        [name, newName, time],
      );
    } catch (error) {
      throw uniqueName(error, newName);
    }
    if (rows.length === 0) throw modelNotFound(name);
  }

  async deleteModel(name: string): Promise<void> {
    const rows = await this.#db.query('DELETE FROM registry_models WHERE name = $1 RETURNING model_id', [
      name,
    ]);
    if (rows.length === 0) throw modelNotFound(name);
  }

  async setModelTag(name: string, tag: RegistryTag, time: number): Promise<void> {
    await this.#db.transaction(async (tx) => upsertModelTag(tx, await touchModel(tx, name, time), tag));
  }

  async deleteModelTag(name: string, key: string, time: number): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const id = await touchModel(tx, name, time);
      await tx.query('DELETE FROM registry_model_tags WHERE model_id = $1 AND key = $2', [id, key]);
    });
  }

  async searchModels(search: RegistrySearch): Promise<Page<RegisteredModel>> {
    const { sql, params, offset } = searchSql(
      search,
      'model',
      `SELECT ${modelColumns} FROM registry_models m`,
    );
    const rows = await this.#db.query<ModelRow>(sql, params);
    return page(await loadModels(this.#db, rows.slice(0, search.maxResults)), rows.length, search, offset);
  }

  async insertVersion(version: NewModelVersion): Promise<ModelVersion> {
    const created = await this.#db.transaction(async (tx) => {
      const rows = await tx.query<{ model_id: number; version: number }>(
        `UPDATE registry_models SET next_version = next_version + 1, last_updated_timestamp = $2
         WHERE name = $1 RETURNING model_id, next_version - 1 AS version`,
        [version.name, version.creation_timestamp],
      );
      const row = rows[0];
      if (row === undefined) throw modelNotFound(version.name);
      const { fair } = version;
      await tx.query(
        `INSERT INTO registry_versions (model_id, version, creation_timestamp, last_updated_timestamp, user_id,
           description, source, run_id, run_link, execution_id, node_id, dataset_uri, dataset_id, base_model_id,
           metrics, artifacts, training)
         VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15::jsonb, $16::jsonb)`,
        [
          row.model_id,
          row.version,
          version.creation_timestamp,
          version.user_id,
          version.description,
          version.source,
          version.run_id,
          version.run_link,
          fair.execution_id,
          fair.node_id,
          fair.dataset_uri,
          fair.dataset_id,
          fair.base_model_id,
          JSON.stringify(fair.metrics),
          JSON.stringify(fair.artifacts),
          JSON.stringify(fair.training),
        ],
      );
      for (const tag of version.tags) await upsertVersionTag(tx, row.model_id, row.version, tag);
      return row.version;
    });
    return this.#mustGetVersion(version.name, created);
  }

  async getVersion(name: string, version: number): Promise<ModelVersion | undefined> {
    const rows = await this.#db.query<VersionRow>(
      `SELECT ${versionColumns} FROM ${versionsFrom} WHERE m.name = $1 AND v.version = $2`,
      [name, version],
    );
    return (await loadVersions(this.#db, rows))[0];
  }

  async updateVersion(
    name: string,
    version: number,
    description: string | null,
    time: number,
  ): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const id = await lockVersion(tx, name, version);
      await tx.query(
        `UPDATE registry_versions SET description = $3, last_updated_timestamp = $4 WHERE model_id = $1 AND version = $2`,
        [id, version, description, time],
      );
    });
  }

  async transitionStage(
    name: string,
    version: number,
    stage: Stage,
    archiveOthers: boolean,
    time: number,
  ): Promise<ModelVersion> {
    await this.#db.transaction(async (tx) => {
      const id = await lockVersion(tx, name, version);
      if (archiveOthers)
        await tx.query(
          `UPDATE registry_versions SET current_stage = 'Archived', last_updated_timestamp = $4
           WHERE model_id = $1 AND current_stage = $3 AND version <> $2`,
          [id, version, stage, time],
        );
      await tx.query(
        `UPDATE registry_versions SET current_stage = $3, last_updated_timestamp = $4 WHERE model_id = $1 AND version = $2`,
        [id, version, stage, time],
      );
      await tx.query('UPDATE registry_models SET last_updated_timestamp = $2 WHERE model_id = $1', [
        id,
        time,
      ]);
    });
    return this.#mustGetVersion(name, version);
  }

  async deleteVersion(name: string, version: number): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const id = await lockVersion(tx, name, version);
      await tx.query('DELETE FROM registry_versions WHERE model_id = $1 AND version = $2', [id, version]);
    });
  }

  async setVersionTag(name: string, version: number, tag: RegistryTag, time: number): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const id = await lockVersion(tx, name, version);
      await upsertVersionTag(tx, id, version, tag);
      await touchVersion(tx, id, version, time);
    });
  }

  async deleteVersionTag(name: string, version: number, key: string, time: number): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const id = await lockVersion(tx, name, version);
      await tx.query('DELETE FROM registry_version_tags WHERE model_id = $1 AND version = $2 AND key = $3', [
        id,
        version,
        key,
      ]);
      await touchVersion(tx, id, version, time);
    });
  }

  async setAlias(name: string, alias: string, version: number, time: number): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const id = await lockVersion(tx, name, version);
      await tx.query(
        `INSERT INTO registry_aliases (model_id, alias, version) VALUES ($1, $2, $3)
         ON CONFLICT (model_id, alias) DO UPDATE SET version = EXCLUDED.version`,
        [id, alias, version],
      );
      await tx.query('UPDATE registry_models SET last_updated_timestamp = $2 WHERE model_id = $1', [
        id,
        time,
      ]);
    });
  }

  async deleteAlias(name: string, alias: string, time: number): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const id = await touchModel(tx, name, time);
      await tx.query('DELETE FROM registry_aliases WHERE model_id = $1 AND alias = $2', [id, alias]);
    });
  }

  async getVersionByAlias(name: string, alias: string): Promise<ModelVersion | undefined> {
    const rows = await this.#db.query<VersionRow>(
      `SELECT ${versionColumns} FROM ${versionsFrom}
       JOIN registry_aliases a ON a.model_id = v.model_id AND a.version = v.version
       WHERE m.name = $1 AND a.alias = $2`,
      [name, alias],
    );
    return (await loadVersions(this.#db, rows))[0];
  }

  async searchVersions(search: RegistrySearch): Promise<Page<ModelVersion>> {
    const { sql, params, offset } = searchSql(
      search,
      'version',
      `SELECT ${versionColumns} FROM ${versionsFrom}`,
    );
    const rows = await this.#db.query<VersionRow>(sql, params);
    return page(await loadVersions(this.#db, rows.slice(0, search.maxResults)), rows.length, search, offset);
  }

  async insertBaseModel(model: StoredBaseModel): Promise<boolean> {
    const rows = await this.#db.query(
      `INSERT INTO registry_base_models (id, item, digest, imported_at) VALUES ($1, $2::jsonb, $3, $4)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [model.id, JSON.stringify(model.item), model.digest, model.imported_at],
    );
    if (rows.length > 0) return true;
    const existing = await this.getBaseModel(model.id);
    if (existing?.digest === model.digest) return false;
    throw new AppError(
      'RESOURCE_ALREADY_EXISTS',
      `base model ${model.id} is already imported with other content (digest ${existing?.digest.slice(0, 12) ?? '?'}…, new ${model.digest.slice(0, 12)}…); import it under a new id`,
    );
  }

  async getBaseModel(id: string): Promise<StoredBaseModel | undefined> {
    const rows = await this.#db.query<StoredBaseModel>(
      'SELECT id, item, digest, imported_at FROM registry_base_models WHERE id = $1',
      [id],
    );
    return rows[0];
  }

  async listBaseModels(): Promise<StoredBaseModel[]> {
    return this.#db.query<StoredBaseModel>(
      'SELECT id, item, digest, imported_at FROM registry_base_models ORDER BY id COLLATE "C"',
    );
  }

  async deleteBaseModel(id: string): Promise<boolean> {
    const rows = await this.#db.query('DELETE FROM registry_base_models WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }

  async #mustGetVersion(name: string, version: number): Promise<ModelVersion> {
    const found = await this.getVersion(name, version);
    if (found === undefined) throw versionNotFound(name, version);
    return found;
  }
}

/** The search statement: filter, visibility, order and one row more than the page (to know whether one follows). */
function searchSql(
  search: RegistrySearch,
  target: SearchTarget,
  select: string,
): { sql: string; params: unknown[]; offset: number } {
  const params = new SqlParams();
  const conditions = filterSql(search.filter, params, target);
  const visible = visibilitySql(search.viewer, params);
  if (visible !== undefined) conditions.push(visible);
  const offset = decodePageToken(search.pageToken);
  const where = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
  const sql = `${select}${where} ORDER BY ${orderSql(search.orderBy, target)} LIMIT ${params.add(
    search.maxResults + 1,
  )} OFFSET ${params.add(offset)}`;
  return { sql, params: params.values, offset };
}

function visibilitySql(viewer: Viewer | undefined, params: SqlParams): string | undefined {
  if (viewer === undefined || viewer.admin === true) return undefined;
  if (viewer.userId === null) return 'NOT m.private';
  return `(NOT m.private OR m.owner_id = ${params.add(viewer.userId)})`;
}

function page<T>(items: T[], fetched: number, search: RegistrySearch, offset: number): Page<T> {
  return {
    items,
    nextPageToken: fetched > search.maxResults ? encodePageToken(offset + search.maxResults) : undefined,
  };
}

async function touchModel(tx: SqlClient, name: string, time: number): Promise<number> {
  const rows = await tx.query<{ model_id: number }>(
    'UPDATE registry_models SET last_updated_timestamp = $2 WHERE name = $1 RETURNING model_id',
    [name, time],
  );
  const row = rows[0];
  if (row === undefined) throw modelNotFound(name);
  return row.model_id;
}

/** Locks a version's model row (serialising stage changes of one model) and checks the version exists. */
async function lockVersion(tx: SqlClient, name: string, version: number): Promise<number> {
  const rows = await tx.query<{ model_id: number; found: boolean }>(
    `SELECT m.model_id, EXISTS (SELECT 1 FROM registry_versions v WHERE v.model_id = m.model_id AND v.version = $2) AS found
     FROM registry_models m WHERE m.name = $1 FOR UPDATE`,
    [name, version],
  );
  const row = rows[0];
  if (row === undefined || !row.found) throw versionNotFound(name, version);
  return row.model_id;
}

async function touchVersion(tx: SqlClient, modelId: number, version: number, time: number): Promise<void> {
  await tx.query(
    'UPDATE registry_versions SET last_updated_timestamp = $3 WHERE model_id = $1 AND version = $2',
    [modelId, version, time],
  );
}

async function upsertModelTag(tx: SqlClient, modelId: number, tag: RegistryTag): Promise<void> {
  await tx.query(
    `INSERT INTO registry_model_tags (model_id, key, value) VALUES ($1, $2, $3)
     ON CONFLICT (model_id, key) DO UPDATE SET value = EXCLUDED.value`,
    [modelId, tag.key, tag.value],
  );
}

async function upsertVersionTag(
  tx: SqlClient,
  modelId: number,
  version: number,
  tag: RegistryTag,
): Promise<void> {
  await tx.query(
    `INSERT INTO registry_version_tags (model_id, version, key, value) VALUES ($1, $2, $3, $4)
     ON CONFLICT (model_id, version, key) DO UPDATE SET value = EXCLUDED.value`,
    [modelId, version, tag.key, tag.value],
  );
}

/** A unique violation of the model name → RESOURCE_ALREADY_EXISTS; anything else as it was. */
function uniqueName(error: unknown, name: string): unknown {
  if (
    isAppError(error, 'CONFLICT') &&
    (error.details as { sqlState?: string } | undefined)?.sqlState === '23505'
  )
    return modelExists(name);
  return error;
}
