/** @module registry/migrations — the registry tables (domain `registry`); never edit an applied one, add another. */
import type { Migration } from '../db/index.ts';

const tables = `
CREATE TABLE registry_models (
  model_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE,
  creation_timestamp bigint NOT NULL,
  last_updated_timestamp bigint NOT NULL,
  description text,
  owner_id text,
  private boolean NOT NULL DEFAULT false,
  next_version integer NOT NULL DEFAULT 1
);
CREATE TABLE registry_model_tags (
  model_id bigint NOT NULL REFERENCES registry_models (model_id) ON DELETE CASCADE,
  key text NOT NULL,
  value text NOT NULL,
  PRIMARY KEY (model_id, key)
);
CREATE TABLE registry_versions (
  model_id bigint NOT NULL REFERENCES registry_models (model_id) ON DELETE CASCADE,
  version integer NOT NULL,
  creation_timestamp bigint NOT NULL,
  last_updated_timestamp bigint NOT NULL,
  user_id text,
  current_stage text NOT NULL DEFAULT 'None'
    CHECK (current_stage IN ('None', 'Staging', 'Production', 'Archived')),
  description text,
  source text NOT NULL,
  run_id text,
  run_link text,
  status text NOT NULL DEFAULT 'READY',
  execution_id text,
  node_id text,
  dataset_uri text,
  dataset_id text,
  base_model_id text,
  metrics jsonb NOT NULL DEFAULT '{}',
  artifacts jsonb NOT NULL DEFAULT '{}',
  training jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (model_id, version)
);
CREATE INDEX registry_versions_by_run ON registry_versions (run_id);
CREATE INDEX registry_versions_by_execution ON registry_versions (execution_id);
CREATE TABLE registry_version_tags (
  model_id bigint NOT NULL,
  version integer NOT NULL,
  key text NOT NULL,
  value text NOT NULL,
  PRIMARY KEY (model_id, version, key),
  FOREIGN KEY (model_id, version) REFERENCES registry_versions (model_id, version) ON DELETE CASCADE
);
CREATE TABLE registry_aliases (
  model_id bigint NOT NULL,
  alias text NOT NULL,
  version integer NOT NULL,
  PRIMARY KEY (model_id, alias),
  FOREIGN KEY (model_id, version) REFERENCES registry_versions (model_id, version) ON DELETE CASCADE
);
CREATE TABLE registry_base_models (
  id text PRIMARY KEY,
  item jsonb NOT NULL,
  digest text NOT NULL,
  imported_at bigint NOT NULL
);
`;

/** Every migration of the `registry` domain, in order. */
export const registryMigrations: readonly Migration[] = [{ id: '0001-registry', sql: tables }];
