/** @module workflows/control-plane/migrations — the workflow tables (domain `workflows`); never edit an applied one. */
import type { Migration } from '../../db/index.ts';

const tables = `
CREATE TABLE task_definitions (
  name text NOT NULL,
  version text NOT NULL,
  digest text NOT NULL,
  spec jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (name, version)
);
CREATE TABLE workflow_definitions (
  name text NOT NULL,
  version text NOT NULL,
  digest text NOT NULL,
  spec jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (name, version)
);
CREATE TABLE executions (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  workflow_name text NOT NULL,
  workflow_version text NOT NULL,
  phase text NOT NULL,
  inputs jsonb NOT NULL,
  outputs jsonb,
  error text,
  relaunch_of text REFERENCES executions (id),
  resumed boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  started_at timestamptz,
  ended_at timestamptz,
  FOREIGN KEY (workflow_name, workflow_version) REFERENCES workflow_definitions (name, version)
);
CREATE INDEX executions_by_workflow ON executions (workflow_name, seq);
CREATE INDEX executions_by_phase ON executions (phase, seq);
CREATE TABLE node_executions (
  execution_id text NOT NULL REFERENCES executions (id),
  node_id text NOT NULL,
  task text NOT NULL,
  phase text NOT NULL,
  cached boolean NOT NULL DEFAULT false,
  reused_from text,
  inputs jsonb,
  outputs jsonb,
  error text,
  attempts integer NOT NULL DEFAULT 0,
  failures integer NOT NULL DEFAULT 0,
  lost integer NOT NULL DEFAULT 0,
  started_at timestamptz,
  ended_at timestamptz,
  PRIMARY KEY (execution_id, node_id)
);
CREATE TABLE task_attempts (
  id text PRIMARY KEY,
  execution_id text NOT NULL,
  node_id text NOT NULL,
  attempt integer NOT NULL,
  task text NOT NULL,
  inputs jsonb NOT NULL,
  timeout_ms bigint NOT NULL,
  phase text NOT NULL,
  worker_id text,
  stop_requested boolean NOT NULL DEFAULT false,
  not_before timestamptz NOT NULL,
  lease_expires_at timestamptz,
  queued_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  started_at timestamptz,
  ended_at timestamptz,
  error text,
  outputs jsonb,
  UNIQUE (execution_id, node_id, attempt),
  FOREIGN KEY (execution_id, node_id) REFERENCES node_executions (execution_id, node_id)
);
CREATE INDEX task_attempts_queue ON task_attempts (not_before) WHERE phase = 'QUEUED';
CREATE INDEX task_attempts_leases ON task_attempts (lease_expires_at) WHERE phase = 'RUNNING';
CREATE TABLE task_logs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  execution_id text NOT NULL,
  node_id text NOT NULL,
  attempt integer NOT NULL,
  line text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX task_logs_by_execution ON task_logs (execution_id, id);
CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  execution_id text NOT NULL,
  node_id text,
  type text NOT NULL,
  data jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX events_by_execution ON events (execution_id, id);
CREATE TABLE cache_entries (
  cache_key text PRIMARY KEY,
  task text NOT NULL,
  outputs jsonb NOT NULL,
  execution_id text NOT NULL,
  node_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE artifacts (
  uri text NOT NULL,
  execution_id text NOT NULL,
  node_id text NOT NULL,
  output text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (uri, execution_id, node_id)
);
CREATE TABLE model_versions (
  name text NOT NULL,
  version integer NOT NULL,
  record jsonb NOT NULL,
  execution_id text NOT NULL,
  node_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (name, version)
);
`;

// NOTIFY from triggers, so every path that queues work or writes an event wakes listeners; PostgreSQL folds
// identical notifications of one transaction into one.
const notifications = `
CREATE FUNCTION fair_notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('fair_events', NEW.execution_id);
  RETURN NULL;
END $$;
CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION fair_notify_events();
CREATE FUNCTION fair_notify_work() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('fair_work', '');
  RETURN NULL;
END $$;
CREATE TRIGGER task_attempts_notify AFTER INSERT ON task_attempts FOR EACH STATEMENT EXECUTE FUNCTION fair_notify_work();
`;

/** Every migration of the `workflows` domain, in order. */
export const workflowMigrations: readonly Migration[] = [
  { id: '0001-workflow-tables', sql: tables },
  { id: '0002-workflow-notifications', sql: notifications },
];
