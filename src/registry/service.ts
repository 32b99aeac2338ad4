/**
 * @module registry/service — `createRegistryService`: MLflow's registry semantics over a `RegistryStore`, with
 * fAIr's rules: promoting to Production passes the publish gate and archives the previous Production version;
 * private models are visible only to their owner and admins.
 */
import { AppError, invalid } from '../shared/index.ts';
import { parseOrderBy, parseSearchFilter } from '../tracking/index.ts';
import type { SearchGrammar } from '../tracking/index.ts';
import { BaseModelCatalog } from './base-model-catalog.ts';
import { ACTIVE_STAGES } from './entities.ts';
import type { ModelVersion, ModelVersionFacts, RegisteredModel, RegistryTag } from './entities.ts';
import { DEFAULT_PUBLISH_THRESHOLDS, assertPublishGate, checkPublishThresholds } from './publish-gate.ts';
import { aliasNotFound, modelNotFound, versionNotFound } from './registry-errors.ts';
import type {
  Access,
  CreateModelVersionInput,
  CreateRegisteredModelInput,
  RegistrySearchOptions,
  RegistryService,
  RegistryServiceOptions,
} from './registry-service.ts';
import { modelVersionGrammar, registeredModelGrammar } from './search-grammar.ts';
import type { RegistrySearch } from './store.ts';
import {
  canonicalStage,
  checkAlias,
  checkDescription,
  checkModelName,
  checkTag,
  pageSize,
  parseVersion,
  registryLimits,
} from './validation.ts';

/**
 * Creates the registry service.
 * @param options - store, publish gate, run metrics lookup, STAC validator, shipped models folder, clock
 * @returns the service
 * @throws AppError INVALID_PARAMETER_VALUE for a gate on pixel accuracy or a non-finite threshold
 * @example
 * const registry = createRegistryService({ store: await openSqlRegistryStore(db) });
 * await registry.createRegisteredModel({ name: 'banepa-buildings' });
 */
export function createRegistryService(options: RegistryServiceOptions): RegistryService {
  const now = options.now ?? Date.now;
  const { store } = options;
  const publishThresholds = checkPublishThresholds(options.publishThresholds ?? DEFAULT_PUBLISH_THRESHOLDS);
  const baseModels = new BaseModelCatalog({
    store,
    stacValidator: options.stacValidator,
    modelsDir: options.modelsDir,
    now,
  });

  /** The model, checked against the viewer: private models of others do not exist; writes need the owner. */
  async function accessModel(
    name: string,
    access: Access | undefined,
    write: boolean,
  ): Promise<RegisteredModel> {
    const model = await store.getModel(name);
    if (model === undefined) throw modelNotFound(name);
    const viewer = access?.viewer;
    if (viewer === undefined || viewer.admin === true) return model;
    const { owner_id: owner } = model.fair;
    const own = owner === null || owner === viewer.userId;
    if (model.fair.private && owner !== viewer.userId) throw modelNotFound(name);
    if (write && !own)
      throw new AppError(
        'PERMISSION_DENIED',
        `model ${name} belongs to ${owner}; only its owner or an admin may change it`,
      );
    return model;
  }

  /** Checks access only when there is a viewer (a store call less otherwise). */
  async function checkAccess(name: string, access: Access | undefined, write: boolean): Promise<void> {
    if (access?.viewer !== undefined) await accessModel(name, access, write);
  }

  async function mustGetVersion(name: string, version: string): Promise<ModelVersion> {
    const found = await store.getVersion(name, parseVersion(version));
    if (found === undefined) throw versionNotFound(name, version);
    return found;
  }

  async function gateMetrics(version: ModelVersion): Promise<Readonly<Record<string, number>>> {
    const fromRun =
      version.run_id !== null && options.runMetrics !== undefined
        ? await options.runMetrics(version.run_id)
        : undefined;
    return { ...fromRun, ...version.fair.metrics };
  }

  return {
    publishThresholds,

    async createRegisteredModel(input: CreateRegisteredModelInput) {
      checkModelName(input.name);
      const tags = checkedTags(input.tags);
      if (input.description !== undefined) checkDescription(input.description);
      await store.insertModel({
        name: input.name,
        creation_timestamp: now(),
        description: input.description ?? null,
        tags,
        owner_id: input.ownerId ?? input.viewer?.userId ?? null,
        private: input.private ?? false,
      });
      return accessModel(input.name, undefined, false);
    },

    getRegisteredModel: (name, access) => accessModel(name, access, false),

    async updateRegisteredModel(name, update, access) {
      if (typeof update.description === 'string') checkDescription(update.description);
      await checkAccess(name, access, true);
      await store.updateModel(name, update, now());
      return accessModel(name, undefined, false);
    },

    async renameRegisteredModel(name, newName, access) {
      checkModelName(newName);
      await checkAccess(name, access, true);
      await store.renameModel(name, newName, now());
      return accessModel(newName, undefined, false);
    },

    async deleteRegisteredModel(name, access) {
      await checkAccess(name, access, true);
      await store.deleteModel(name);
    },

    async setRegisteredModelTag(name, key, value, access) {
      checkTag(key, value);
      await checkAccess(name, access, true);
      await store.setModelTag(name, { key, value }, now());
    },

    async deleteRegisteredModelTag(name, key, access) {
      checkTag(key, '');
      await checkAccess(name, access, true);
      await store.deleteModelTag(name, key, now());
    },

    searchRegisteredModels: (search = {}) =>
      store.searchModels(
        parseSearch(
          search,
          registeredModelGrammar,
          registryLimits.modelSearchDefault,
          registryLimits.modelSearchMax,
        ),
      ),

    async getLatestVersions(name, stages, access) {
      const model = await accessModel(name, access, false);
      if (stages === undefined || stages.length === 0) return model.latest_versions;
      const wanted = new Set(stages.map(canonicalStage));
      return model.latest_versions.filter((v) => wanted.has(v.current_stage));
    },

    async createModelVersion(input: CreateModelVersionInput) {
      checkModelName(input.name);
      if (input.source === '') invalid("Missing value for required parameter 'source'.");
      if (input.description !== undefined) checkDescription(input.description);
      const tags = checkedTags(input.tags);
      await checkAccess(input.name, input, true);
      return store.insertVersion({
        name: input.name,
        creation_timestamp: now(),
        user_id: input.userId ?? input.viewer?.userId ?? null,
        description: input.description ?? null,
        source: input.source,
        run_id: input.runId || null,
        run_link: input.runLink || null,
        tags,
        fair: versionFacts(input.fair ?? {}),
      });
    },

    async getModelVersion(name, version, access) {
      parseVersion(version);
      await checkAccess(name, access, false);
      return mustGetVersion(name, version);
    },

    async updateModelVersion(name, version, description, access) {
      const number = parseVersion(version);
      if (description !== null) checkDescription(description);
      await checkAccess(name, access, true);
      await store.updateVersion(name, number, description, now());
      return mustGetVersion(name, version);
    },

    async transitionModelVersionStage(name, version, stage, { archiveExistingVersions }, access) {
      const target = canonicalStage(stage);
      const number = parseVersion(version);
      if (archiveExistingVersions && !ACTIVE_STAGES.includes(target))
        invalid(
          `Model version transition cannot archive existing model versions because '${target}' is not an Active stage. Valid stages are ${ACTIVE_STAGES.join(', ')}.`,
        );
      await checkAccess(name, access, true);
      const current = await mustGetVersion(name, version);
      if (target === 'Production')
        assertPublishGate(`model ${name} version ${version}`, await gateMetrics(current), publishThresholds);
      // fAIr's rule (issue 6): one Production version per model, so promoting always archives the previous one.
      return store.transitionStage(
        name,
        number,
        target,
        archiveExistingVersions || target === 'Production',
        now(),
      );
    },

    async deleteModelVersion(name, version, access) {
      const number = parseVersion(version);
      await checkAccess(name, access, true);
      await store.deleteVersion(name, number);
    },

    async setModelVersionTag(name, version, key, value, access) {
      const number = parseVersion(version);
      checkTag(key, value);
      await checkAccess(name, access, true);
      await store.setVersionTag(name, number, { key, value }, now());
    },

    async deleteModelVersionTag(name, version, key, access) {
      const number = parseVersion(version);
      checkTag(key, '');
      await checkAccess(name, access, true);
      await store.deleteVersionTag(name, number, key, now());
    },

    searchModelVersions: (search = {}) =>
      store.searchVersions(
        parseSearch(
          search,
          modelVersionGrammar,
          registryLimits.versionSearchDefault,
          registryLimits.versionSearchMax,
        ),
      ),

    async getModelVersionDownloadUri(name, version, access) {
      parseVersion(version);
      await checkAccess(name, access, false);
      return (await mustGetVersion(name, version)).source;
    },

    async setRegisteredModelAlias(name, alias, version, access) {
      checkAlias(alias);
      const number = parseVersion(version);
      await checkAccess(name, access, true);
      await store.setAlias(name, alias, number, now());
    },

    async deleteRegisteredModelAlias(name, alias, access) {
      if (alias === '') invalid("Missing value for required parameter 'alias'.");
      await checkAccess(name, access, true);
      await store.deleteAlias(name, alias, now());
    },

    async getModelVersionByAlias(name, alias, access) {
      await accessModel(name, access, false);
      const found = await store.getVersionByAlias(name, alias);
      if (found === undefined) throw aliasNotFound(name, alias);
      return found;
    },

    listBaseModels: () => baseModels.list(),
    getBaseModel: (id) => baseModels.get(id),
    importBaseModel: (item) => baseModels.import(item),
    deleteBaseModel: (id) => baseModels.delete(id),
    checkCompatibility: (id, dataset) => baseModels.checkCompatibility(id, dataset),
  };
}

function parseSearch(
  search: RegistrySearchOptions,
  grammar: SearchGrammar,
  fallback: number,
  limit: number,
): RegistrySearch {
  return {
    filter: parseSearchFilter(search.filter, grammar),
    orderBy: (search.orderBy ?? []).map((clause) => parseOrderBy(clause, grammar)),
    maxResults: pageSize(search.maxResults, fallback, limit),
    pageToken: search.pageToken,
    viewer: search.viewer,
  };
}

function checkedTags(tags: readonly RegistryTag[] | undefined): RegistryTag[] {
  const list = (tags ?? []).map(({ key, value }) => ({ key, value }));
  for (const { key, value } of list) checkTag(key, value);
  return list;
}

/** fAIr's facts with defaults; metrics keep finite numbers only (JSON has no NaN, and NaN gates nothing). */
function versionFacts(fair: Partial<ModelVersionFacts>): ModelVersionFacts {
  const metrics: Record<string, number> = {};
  for (const [key, value] of Object.entries(fair.metrics ?? {}))
    if (typeof value === 'number' && Number.isFinite(value)) metrics[key] = value;
  return {
    execution_id: fair.execution_id ?? null,
    node_id: fair.node_id ?? null,
    dataset_uri: fair.dataset_uri ?? null,
    dataset_id: fair.dataset_id ?? null,
    base_model_id: fair.base_model_id ?? null,
    metrics,
    artifacts: { ...fair.artifacts },
    training: { ...fair.training },
  };
}
