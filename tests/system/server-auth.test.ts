/**
 * Black-box tests of authentication over real HTTP: the OAuth2 authorization code + PKCE login against a local stub
 * provider, sessions and logout, personal API tokens (stored as SHA-256, shown once, revocable), admins from
 * FAIR_ADMIN_USERS, and single-user mode (loopback only).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../../src/db/test-support/test-databases.ts';
import { createServer, sha256Hex } from '../../src/server/index.ts';
import { call, loginThroughProvider } from './test-support/http-client.ts';
import { startStubOAuthProvider } from './test-support/stub-oauth-provider.ts';
import type { StubOAuthProvider } from './test-support/stub-oauth-provider.ts';
import { startTestServer } from './test-support/test-server.ts';
import type { TestServer } from './test-support/test-server.ts';

type Me = { user: { name: string; provider: string; providerUserId: string; admin: boolean }; mode: string };

describe.each(testDatabaseEngines())('auth on $name', (engine) => {
  let provider: StubOAuthProvider;
  let t: TestServer;

  beforeAll(async () => {
    provider = await startStubOAuthProvider();
    t = await startTestServer(engine, { env: { ...provider.env, FAIR_ADMIN_USERS: '2002' } });
  });
  afterAll(async () => {
    await t?.close();
    await provider?.close();
  });

  it('logs in with the authorization code flow and PKCE, and sets a session cookie', async () => {
    provider.nextUser = { id: 1001, displayName: 'mapper-one' };
    const { cookie, location } = await loginThroughProvider(t.url);
    expect(location).toBe('/welcome');
    expect(cookie).toMatch(/^fair_session=.+/);
    const authorize = provider.authorizeRequests.at(-1) ?? {};
    expect(authorize).toMatchObject({
      response_type: 'code',
      code_challenge_method: 'S256',
      redirect_uri: `${t.url}/api/auth/callback`,
    });
    expect(authorize['state']?.length).toBeGreaterThan(20);
    const exchange = provider.tokenRequests.at(-1);
    expect(exchange?.pkceOk).toBe(true);
    expect(exchange?.params['code_verifier']).not.toBe(authorize['code_challenge']);
    const me = await call(`${t.url}/api/auth/me`, { cookie });
    expect(me.status).toBe(200);
    expect((me.body as Me).user).toMatchObject({ name: 'mapper-one', providerUserId: '1001', admin: false });
    expect((me.body as Me).mode).toBe('multi-user');
  });

  it('refuses a callback with an unknown or replayed state', async () => {
    const unknown = await call(`${t.url}/api/auth/callback?code=abc&state=not-a-state`);
    expect(unknown.status).toBe(401);
    const start = await fetch(`${t.url}/api/auth/login`, { redirect: 'manual' });
    const atProvider = await fetch(start.headers.get('location') ?? '', { redirect: 'manual' });
    const callbackUrl = atProvider.headers.get('location') ?? '';
    expect((await call(callbackUrl)).status).toBe(302);
    const replay = await call(callbackUrl);
    expect(replay.status).toBe(401);
    expect((replay.body as { error: { message: string } }).error.message).toMatch(/state/);
  });

  it('refuses a return_to that leaves the server', async () => {
    const response = await call(`${t.url}/api/auth/login?return_to=//evil.example/`);
    expect(response.status).toBe(400);
    expect((response.body as { error: { message: string } }).error.message).toContain('return_to');
  });

  it('makes FAIR_ADMIN_USERS admins when they log in', async () => {
    provider.nextUser = { id: 2002, displayName: 'admin-two' };
    const { cookie } = await loginThroughProvider(t.url);
    const me = await call(`${t.url}/api/auth/me`, { cookie });
    expect((me.body as Me).user).toMatchObject({ name: 'admin-two', admin: true });
  });

  it('ends the session at logout', async () => {
    provider.nextUser = { id: 1001, displayName: 'mapper-one' };
    const { cookie } = await loginThroughProvider(t.url);
    expect((await call(`${t.url}/api/auth/logout`, { method: 'POST', cookie })).status).toBe(204);
    expect((await call(`${t.url}/api/auth/me`, { cookie })).status).toBe(401);
  });

  it('creates API tokens shown once and stored only as their SHA-256, usable until revoked', async () => {
    provider.nextUser = { id: 3003, displayName: 'scripter' };
    const { cookie } = await loginThroughProvider(t.url);
    const created = await call(`${t.url}/api/auth/tokens`, {
      method: 'POST',
      cookie,
      body: { name: 'laptop' },
    });
    expect(created.status).toBe(201);
    const { token, id } = created.body as { token: string; id: string };
    expect(token).toMatch(/^fair_[A-Za-z0-9_-]{43}$/);
    const rows = await t.runtime.db.query<{ token_sha256: string }>(
      'SELECT token_sha256 FROM server_api_tokens WHERE id = $1',
      [id],
    );
    expect(rows[0]?.token_sha256).toBe(sha256Hex(token));
    const everything = JSON.stringify(await t.runtime.db.query('SELECT * FROM server_api_tokens'));
    expect(everything).not.toContain(token);
    const me = await call(`${t.url}/api/auth/me`, { token });
    expect((me.body as Me).user.name).toBe('scripter');
    const list = await call(`${t.url}/api/auth/tokens`, { token });
    expect(list.text).not.toContain(token);
    expect((list.body as { items: { id: string; name: string; lastUsedAt: string | null }[] }).items).toEqual(
      [expect.objectContaining({ id, name: 'laptop', lastUsedAt: expect.any(String) })],
    );
    const othersToken = await call(`${t.url}/api/auth/tokens/${id}`, {
      method: 'DELETE',
      cookie: (await loginAs(provider, t.url, 4004)).cookie,
    });
    expect(othersToken.status).toBe(404);
    expect((await call(`${t.url}/api/auth/tokens/${id}`, { method: 'DELETE', token })).status).toBe(204);
    expect((await call(`${t.url}/api/auth/me`, { token })).status).toBe(401);
  });

  it('needs a user to create tokens', async () => {
    const response = await call(`${t.url}/api/auth/tokens`, { method: 'POST', body: { name: 'x' } });
    expect(response.status).toBe(401);
  });
});

describe.each(testDatabaseEngines())('single-user mode on $name', (engine) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(engine, { singleUser: true });
  });
  afterAll(() => t?.close());

  it('acts as the local admin on every request', async () => {
    const me = await call(`${t.url}/api/auth/me`);
    expect(me.status).toBe(200);
    expect((me.body as Me).user).toMatchObject({ provider: 'local', admin: true });
    expect((me.body as Me).mode).toBe('single-user');
    const launched = await call(`${t.url}/api/executions`, {
      method: 'POST',
      body: { workflow: 'health-check' },
    });
    expect(launched.status).toBe(201);
  });

  it('refuses to listen on a host that is not loopback', async () => {
    const server = await createServer({ config: t.config, runtime: t.runtime, singleUser: true });
    try {
      await expect(server.listen({ port: 0, host: '0.0.0.0' })).rejects.toThrow(
        /single-user mode serves only loopback/,
      );
      expect(server.app.server.listening).toBe(false);
    } finally {
      await server.close();
    }
  });
});

describe('login without a configured provider', () => {
  it('answers 501 NOT_IMPLEMENTED naming the variable to set', async () => {
    const [engine] = testDatabaseEngines();
    const t = await startTestServer(engine!);
    try {
      const response = await call(`${t.url}/api/auth/login`);
      expect(response.status).toBe(501);
      expect((response.body as { error: { message: string } }).error.message).toContain(
        'FAIR_OAUTH_CLIENT_ID',
      );
    } finally {
      await t.close();
    }
  });
});

async function loginAs(provider: StubOAuthProvider, url: string, id: number): Promise<{ cookie: string }> {
  provider.nextUser = { id, displayName: `user-${id}` };
  return loginThroughProvider(url);
}
