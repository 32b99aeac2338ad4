/**
 * @module registry/entities — registered models, model versions, tags and aliases, named exactly as MLflow's
 * `model_registry.proto` messages (snake_case, times in ms since the epoch, versions as decimal strings), plus the
 * fAIr facts kept beside them (owner, privacy, workflow execution, dataset, base model, metrics, artifacts).
 */

/** The stages of a model version, in their canonical spelling. */
export const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;

/** A model version's stage (`current_stage`). */
export type Stage = (typeof STAGES)[number];

/** Stages that `archive_existing_versions` applies to (MLflow's "active" stages). */
export const ACTIVE_STAGES: readonly Stage[] = ['Staging', 'Production'];

/** `ModelVersionStatus`: fAIr registers versions synchronously, so every version is `READY`. */
export type ModelVersionStatus = 'READY';

/** `RegisteredModelTag` / `ModelVersionTag`. */
export type RegistryTag = { key: string; value: string };

/** `RegisteredModelAlias`: an alias and the version (decimal string) it points to. */
export type RegisteredModelAlias = { alias: string; version: string };

/** What fAIr records about a model version beside MLflow's fields. */
export type ModelVersionFacts = {
  /** Workflow execution that produced the version, or null (created through the MLflow API). */
  execution_id: string | null;
  /** Node of that execution (`register`), or null. */
  node_id: string | null;
  /** URI of the training dataset folder, or null. */
  dataset_uri: string | null;
  /** fAIr dataset id, or null. */
  dataset_id: string | null;
  /** Base model id (`unet-s`, an imported base model's id), or null. */
  base_model_id: string | null;
  /** Evaluation metrics (`object_f1`, `pixel_iou`, …). */
  metrics: Record<string, number>;
  /** Blob URIs of the version's files by name (`model.onnx`, `model.json`, `checkpoint`, `model_dir`, …). */
  artifacts: Record<string, string>;
  /** Training settings and outcome, as the training workflow reports them. */
  training: Record<string, unknown>;
};

/** `ModelVersion`, with fAIr's facts under `fair`. Unset optional proto fields are null. */
export type ModelVersion = {
  name: string;
  /** Version number as a decimal string (`"1"`, `"2"`, …), never reused within a model. */
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id: string | null;
  current_stage: Stage;
  description: string | null;
  source: string;
  run_id: string | null;
  run_link: string | null;
  status: ModelVersionStatus;
  tags: RegistryTag[];
  /** Aliases pointing at this version, sorted. */
  aliases: string[];
  fair: ModelVersionFacts;
};

/** What fAIr records about a registered model beside MLflow's fields. */
export type RegisteredModelFacts = {
  /** The owner's user id, or null (created anonymously, e.g. single-user mode). */
  owner_id: string | null;
  /** Private models are visible only to their owner and admins. */
  private: boolean;
};

/** `RegisteredModel`, with fAIr's facts under `fair`. */
export type RegisteredModel = {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  description: string | null;
  /** The highest version of each stage that has one (MLflow: "latest version per stage"), by stage order. */
  latest_versions: ModelVersion[];
  tags: RegistryTag[];
  /** Aliases, sorted by alias. */
  aliases: RegisteredModelAlias[];
  fair: RegisteredModelFacts;
};

/** Who is looking: private models of others are hidden unless `admin`. */
export type { Viewer } from '../shared/index.ts';

/** One page of a search; `nextPageToken` is undefined on the last page. */
export type Page<T> = { items: T[]; nextPageToken: string | undefined };
