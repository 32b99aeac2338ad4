/**
 * @module server/resources/migrations — the tables of fAIr's API resources (domain `server-resources`): datasets with
 * their AOIs, label sets and OSM label jobs, trainings, predictions and feedback. Every row carries its owner and
 * privacy; `seq` orders lists (keyset paging, newest first).
 */
import type { Migration } from '../../db/index.ts';

const tables = `
CREATE TABLE resource_datasets (
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id text PRIMARY KEY,
  name text NOT NULL,
  description text NOT NULL DEFAULT '',
  imagery text NOT NULL,
  zooms jsonb NOT NULL,
  mask_kind text NOT NULL,
  chip_size integer NOT NULL,
  label_offset jsonb NOT NULL,
  owner_id text,
  private boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE resource_dataset_aois (
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id text PRIMARY KEY,
  dataset_id text NOT NULL REFERENCES resource_datasets (id) ON DELETE CASCADE,
  geometry jsonb NOT NULL,
  area_km2 double precision NOT NULL,
  bbox jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX resource_dataset_aois_dataset ON resource_dataset_aois (dataset_id, seq);
CREATE TABLE resource_label_sets (
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id text PRIMARY KEY,
  dataset_id text NOT NULL REFERENCES resource_datasets (id) ON DELETE CASCADE,
  source text NOT NULL,
  uri text NOT NULL,
  features integer NOT NULL,
  repairs integer NOT NULL DEFAULT 0,
  skipped integer NOT NULL DEFAULT 0,
  aoi_id text,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX resource_label_sets_dataset ON resource_label_sets (dataset_id, seq);
CREATE TABLE resource_label_jobs (
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id text PRIMARY KEY,
  dataset_id text NOT NULL REFERENCES resource_datasets (id) ON DELETE CASCADE,
  aoi_id text,
  status text NOT NULL,
  error text,
  label_set_id text,
  owner_id text,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  ended_at timestamptz
);
CREATE INDEX resource_label_jobs_dataset ON resource_label_jobs (dataset_id, seq);
CREATE TABLE resource_trainings (
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id text PRIMARY KEY,
  dataset_id text NOT NULL,
  execution_id text NOT NULL UNIQUE,
  model_name text NOT NULL,
  base_model text NOT NULL,
  params jsonb NOT NULL,
  phase text NOT NULL,
  run_id text,
  experiment_id text,
  model_version integer,
  metrics jsonb,
  stac_item_id text,
  followed boolean NOT NULL DEFAULT false,
  owner_id text,
  private boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX resource_trainings_dataset ON resource_trainings (dataset_id, seq);
CREATE INDEX resource_trainings_unfollowed ON resource_trainings (seq) WHERE NOT followed;
CREATE TABLE resource_predictions (
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id text PRIMARY KEY,
  mode text NOT NULL,
  model_name text NOT NULL,
  model_version integer NOT NULL,
  dataset_id text,
  execution_id text UNIQUE,
  status text NOT NULL,
  imagery text NOT NULL,
  area jsonb NOT NULL,
  config jsonb NOT NULL,
  features integer,
  result_uri text,
  error text,
  owner_id text,
  private boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  ended_at timestamptz
);
CREATE INDEX resource_predictions_model ON resource_predictions (model_name, model_version, seq);
CREATE TABLE resource_feedback (
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id text PRIMARY KEY,
  prediction_id text NOT NULL REFERENCES resource_predictions (id) ON DELETE CASCADE,
  feature_id text NOT NULL,
  verdict text NOT NULL,
  geometry jsonb,
  comment text NOT NULL DEFAULT '',
  model_name text NOT NULL,
  model_version integer NOT NULL,
  dataset_id text,
  config jsonb NOT NULL,
  owner_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (prediction_id, feature_id, owner_id)
);
CREATE INDEX resource_feedback_model ON resource_feedback (model_name, model_version, seq);
CREATE INDEX resource_feedback_dataset ON resource_feedback (dataset_id, seq);
`;

/** Domain name of the resources' migrations. */
export const RESOURCES_DOMAIN = 'server-resources';

/** Migrations of the `server-resources` domain; never edit an applied one, add another. */
export const resourceMigrations: readonly Migration[] = [{ id: '001-resources', sql: tables }];
