/**
 * @module server/auth/auth-store — SQL of the auth tables: users, hashed API tokens, hashed sessions, pending OAuth2
 * logins and resource owners, on the `Database` of `db/` (PGlite or PostgreSQL).
 */
import { randomUUID } from 'node:crypto';
import type { SqlClient } from '../../db/index.ts';
import { AppError } from '../../shared/index.ts';
import type { ApiTokenInfo, ResourceAccess, User } from './user.ts';

type UserRow = {
  id: string;
  provider: string;
  provider_user_id: string;
  name: string;
  is_admin: boolean;
  created_at: Date;
};

type TokenRow = {
  id: string;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
};

const userColumns = 'u.id, u.provider, u.provider_user_id, u.name, u.is_admin, u.created_at';

function userOf(row: UserRow): User {
  return {
    id: row.id,
    provider: row.provider,
    providerUserId: row.provider_user_id,
    name: row.name,
    admin: row.is_admin,
    createdAt: row.created_at,
  };
}

function tokenOf(row: TokenRow): ApiTokenInfo {
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** Identity of a user at a provider, with the name and admin flag to record. */
export type UserIdentity = { provider: string; providerUserId: string; name: string; admin: boolean };

/** A pending OAuth2 login: its PKCE verifier and where to go afterwards. */
export type LoginState = { codeVerifier: string; returnTo: string; createdAt: Date };

/** The auth tables. Every method is one statement (or one small transaction) on the given client. */
export class AuthStore {
  readonly #db: SqlClient;

  /** @param db - a database migrated with `serverMigrations` */
  constructor(db: SqlClient) {
    this.#db = db;
  }

  /**
   * Creates the user or updates its name (and raises it to admin when `admin` is true; never lowers it).
   * @returns the user
   */
  async upsertUser(identity: UserIdentity): Promise<User> {
    const rows = await this.#db.query<UserRow>(
      `INSERT INTO server_users AS u (id, provider, provider_user_id, name, is_admin) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (provider, provider_user_id)
       DO UPDATE SET name = EXCLUDED.name, is_admin = u.is_admin OR EXCLUDED.is_admin
       RETURNING ${userColumns}`,
      [randomUUID(), identity.provider, identity.providerUserId, identity.name, identity.admin],
    );
    return userOf(rows[0] as UserRow);
  }

  /** A user by id, or undefined. */
  async getUser(id: string): Promise<User | undefined> {
    const rows = await this.#db.query<UserRow>(`SELECT ${userColumns} FROM server_users u WHERE u.id = $1`, [
      id,
    ]);
    return rows[0] === undefined ? undefined : userOf(rows[0]);
  }

  /** Stores a token's hash for a user and returns its metadata. */
  async insertToken(userId: string, name: string, tokenSha256: string): Promise<ApiTokenInfo> {
    const rows = await this.#db.query<TokenRow>(
      `INSERT INTO server_api_tokens (id, user_id, name, token_sha256) VALUES ($1, $2, $3, $4)
       RETURNING id, name, created_at, last_used_at, revoked_at`,
      [randomUUID(), userId, name, tokenSha256],
    );
    return tokenOf(rows[0] as TokenRow);
  }

  /** A user's tokens, newest first (revoked ones included, marked). */
  async listTokens(userId: string): Promise<ApiTokenInfo[]> {
    const rows = await this.#db.query<TokenRow>(
      `SELECT id, name, created_at, last_used_at, revoked_at FROM server_api_tokens
       WHERE user_id = $1 ORDER BY created_at DESC, id`,
      [userId],
    );
    return rows.map(tokenOf);
  }

  /**
   * Revokes one of a user's tokens (revoking a revoked token is a no-op).
   * @throws AppError RESOURCE_DOES_NOT_EXIST when the user has no token with this id
   */
  async revokeToken(userId: string, tokenId: string): Promise<void> {
    const rows = await this.#db.query(
      `UPDATE server_api_tokens SET revoked_at = coalesce(revoked_at, clock_timestamp())
       WHERE id = $1 AND user_id = $2 RETURNING id`,
      [tokenId, userId],
    );
    if (rows.length === 0)
      throw new AppError('RESOURCE_DOES_NOT_EXIST', `API token ${tokenId} does not exist`);
  }

  /** The user of an unrevoked token hash (and marks the token used, at most once a minute), or undefined. */
  async userOfToken(tokenSha256: string): Promise<User | undefined> {
    const rows = await this.#db.query<UserRow & { token_id: string; last_used_at: Date | null }>(
      `SELECT ${userColumns}, t.id AS token_id, t.last_used_at FROM server_api_tokens t
       JOIN server_users u ON u.id = t.user_id WHERE t.token_sha256 = $1 AND t.revoked_at IS NULL`,
      [tokenSha256],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    if (row.last_used_at === null || Date.now() - row.last_used_at.getTime() > 60_000)
      await this.#db.query('UPDATE server_api_tokens SET last_used_at = clock_timestamp() WHERE id = $1', [
        row.token_id,
      ]);
    return userOf(row);
  }

  /** Stores a session's hash for a user until `expiresAt`. */
  async insertSession(sessionSha256: string, userId: string, expiresAt: Date): Promise<void> {
    await this.#db.query(
      'INSERT INTO server_sessions (session_sha256, user_id, expires_at) VALUES ($1, $2, $3)',
      [sessionSha256, userId, expiresAt],
    );
  }

  /** The user of an unexpired session hash, or undefined. */
  async userOfSession(sessionSha256: string): Promise<User | undefined> {
    const rows = await this.#db.query<UserRow>(
      `SELECT ${userColumns} FROM server_sessions s JOIN server_users u ON u.id = s.user_id
       WHERE s.session_sha256 = $1 AND s.expires_at > clock_timestamp()`,
      [sessionSha256],
    );
    return rows[0] === undefined ? undefined : userOf(rows[0]);
  }

  /** Deletes a session (a missing one is not an error). */
  async deleteSession(sessionSha256: string): Promise<void> {
    await this.#db.query('DELETE FROM server_sessions WHERE session_sha256 = $1', [sessionSha256]);
  }

  /** Records a pending login; also drops pending logins older than an hour. */
  async insertLoginState(state: string, codeVerifier: string, returnTo: string): Promise<void> {
    await this.#db.query(
      `DELETE FROM server_login_states WHERE created_at < clock_timestamp() - interval '1 hour'`,
    );
    await this.#db.query(
      'INSERT INTO server_login_states (state, code_verifier, return_to) VALUES ($1, $2, $3)',
      [state, codeVerifier, returnTo],
    );
  }

  /** Takes (reads and deletes) a pending login, or undefined when unknown or already used. */
  async takeLoginState(state: string): Promise<LoginState | undefined> {
    const rows = await this.#db.query<{ code_verifier: string; return_to: string; created_at: Date }>(
      'DELETE FROM server_login_states WHERE state = $1 RETURNING code_verifier, return_to, created_at',
      [state],
    );
    const row = rows[0];
    return row === undefined
      ? undefined
      : { codeVerifier: row.code_verifier, returnTo: row.return_to, createdAt: row.created_at };
  }

  /** Records who owns a resource (`kind` e.g. `execution`) and whether it is private. */
  async setOwner(
    kind: string,
    resourceId: string,
    ownerId: string | null,
    isPrivate: boolean,
  ): Promise<void> {
    await this.#db.query(
      `INSERT INTO server_resource_owners (kind, resource_id, owner_id, private) VALUES ($1, $2, $3, $4)
       ON CONFLICT (kind, resource_id) DO UPDATE SET owner_id = EXCLUDED.owner_id, private = EXCLUDED.private`,
      [kind, resourceId, ownerId, isPrivate],
    );
  }

  /** Owner and visibility of a resource; resources never recorded are public and owned by nobody. */
  async accessOf(kind: string, resourceId: string): Promise<ResourceAccess> {
    const rows = await this.#db.query<{ owner_id: string | null; private: boolean }>(
      'SELECT owner_id, private FROM server_resource_owners WHERE kind = $1 AND resource_id = $2',
      [kind, resourceId],
    );
    const row = rows[0];
    return row === undefined
      ? { ownerId: null, private: false }
      : { ownerId: row.owner_id, private: row.private };
  }

  /** Owners and visibility of several resources of one kind (missing ones are left out). */
  async accessOfMany(kind: string, resourceIds: readonly string[]): Promise<Map<string, ResourceAccess>> {
    if (resourceIds.length === 0) return new Map();
    const rows = await this.#db.query<{ resource_id: string; owner_id: string | null; private: boolean }>(
      `SELECT resource_id, owner_id, private FROM server_resource_owners
       WHERE kind = $1 AND resource_id = ANY($2::text[])`,
      [kind, resourceIds],
    );
    return new Map(rows.map((r) => [r.resource_id, { ownerId: r.owner_id, private: r.private }]));
  }
}
