/**
 * @module registry/store — the registry store interface: primitives only (the stage rules, the publish gate and
 * the MLflow mapping live in the service); one implementation, `store.sql.ts`, on PostgreSQL's dialect.
 */
import type { FilterClause, OrderByClause } from '../tracking/index.ts';
import type {
  ModelVersion,
  ModelVersionFacts,
  Page,
  RegisteredModel,
  RegistryTag,
  Stage,
  Viewer,
} from './entities.ts';

/** A new registered model. */
export type NewRegisteredModel = {
  name: string;
  creation_timestamp: number;
  description: string | null;
  tags: RegistryTag[];
  owner_id: string | null;
  private: boolean;
};

/** A new model version; the store numbers it. */
export type NewModelVersion = {
  name: string;
  creation_timestamp: number;
  user_id: string | null;
  description: string | null;
  source: string;
  run_id: string | null;
  run_link: string | null;
  tags: RegistryTag[];
  fair: ModelVersionFacts;
};

/** A parsed, paged search; `viewer` hides other users' private models (absent: everything is visible). */
export type RegistrySearch = {
  filter: FilterClause[];
  orderBy: OrderByClause[];
  maxResults: number;
  pageToken?: string | undefined;
  viewer?: Viewer | undefined;
};

/** An imported base model as stored: its STAC item and the SHA-256 of its canonical JSON. */
export type StoredBaseModel = {
  id: string;
  item: Record<string, unknown>;
  digest: string;
  imported_at: number;
};

/**
 * Persistence of the registry. Methods that name a model or version throw AppError RESOURCE_DOES_NOT_EXIST (MLflow's
 * messages) when it is missing, except the `get*` methods, which return undefined. Implementations translate driver
 * errors into AppError, never reuse a version number within a model, and keep each alias on one existing version.
 */
export interface RegistryStore {
  /** @throws AppError RESOURCE_ALREADY_EXISTS when the name is taken */
  insertModel(model: NewRegisteredModel): Promise<void>;
  /** A model with its tags, aliases and latest version per stage, or undefined. */
  getModel(name: string): Promise<RegisteredModel | undefined>;
  /** Changes the description and/or privacy flag. */
  updateModel(
    name: string,
    update: { description?: string | null; private?: boolean },
    time: number,
  ): Promise<void>;
  /** Renames a model (its versions follow). @throws AppError RESOURCE_ALREADY_EXISTS when `newName` is taken */
  renameModel(name: string, newName: string, time: number): Promise<void>;
  /** Deletes a model with its versions, tags and aliases. */
  deleteModel(name: string): Promise<void>;
  /** Sets (inserts or replaces) a model tag. */
  setModelTag(name: string, tag: RegistryTag, time: number): Promise<void>;
  /** Deletes a model tag (no-op when absent). */
  deleteModelTag(name: string, key: string, time: number): Promise<void>;
  /** A page of models. @throws AppError INVALID_PARAMETER_VALUE for a bad page token */
  searchModels(search: RegistrySearch): Promise<Page<RegisteredModel>>;
  /** Records the next version of a model (1 for the first) and touches the model. */
  insertVersion(version: NewModelVersion): Promise<ModelVersion>;
  /** A version with its tags and aliases, or undefined (also when the model is missing). */
  getVersion(name: string, version: number): Promise<ModelVersion | undefined>;
  /** Changes a version's description. */
  updateVersion(name: string, version: number, description: string | null, time: number): Promise<void>;
  /**
   * Moves a version to a stage in one transaction; with `archiveOthers`, the model's other versions in that stage
   * move to Archived first.
   * @returns the moved version
   */
  transitionStage(
    name: string,
    version: number,
    stage: Stage,
    archiveOthers: boolean,
    time: number,
  ): Promise<ModelVersion>;
  /** Deletes a version with its tags and the aliases pointing at it. */
  deleteVersion(name: string, version: number): Promise<void>;
  /** Sets (inserts or replaces) a version tag. */
  setVersionTag(name: string, version: number, tag: RegistryTag, time: number): Promise<void>;
  /** Deletes a version tag (no-op when absent). */
  deleteVersionTag(name: string, version: number, key: string, time: number): Promise<void>;
  /** Points an alias at a version (replacing where it pointed). */
  setAlias(name: string, alias: string, version: number, time: number): Promise<void>;
  /** Deletes an alias (no-op when absent). */
  deleteAlias(name: string, alias: string, time: number): Promise<void>;
  /** The version an alias points at, or undefined (also when the model is missing). */
  getVersionByAlias(name: string, alias: string): Promise<ModelVersion | undefined>;
  /** A page of versions. @throws AppError INVALID_PARAMETER_VALUE for a bad page token */
  searchVersions(search: RegistrySearch): Promise<Page<ModelVersion>>;
  /**
   * Stores an imported base model. The same id and digest again is a no-op (`false`).
   * @returns true when stored, false when the identical item was already there
   * @throws AppError RESOURCE_ALREADY_EXISTS when the id holds another item
   */
  insertBaseModel(model: StoredBaseModel): Promise<boolean>;
  /** An imported base model, or undefined. */
  getBaseModel(id: string): Promise<StoredBaseModel | undefined>;
  /** Every imported base model, by id. */
  listBaseModels(): Promise<StoredBaseModel[]>;
  /** Deletes an imported base model; false when there was none. */
  deleteBaseModel(id: string): Promise<boolean>;
}
