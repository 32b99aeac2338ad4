/**
 * @module registry/sql-reads — the SQL store's reads: rows of `registry_*` → `RegisteredModel` / `ModelVersion`,
 * loading tags, aliases and latest versions for a whole page in a fixed number of statements.
 */
import type { SqlClient } from '../db/index.ts';
import { STAGES } from './entities.ts';
import type { ModelVersion, RegisteredModel, RegistryTag, Stage } from './entities.ts';

/** A row of `registry_models`. */
export type ModelRow = {
  model_id: number;
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description: string | null;
  owner_id: string | null;
  private: boolean;
};

/** A row of `registry_versions` with its model's name. */
export type VersionRow = {
  model_id: number;
  name: string;
  version: number;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id: string | null;
  current_stage: Stage;
  description: string | null;
  source: string;
  run_id: string | null;
  run_link: string | null;
  execution_id: string | null;
  node_id: string | null;
  dataset_uri: string | null;
  dataset_id: string | null;
  base_model_id: string | null;
  metrics: Record<string, number>;
  artifacts: Record<string, string>;
  training: Record<string, unknown>;
};

/** Columns of `registry_models m`. */
export const modelColumns =
  'm.model_id, m.name, m.creation_timestamp, m.last_updated_timestamp, m.description, m.owner_id, m.private';

/** Columns of `registry_versions v` joined with `registry_models m`. */
export const versionColumns =
  'v.model_id, m.name, v.version, v.creation_timestamp, v.last_updated_timestamp, v.user_id, v.current_stage, ' +
  'v.description, v.source, v.run_id, v.run_link, v.execution_id, v.node_id, v.dataset_uri, v.dataset_id, ' +
  'v.base_model_id, v.metrics, v.artifacts, v.training';

/** `FROM` clause of version reads. */
export const versionsFrom = 'registry_versions v JOIN registry_models m ON m.model_id = v.model_id';

/** The model ids of rows as one JSON parameter (`IN (SELECT … jsonb_array_elements_text($n))`), same on both engines. */
function idsParam(ids: readonly number[]): string {
  return JSON.stringify([...new Set(ids)]);
}

const inIds = (n: number) => `IN (SELECT (jsonb_array_elements_text($${n}::jsonb))::bigint)`;

/**
 * Full models for model rows: tags, aliases and latest version per stage, in 4 statements.
 * @param client - database or transaction
 * @param rows - the model rows, in the order to return
 * @returns the models
 */
export async function loadModels(client: SqlClient, rows: readonly ModelRow[]): Promise<RegisteredModel[]> {
  if (rows.length === 0) return [];
  const ids = idsParam(rows.map((r) => r.model_id));
  const tags = await client.query<{ model_id: number; key: string; value: string }>(
    `SELECT model_id, key, value FROM registry_model_tags WHERE model_id ${inIds(1)} ORDER BY key COLLATE "C"`,
    [ids],
  );
  const aliases = await client.query<{ model_id: number; alias: string; version: number }>(
    `SELECT model_id, alias, version FROM registry_aliases WHERE model_id ${inIds(1)} ORDER BY alias COLLATE "C"`,
    [ids],
  );
  const latestRows = await client.query<VersionRow>(
    `SELECT DISTINCT ON (v.model_id, v.current_stage) ${versionColumns} FROM ${versionsFrom}
     WHERE v.model_id ${inIds(1)} ORDER BY v.model_id, v.current_stage, v.version DESC`,
    [ids],
  );
  const latest = await loadVersions(client, latestRows);
  return rows.map((row) => ({
    name: row.name,
    creation_timestamp: row.creation_timestamp,
    last_updated_timestamp: row.last_updated_timestamp,
    description: row.description,
    latest_versions: latest
      .filter((v, i) => latestRows[i]?.model_id === row.model_id)
      .sort((a, b) => STAGES.indexOf(a.current_stage) - STAGES.indexOf(b.current_stage)),
    tags: tags.filter((t) => t.model_id === row.model_id).map(({ key, value }) => ({ key, value })),
    aliases: aliases
      .filter((a) => a.model_id === row.model_id)
      .map((a) => ({ alias: a.alias, version: String(a.version) })),
    fair: { owner_id: row.owner_id, private: row.private },
  }));
}

/**
 * Full versions for version rows: tags and aliases, in 2 statements.
 * @param client - database or transaction
 * @param rows - the version rows, in the order to return
 * @returns the versions
 */
export async function loadVersions(client: SqlClient, rows: readonly VersionRow[]): Promise<ModelVersion[]> {
  if (rows.length === 0) return [];
  const ids = idsParam(rows.map((r) => r.model_id));
  const tags = await client.query<{ model_id: number; version: number; key: string; value: string }>(
    `SELECT model_id, version, key, value FROM registry_version_tags WHERE model_id ${inIds(1)}
     ORDER BY key COLLATE "C"`,
    [ids],
  );
  const aliases = await client.query<{ model_id: number; version: number; alias: string }>(
    `SELECT model_id, version, alias FROM registry_aliases WHERE model_id ${inIds(1)} ORDER BY alias COLLATE "C"`,
    [ids],
  );
  const keyOf = (r: { model_id: number; version: number }) => `${r.model_id}:${r.version}`;
  const tagsBy = groupBy(tags, keyOf);
  const aliasesBy = groupBy(aliases, keyOf);
  return rows.map((row) => versionOf(row, tagsBy.get(keyOf(row)) ?? [], aliasesBy.get(keyOf(row)) ?? []));
}

function versionOf(
  row: VersionRow,
  tags: readonly RegistryTag[],
  aliases: readonly { alias: string }[],
): ModelVersion {
  return {
    name: row.name,
    version: String(row.version),
    creation_timestamp: row.creation_timestamp,
    last_updated_timestamp: row.last_updated_timestamp,
    user_id: row.user_id,
    current_stage: row.current_stage,
    description: row.description,
    source: row.source,
    run_id: row.run_id,
    run_link: row.run_link,
    status: 'READY',
    tags: tags.map(({ key, value }) => ({ key, value })),
    aliases: aliases.map((a) => a.alias),
    fair: {
      execution_id: row.execution_id,
      node_id: row.node_id,
      dataset_uri: row.dataset_uri,
      dataset_id: row.dataset_id,
      base_model_id: row.base_model_id,
      metrics: row.metrics,
      artifacts: row.artifacts,
      training: row.training,
    },
  };
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = map.get(key);
    if (list === undefined) map.set(key, [item]);
    else list.push(item);
  }
  return map;
}
