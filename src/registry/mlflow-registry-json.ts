/**
 * @module registry/mlflow-registry-json — registry entities as MLflow's REST API writes them (protobuf JSON of
 * `model_registry.proto`): snake_case, int64 as numbers, unset optional and empty repeated fields left out. fAIr's
 * own facts stay out of these messages (MLflow clients would not know them); fAIr's API serves them.
 */
import type { Json, JsonObject } from '../tracking/index.ts';
import type { ModelVersion, RegisteredModel } from './entities.ts';

/**
 * An object without its undefined, null and empty-array fields.
 * @param fields - the fields
 * @returns the object with every set, non-empty field
 */
export function withoutEmpty(fields: Record<string, Json | undefined>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) continue;
    out[key] = value;
  }
  return out;
}

/**
 * A `ModelVersion` message.
 * @param version - the version
 * @returns its JSON
 */
export function modelVersionJson(version: ModelVersion): JsonObject {
  return withoutEmpty({
    name: version.name,
    version: version.version,
    creation_timestamp: version.creation_timestamp,
    last_updated_timestamp: version.last_updated_timestamp,
    user_id: version.user_id,
    current_stage: version.current_stage,
    description: version.description,
    source: version.source,
    run_id: version.run_id,
    status: version.status,
    tags: version.tags.map(({ key, value }) => ({ key, value })),
    run_link: version.run_link,
    aliases: [...version.aliases],
  });
}

/**
 * A `RegisteredModel` message.
 * @param model - the model
 * @returns its JSON
 */
export function registeredModelJson(model: RegisteredModel): JsonObject {
  return withoutEmpty({
    name: model.name,
    creation_timestamp: model.creation_timestamp,
    last_updated_timestamp: model.last_updated_timestamp,
    description: model.description,
    latest_versions: model.latest_versions.map(modelVersionJson),
    tags: model.tags.map(({ key, value }) => ({ key, value })),
    aliases: model.aliases.map(({ alias, version }) => ({ alias, version })),
  });
}
