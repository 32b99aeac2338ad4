/**
 * @module server/auth/oauth-client — the client side of an OAuth2 authorization code flow with PKCE (RFC 6749,
 * RFC 7636, S256): the authorize URL, the code exchange and the user info request. OpenStreetMap by default.
 */
import { AppError } from '../../shared/index.ts';
import type { OAuthConfig } from '../../shared/index.ts';
import { codeChallengeOf } from './secrets.ts';

/** What the provider says about the user who logged in. */
export type ProviderUser = { id: string; name: string };

/** Slowest answer accepted from the provider. */
const PROVIDER_TIMEOUT_MS = 15_000;

/**
 * The URL to send the browser to.
 * @param oauth - provider and client
 * @param redirectUri - this server's callback URL
 * @param state - the login's random state
 * @param codeVerifier - the login's PKCE verifier (only its S256 challenge is sent)
 * @returns the authorize URL with response_type, client_id, redirect_uri, scope, state and code_challenge
 * @throws AppError NOT_IMPLEMENTED when no client id is configured
 */
export function authorizeUrl(
  oauth: OAuthConfig,
  redirectUri: string,
  state: string,
  codeVerifier: string,
): string {
  const url = new URL(oauth.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', clientIdOf(oauth));
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('scope', oauth.scope);
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', codeChallengeOf(codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/**
 * Exchanges an authorization code (with its PKCE verifier) for an access token.
 * @returns the access token
 * @throws AppError UNAUTHENTICATED when the provider refuses the code; UPSTREAM_FAILURE when it fails or answers
 *   without a token
 */
export async function exchangeCode(
  oauth: OAuthConfig,
  redirectUri: string,
  code: string,
  codeVerifier: string,
): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    client_id: clientIdOf(oauth),
    code_verifier: codeVerifier,
  });
  if (oauth.clientSecret !== undefined) form.set('client_secret', oauth.clientSecret);
  const response = await providerFetch(oauth.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form.toString(),
  });
  const body = await jsonOf(response, oauth.tokenUrl);
  if (response.status === 400 || response.status === 401)
    throw new AppError(
      'UNAUTHENTICATED',
      `the login provider refused the authorization code: ${describe(body)}`,
    );
  if (!response.ok) upstream(oauth.tokenUrl, `HTTP ${response.status}`);
  const token = (body as { access_token?: unknown }).access_token;
  if (typeof token !== 'string' || token === '') upstream(oauth.tokenUrl, 'no access_token in its answer');
  return token;
}

/**
 * Fetches the logged-in user: OpenStreetMap's `{user: {id, display_name}}`, or OpenID Connect's `{sub, name}`.
 * @returns the provider's user id and name
 * @throws AppError UPSTREAM_FAILURE when the request fails or the answer names no user
 */
export async function fetchProviderUser(oauth: OAuthConfig, accessToken: string): Promise<ProviderUser> {
  const response = await providerFetch(oauth.userInfoUrl, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });
  if (!response.ok) upstream(oauth.userInfoUrl, `HTTP ${response.status}`);
  const body = (await jsonOf(response, oauth.userInfoUrl)) as Record<string, unknown>;
  const osm = body['user'] as Record<string, unknown> | undefined;
  const id = osm?.['id'] ?? body['sub'] ?? body['id'];
  const name = osm?.['display_name'] ?? body['name'] ?? body['preferred_username'] ?? body['login'];
  if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '')
    upstream(oauth.userInfoUrl, 'no user id in its answer');
  return { id: String(id), name: typeof name === 'string' && name !== '' ? name : String(id) };
}

function clientIdOf(oauth: OAuthConfig): string {
  if (oauth.clientId === undefined)
    throw new AppError('NOT_IMPLEMENTED', 'OAuth2 login is not configured: set FAIR_OAUTH_CLIENT_ID');
  return oauth.clientId;
}

async function providerFetch(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
  } catch (error) {
    return upstream(url, error instanceof Error ? error.message : String(error));
  }
}

async function jsonOf(response: Response, url: string): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return upstream(url, `HTTP ${response.status} with a body that is not JSON`);
  }
}

function describe(body: unknown): string {
  const b = body as { error?: unknown; error_description?: unknown };
  return [b.error, b.error_description].filter((v) => typeof v === 'string').join(': ') || 'no reason given';
}

function upstream(url: string, reason: string): never {
  throw new AppError('UPSTREAM_FAILURE', `login provider ${new URL(url).origin} failed: ${reason}`);
}
