/**
 * @module tests/system/test-support/stub-oauth-provider — a tiny OAuth2 provider on 127.0.0.1 for login tests:
 * `/oauth2/authorize` (redirects back at once with a code, as if the user had agreed), `/oauth2/token` (checks the
 * code, client id, redirect URI and the PKCE S256 verifier) and `/api/0.6/user/details.json` (OpenStreetMap's shape).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A user the provider logs in. */
export type StubUser = { id: number; displayName: string };

/** The running provider. */
export type StubOAuthProvider = {
  /** Environment for `loadConfig` pointing fAIr at this provider. */
  env: Record<string, string>;
  /** Who the next authorization logs in (default user 1001 `mapper-one`). */
  nextUser: StubUser;
  /** Token requests seen, with whether each PKCE check passed. */
  tokenRequests: { params: Record<string, string>; pkceOk: boolean }[];
  /** Query strings of the authorize requests seen. */
  authorizeRequests: Record<string, string>[];
  close(): Promise<void>;
};

type Grant = { challenge: string; redirectUri: string; clientId: string; user: StubUser };

const CLIENT_ID = 'fair-test-client';
const CLIENT_SECRET = 'fair-test-secret';

/**
 * Starts the provider.
 * @returns the provider; `close()` stops it
 */
export async function startStubOAuthProvider(): Promise<StubOAuthProvider> {
  const grants = new Map<string, Grant>();
  const tokens = new Map<string, StubUser>();
  const provider: StubOAuthProvider = {
    env: {},
    nextUser: { id: 1001, displayName: 'mapper-one' },
    tokenRequests: [],
    authorizeRequests: [],
    close: async () => undefined,
  };
  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => send(response, 500, { error: String(error) }));
  });
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://stub');
    if (url.pathname === '/oauth2/authorize') {
      const q = Object.fromEntries(url.searchParams);
      provider.authorizeRequests.push(q);
      if (q['client_id'] !== CLIENT_ID || q['code_challenge_method'] !== 'S256' || !q['code_challenge'])
        return send(response, 400, { error: 'invalid_request' });
      const code = randomBytes(12).toString('hex');
      grants.set(code, {
        challenge: q['code_challenge'],
        redirectUri: q['redirect_uri'] ?? '',
        clientId: q['client_id'],
        user: provider.nextUser,
      });
      const back = new URL(q['redirect_uri'] ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', q['state'] ?? '');
      response.writeHead(302, { location: back.toString() }).end();
      return;
    }
    if (url.pathname === '/oauth2/token' && request.method === 'POST') {
      const params = Object.fromEntries(new URLSearchParams(await readBody(request)));
      const grant = grants.get(params['code'] ?? '');
      const verifier = params['code_verifier'] ?? '';
      const pkceOk =
        grant !== undefined && createHash('sha256').update(verifier).digest('base64url') === grant.challenge;
      provider.tokenRequests.push({ params, pkceOk });
      if (
        grant === undefined ||
        !pkceOk ||
        params['grant_type'] !== 'authorization_code' ||
        params['client_id'] !== grant.clientId ||
        params['client_secret'] !== CLIENT_SECRET ||
        params['redirect_uri'] !== grant.redirectUri
      )
        return send(response, 400, { error: 'invalid_grant', error_description: 'code, client or verifier' });
      grants.delete(params['code'] ?? '');
      const token = randomBytes(16).toString('hex');
      tokens.set(token, grant.user);
      return send(response, 200, { access_token: token, token_type: 'Bearer', scope: 'read_prefs' });
    }
    if (url.pathname === '/api/0.6/user/details.json') {
      const user = tokens.get((request.headers.authorization ?? '').replace(/^Bearer /, ''));
      if (user === undefined) return send(response, 401, { error: 'invalid_token' });
      return send(response, 200, { version: '0.6', user: { id: user.id, display_name: user.displayName } });
    }
    send(response, 404, { error: 'not found' });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  provider.env = {
    FAIR_OAUTH_CLIENT_ID: CLIENT_ID,
    FAIR_OAUTH_CLIENT_SECRET: CLIENT_SECRET,
    FAIR_OAUTH_AUTHORIZE_URL: `${base}/oauth2/authorize`,
    FAIR_OAUTH_TOKEN_URL: `${base}/oauth2/token`,
    FAIR_OAUTH_USERINFO_URL: `${base}/api/0.6/user/details.json`,
  };
  provider.close = () =>
    new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return provider;
}

function send(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
