/**
 * @module registry/registry-service — the registry service's interface: MLflow's model registry operations with
 * fAIr's rules (Production archives the previous Production version; the publish gate), and the base models.
 */
import type { StacValidator } from '../shared/index.ts';
import type { BaseModel } from './base-model.ts';
import type { Compatibility, DatasetFacts } from './compatibility.ts';
import type {
  ModelVersion,
  ModelVersionFacts,
  Page,
  RegisteredModel,
  RegistryTag,
  Viewer,
} from './entities.ts';
import type { PublishThresholds } from './publish-gate.ts';
import type { RegistryStore } from './store.ts';

/** What `createRegistryService` needs. */
export type RegistryServiceOptions = {
  /** Persistence (`openSqlRegistryStore(db)`). */
  store: RegistryStore;
  /** The publish gate, default `DEFAULT_PUBLISH_THRESHOLDS` (`object_f1 ≥ 0.5`); `{}` turns it off. */
  publishThresholds?: PublishThresholds;
  /**
   * Metrics of a tracking run, used by the gate for versions that carry no metrics of their own but name a
   * `run_id` (versions created through the MLflow API), default none (see `runMetricsFrom`).
   */
  runMetrics?: (runId: string) => Promise<Readonly<Record<string, number>> | undefined>;
  /** Offline STAC validator for base-model imports, default one over `DEFAULT_STAC_SCHEMAS_DIR`, made on first use. */
  stacValidator?: StacValidator;
  /** Folder of the shipped models (built-in base models' files), default `<repo>/models`. */
  modelsDir?: string;
  /** The clock, ms since the epoch, default `Date.now`. */
  now?: () => number;
};

/**
 * Who asks, for the access rules: reads of a private model need its owner or an admin (otherwise it does not
 * exist, RESOURCE_DOES_NOT_EXIST); writes need its owner or an admin (PERMISSION_DENIED). Absent: no checks (the
 * caller already decided).
 */
export type Access = { viewer?: Viewer | undefined };

/** Search paging and ordering, as the REST requests carry them. */
export type RegistrySearchOptions = Access & {
  /** Filter in MLflow's registry syntax; default none. */
  filter?: string | undefined;
  /** order_by clauses; default models by name, versions by last update (newest first). */
  orderBy?: readonly string[] | undefined;
  /** Page size (models: default 100, at most 1000; versions: default 10000, at most 200000). */
  maxResults?: number | undefined;
  /** Token of a previous page. */
  pageToken?: string | undefined;
};

/** A new registered model. */
export type CreateRegisteredModelInput = Access & {
  name: string;
  description?: string | undefined;
  tags?: readonly RegistryTag[] | undefined;
  /** Owner, default `viewer.userId`, else none. */
  ownerId?: string | undefined;
  /** Visible only to the owner and admins, default false. */
  private?: boolean | undefined;
};

/** A new model version. */
export type CreateModelVersionInput = Access & {
  name: string;
  /** Where the model's files are (the model folder URI). */
  source: string;
  runId?: string | undefined;
  runLink?: string | undefined;
  description?: string | undefined;
  tags?: readonly RegistryTag[] | undefined;
  /** Who registered it, default `viewer.userId`. */
  userId?: string | undefined;
  /** fAIr's facts (lineage, metrics, artifacts); absent fields are null or empty. */
  fair?: Partial<ModelVersionFacts> | undefined;
};

/** The outcome of a base-model import. */
export type ImportedBaseModel = {
  baseModel: BaseModel;
  /** False when the identical item was already imported. */
  created: boolean;
  /** What could not be checked (extensions outside the offline schema set). */
  warnings: string[];
};

/** The model registry; every method throws AppError with MLflow's codes. */
export interface RegistryService {
  /** The publish gate in force. */
  readonly publishThresholds: PublishThresholds;
  /** @throws AppError RESOURCE_ALREADY_EXISTS for a taken name; INVALID_PARAMETER_VALUE for a bad name or tag */
  createRegisteredModel(input: CreateRegisteredModelInput): Promise<RegisteredModel>;
  /** @throws AppError RESOURCE_DOES_NOT_EXIST */
  getRegisteredModel(name: string, access?: Access): Promise<RegisteredModel>;
  /** Changes the description (null clears it) and/or privacy. @throws AppError RESOURCE_DOES_NOT_EXIST */
  updateRegisteredModel(
    name: string,
    update: { description?: string | null; private?: boolean },
    access?: Access,
  ): Promise<RegisteredModel>;
  /** @throws AppError RESOURCE_DOES_NOT_EXIST; RESOURCE_ALREADY_EXISTS when the new name is taken */
  renameRegisteredModel(name: string, newName: string, access?: Access): Promise<RegisteredModel>;
  /** Deletes the model and its versions. @throws AppError RESOURCE_DOES_NOT_EXIST */
  deleteRegisteredModel(name: string, access?: Access): Promise<void>;
  setRegisteredModelTag(name: string, key: string, value: string, access?: Access): Promise<void>;
  deleteRegisteredModelTag(name: string, key: string, access?: Access): Promise<void>;
  /** @throws AppError INVALID_PARAMETER_VALUE for a bad filter, order_by, page token or max_results */
  searchRegisteredModels(options?: RegistrySearchOptions): Promise<Page<RegisteredModel>>;
  /**
   * The highest version in each of the given stages (default every stage that has one).
   * @throws AppError RESOURCE_DOES_NOT_EXIST; INVALID_PARAMETER_VALUE for an unknown stage
   */
  getLatestVersions(name: string, stages?: readonly string[], access?: Access): Promise<ModelVersion[]>;
  /** @throws AppError RESOURCE_DOES_NOT_EXIST when the model is missing */
  createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion>;
  /** @throws AppError RESOURCE_DOES_NOT_EXIST; INVALID_PARAMETER_VALUE for a version that is not a number */
  getModelVersion(name: string, version: string, access?: Access): Promise<ModelVersion>;
  updateModelVersion(
    name: string,
    version: string,
    description: string | null,
    access?: Access,
  ): Promise<ModelVersion>;
  /**
   * Moves a version to a stage. Production: the publish gate first, and the previous Production version is
   * archived whatever `archiveExistingVersions` says (fAIr's rule). Staging: others are archived only when asked.
   * @throws AppError INVALID_PARAMETER_VALUE for an unknown stage, for archiving with stage None/Archived, or when
   *   the gate refuses (naming the metric, its value and the threshold); RESOURCE_DOES_NOT_EXIST
   */
  transitionModelVersionStage(
    name: string,
    version: string,
    stage: string,
    options: { archiveExistingVersions: boolean },
    access?: Access,
  ): Promise<ModelVersion>;
  deleteModelVersion(name: string, version: string, access?: Access): Promise<void>;
  setModelVersionTag(
    name: string,
    version: string,
    key: string,
    value: string,
    access?: Access,
  ): Promise<void>;
  deleteModelVersionTag(name: string, version: string, key: string, access?: Access): Promise<void>;
  searchModelVersions(options?: RegistrySearchOptions): Promise<Page<ModelVersion>>;
  /** Where the version's files are (its `source`). */
  getModelVersionDownloadUri(name: string, version: string, access?: Access): Promise<string>;
  /** @throws AppError INVALID_PARAMETER_VALUE for a reserved or malformed alias; RESOURCE_DOES_NOT_EXIST */
  setRegisteredModelAlias(name: string, alias: string, version: string, access?: Access): Promise<void>;
  deleteRegisteredModelAlias(name: string, alias: string, access?: Access): Promise<void>;
  /** @throws AppError RESOURCE_DOES_NOT_EXIST naming the alias */
  getModelVersionByAlias(name: string, alias: string, access?: Access): Promise<ModelVersion>;
  /** Built-in base models, then imported ones by id. */
  listBaseModels(): Promise<BaseModel[]>;
  /** @throws AppError RESOURCE_DOES_NOT_EXIST listing the known ids */
  getBaseModel(id: string): Promise<BaseModel>;
  /**
   * Validates and stores a base-model STAC item.
   * @throws AppError INVALID_PARAMETER_VALUE with every error in `details.errors`; RESOURCE_ALREADY_EXISTS for a
   *   built-in id or an id imported with other content
   */
  importBaseModel(item: unknown): Promise<ImportedBaseModel>;
  /** Deletes an imported base model. @throws AppError RESOURCE_DOES_NOT_EXIST; INVALID_PARAMETER_VALUE for a built-in */
  deleteBaseModel(id: string): Promise<void>;
  /** Whether a base model can be finetuned on a dataset, with every reason why not. */
  checkCompatibility(baseModelId: string, dataset: DatasetFacts): Promise<Compatibility>;
}
