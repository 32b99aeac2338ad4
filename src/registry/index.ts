/**
 * @module registry — the model registry: registered models ("local models": a base model finetuned on a dataset)
 * and their versions with MLflow's semantics (stages, aliases, tags, search) and fAIr's rules (the publish gate;
 * Production archives the previous one), the MLflow registry REST table, the workflows' hooks, and base models
 * (built-in and imported STAC-MLM items) with the base-model/dataset compatibility check.
 */
export type * from './entities.ts';
export { ACTIVE_STAGES, STAGES } from './entities.ts';
export type * from './store.ts';
export { openSqlRegistryStore, SqlRegistryStore } from './store.sql.ts';
export { registryMigrations } from './migrations.ts';
export { createRegistryService } from './service.ts';
export type {
  Access,
  CreateModelVersionInput,
  CreateRegisteredModelInput,
  ImportedBaseModel,
  RegistrySearchOptions,
  RegistryService,
  RegistryServiceOptions,
} from './registry-service.ts';
export {
  DEFAULT_PUBLISH_THRESHOLDS,
  assertPublishGate,
  checkPublishThresholds,
  publishGateFailure,
} from './publish-gate.ts';
export type { PublishThresholds } from './publish-gate.ts';
export { runMetricsFrom } from './run-metrics.ts';
export { filterLiteral, resolveModelVersion } from './resolve-version.ts';
export { registryEndpoints } from './mlflow-registry-api.ts';
export type { RegistryEndpoint, RegistryMethod, RegistryRequest } from './mlflow-registry-api.ts';
export { modelVersionJson, registeredModelJson } from './mlflow-registry-json.ts';
export { modelVersionGrammar, registeredModelGrammar } from './search-grammar.ts';
export { canonicalStage, registryLimits } from './validation.ts';
export { createRegistryHooks, LINEAGE_TAGS } from './registry-hooks.ts';
export type { RegistryHooksOptions } from './registry-hooks.ts';
export { BUILTIN_KEYWORDS, builtinBaseModels } from './base-model.ts';
export type { BaseModel, BaseModelInput, BaseModelSource } from './base-model.ts';
export {
  BASE_MODEL_TASKS,
  DEFAULT_STAC_SCHEMAS_DIR,
  GEOMETRY_KEYWORDS,
  MLM_SCHEMA,
  assertBaseModelItem,
  baseModelFromItem,
  checkBaseModelItem,
} from './base-model-import.ts';
export type { BaseModelItemCheck } from './base-model-import.ts';
export { canonicalJson } from './base-model-catalog.ts';
export { assertCompatible, checkCompatibility, datasetFactsOf } from './compatibility.ts';
export type { Compatibility, DatasetFacts } from './compatibility.ts';
