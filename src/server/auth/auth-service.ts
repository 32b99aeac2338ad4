/**
 * @module server/auth/auth-service — who a request acts as: personal API tokens (`Authorization: Bearer`), session
 * cookies from an OAuth2 + PKCE login, or, in single-user mode, always the local admin.
 */
import type { Database } from '../../db/index.ts';
import { AppError, invalid } from '../../shared/index.ts';
import type { Config } from '../../shared/index.ts';
import { AuthStore } from './auth-store.ts';
import { authorizeUrl, exchangeCode, fetchProviderUser } from './oauth-client.ts';
import { TOKEN_PREFIX, newSecret, sha256Hex } from './secrets.ts';
import type { ApiTokenInfo, User } from './user.ts';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'fair_session';

/** How long a login session lasts. */
export const SESSION_SECONDS = 30 * 24 * 3600;

/** A pending OAuth2 login lasts this long. */
const LOGIN_STATE_MS = 10 * 60 * 1000;

/** `single-user`: every request is the local admin (loopback only); `multi-user`: tokens and logins. */
export type AuthMode = 'single-user' | 'multi-user';

/** The credentials a request carries. */
export type Credentials = { authorization?: string | undefined; cookie?: string | undefined };

/** Authentication and the user-facing operations on users, tokens and sessions. */
export interface AuthService {
  readonly mode: AuthMode;
  /** The ownership table (`setOwner`, `accessOf`) resource routes use. */
  readonly store: AuthStore;
  /**
   * The user a request acts as, or null when it carries no credentials.
   * @throws AppError UNAUTHENTICATED for an unknown or revoked token or a malformed Authorization header
   */
  authenticate(credentials: Credentials): Promise<User | null>;
  /**
   * Creates a personal API token; the returned `token` is shown once and only its SHA-256 is stored.
   * @throws AppError INVALID_PARAMETER_VALUE for an empty or over-long name
   */
  createToken(user: User, name: string): Promise<{ token: string; info: ApiTokenInfo }>;
  /** The user's tokens, newest first. */
  listTokens(user: User): Promise<ApiTokenInfo[]>;
  /** @throws AppError RESOURCE_DOES_NOT_EXIST when the user has no such token */
  revokeToken(user: User, tokenId: string): Promise<void>;
  /** Starts a login session; the returned value goes in the session cookie. */
  createSession(user: User): Promise<string>;
  /** Ends the session of a cookie header (no-op without one). */
  endSession(cookieHeader: string | undefined): Promise<void>;
  /**
   * Starts an OAuth2 login: records state and PKCE verifier, returns the provider URL to redirect to.
   * @param returnTo - a path on this server to go to after the login (default `/`)
   * @throws AppError NOT_IMPLEMENTED when login is not configured; INVALID_PARAMETER_VALUE for a returnTo that is
   *   not a local path
   */
  beginLogin(returnTo: string | undefined): Promise<string>;
  /**
   * Finishes an OAuth2 login: checks the state, exchanges the code with the verifier, fetches the user and records it.
   * @throws AppError UNAUTHENTICATED for an unknown, used or expired state or a refused code; UPSTREAM_FAILURE when
   *   the provider fails
   */
  finishLogin(code: string, state: string): Promise<{ user: User; returnTo: string }>;
}

/** What `createAuthService` needs. */
export type AuthServiceOptions = {
  /** A database migrated with `serverMigrations`. */
  db: Database;
  /** OAuth2 provider (`config.oauth`) and admin list (`config.adminUsers`). */
  config: Pick<Config, 'oauth' | 'adminUsers'>;
  mode: AuthMode;
  /** Public URL of the server (no trailing slash): the redirect URI is `<publicUrl>/api/auth/callback`. */
  publicUrl: () => string;
};

/**
 * Creates the auth service; in single-user mode it records the local admin user.
 * @param options - database, configuration, mode and public URL
 * @returns the service
 */
export async function createAuthService(options: AuthServiceOptions): Promise<AuthService> {
  const store = new AuthStore(options.db);
  const { oauth, adminUsers } = options.config;
  const provider = providerName(oauth.authorizeUrl);
  const redirectUri = (): string => `${options.publicUrl()}/api/auth/callback`;
  const localAdmin =
    options.mode === 'single-user'
      ? await store.upsertUser({ provider: 'local', providerUserId: 'local', name: 'local', admin: true })
      : undefined;
  const isAdmin = (id: string): boolean =>
    adminUsers.includes(`${provider}:${id}`) || adminUsers.includes(id);
  return {
    mode: options.mode,
    store,
    async authenticate(credentials) {
      if (localAdmin !== undefined) return localAdmin;
      if (credentials.authorization !== undefined) {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(credentials.authorization);
        if (match === null)
          throw new AppError('UNAUTHENTICATED', 'Authorization header must be `Bearer <token>`');
        const user = await store.userOfToken(sha256Hex(match[1] as string));
        if (user === undefined) throw new AppError('UNAUTHENTICATED', 'API token is unknown or revoked');
        return user;
      }
      const session = cookieValue(credentials.cookie, SESSION_COOKIE);
      return session === undefined ? null : ((await store.userOfSession(sha256Hex(session))) ?? null);
    },
    async createToken(user, name) {
      const trimmed = name.trim();
      if (trimmed === '' || trimmed.length > 100) invalid('token name must have 1 to 100 characters');
      const token = newSecret(TOKEN_PREFIX);
      const info = await store.insertToken(user.id, trimmed, sha256Hex(token));
      return { token, info };
    },
    listTokens: (user) => store.listTokens(user.id),
    revokeToken: (user, tokenId) => store.revokeToken(user.id, tokenId),
    async createSession(user) {
      const value = newSecret();
      await store.insertSession(sha256Hex(value), user.id, new Date(Date.now() + SESSION_SECONDS * 1000));
      return value;
    },
    async endSession(cookieHeader) {
      const session = cookieValue(cookieHeader, SESSION_COOKIE);
      if (session !== undefined) await store.deleteSession(sha256Hex(session));
    },
    async beginLogin(returnTo) {
      const target = localPath(returnTo);
      const state = newSecret();
      const verifier = newSecret();
      const url = authorizeUrl(oauth, redirectUri(), state, verifier);
      await store.insertLoginState(state, verifier, target);
      return url;
    },
    async finishLogin(code, state) {
      const pending = await store.takeLoginState(state);
      if (pending === undefined || Date.now() - pending.createdAt.getTime() > LOGIN_STATE_MS)
        throw new AppError(
          'UNAUTHENTICATED',
          'login state is unknown, used or expired: start the login again',
        );
      const accessToken = await exchangeCode(oauth, redirectUri(), code, pending.codeVerifier);
      const who = await fetchProviderUser(oauth, accessToken);
      const user = await store.upsertUser({
        provider,
        providerUserId: who.id,
        name: who.name,
        admin: isAdmin(who.id),
      });
      return { user, returnTo: pending.returnTo };
    },
  };
}

/**
 * Short name of a provider for user records and FAIR_ADMIN_USERS: `osm` for openstreetmap.org, else its host.
 * @param authorizeUrlText - the provider's authorization URL
 */
export function providerName(authorizeUrlText: string): string {
  const host = new URL(authorizeUrlText).host;
  return /(^|\.)openstreetmap\.org$/.test(host) ? 'osm' : host;
}

/**
 * The value of one cookie in a Cookie header.
 * @param header - the Cookie header
 * @param name - the cookie name
 * @returns the value, or undefined when absent
 */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A returnTo that stays on this server: a path starting with one `/`. */
function localPath(returnTo: string | undefined): string {
  if (returnTo === undefined || returnTo === '') return '/';
  if (!returnTo.startsWith('/') || returnTo.startsWith('//') || returnTo.includes('\\'))
    invalid(`return_to must be a path on this server, got ${JSON.stringify(returnTo)}`);
  return returnTo;
}
