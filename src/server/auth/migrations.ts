/** @module server/auth/migrations — the tables of users, API tokens, sessions, login states and resource owners (domain `server`). */
import type { Migration } from '../../db/index.ts';

const tables = `
CREATE TABLE server_users (
  id text PRIMARY KEY,
  provider text NOT NULL,
  provider_user_id text NOT NULL,
  name text NOT NULL,
  is_admin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (provider, provider_user_id)
);
CREATE TABLE server_api_tokens (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES server_users (id) ON DELETE CASCADE,
  name text NOT NULL,
  token_sha256 text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX server_api_tokens_user ON server_api_tokens (user_id);
CREATE TABLE server_sessions (
  session_sha256 text PRIMARY KEY,
  user_id text NOT NULL REFERENCES server_users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  expires_at timestamptz NOT NULL
);
CREATE TABLE server_login_states (
  state text PRIMARY KEY,
  code_verifier text NOT NULL,
  return_to text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE server_resource_owners (
  kind text NOT NULL,
  resource_id text NOT NULL,
  owner_id text REFERENCES server_users (id) ON DELETE SET NULL,
  private boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (kind, resource_id)
);
`;

/** Migrations of the `server` domain; never edit an applied one, add another. */
export const serverMigrations: readonly Migration[] = [{ id: '001-users-tokens-sessions', sql: tables }];
