/**
 * Black-box tests of the HTTP server's request handling over real HTTP: the error shape of each route family,
 * unknown routes and ids (404), validation (400 naming the field), authentication and ownership (401/403, private
 * resources), body limits (413) and the GeoJSON vertex limit, and the OpenAPI document and docs page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../../src/db/test-support/test-databases.ts';
import type { User } from '../../src/server/index.ts';
import { AppError } from '../../src/shared/index.ts';
import { call } from './test-support/http-client.ts';
import { startTestServer } from './test-support/test-server.ts';
import type { TestServer } from './test-support/test-server.ts';

type ApiError = { error: { code: string; message: string; details: unknown } };

describe.each(testDatabaseEngines())('server requests on $name', (engine) => {
  let t: TestServer;
  let owner: { user: User; token: string };
  let other: { user: User; token: string };
  let admin: { user: User; token: string };

  const person = async (id: string, isAdmin: boolean): Promise<{ user: User; token: string }> => {
    const user = await t.server.auth.store.upsertUser({
      provider: 'osm',
      providerUserId: id,
      name: `user-${id}`,
      admin: isAdmin,
    });
    return { user, token: (await t.server.auth.createToken(user, 'tests')).token };
  };

  beforeAll(async () => {
    t = await startTestServer(engine, {
      tables: [
        {
          name: 'busy',
          endpoints: [
            {
              method: 'GET',
              path: '/api/busy-for-tests',
              handle: async () => {
                throw new AppError('RESOURCE_EXHAUSTED', '4 jobs are running or waiting: retry later');
              },
            },
          ],
        },
      ],
    });
    owner = await person('1', false);
    other = await person('2', false);
    admin = await person('3', true);
  });
  afterAll(() => t?.close());

  it('answers an unknown route with 404 in the shape of its family', async () => {
    const api = await call(`${t.url}/api/no-such-thing`);
    expect(api.status).toBe(404);
    expect((api.body as ApiError).error.code).toBe('RESOURCE_DOES_NOT_EXIST');
    const mlflow = await call(`${t.url}/api/2.0/mlflow/no-such-thing`);
    expect(mlflow.status).toBe(404);
    expect(mlflow.body).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: expect.stringContaining('no route'),
    });
    const stac = await call(`${t.url}/stac/no-such-thing`);
    expect(stac.status).toBe(404);
    expect(stac.body).toEqual({
      code: 'RESOURCE_DOES_NOT_EXIST',
      description: expect.stringContaining('no route'),
    });
  });

  it('answers a busy server with 429 and Retry-After', async () => {
    const busy = await call(`${t.url}/api/busy-for-tests`);
    expect(busy.status).toBe(429);
    expect(busy.headers.get('retry-after')).toBe('10');
    expect((busy.body as ApiError).error).toMatchObject({
      code: 'RESOURCE_EXHAUSTED',
      message: '4 jobs are running or waiting: retry later',
    });
  });

  it('answers unknown ids with 404', async () => {
    const execution = await call(`${t.url}/api/executions/no-such-execution`);
    expect(execution.status).toBe(404);
    expect((execution.body as ApiError).error.message).toContain('no-such-execution');
    expect((await call(`${t.url}/api/executions/no-such-execution/logs`)).status).toBe(404);
    expect((await call(`${t.url}/api/executions/no-such-execution/events`)).status).toBe(404);
    expect((await call(`${t.url}/api/workflows/no-such-workflow`)).status).toBe(404);
    const run = await call(`${t.url}/api/2.0/mlflow/runs/get?run_id=no-such-run`);
    expect(run.status).toBe(404);
    expect((run.body as { error_code: string }).error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('answers invalid input with 400 naming the failing field', async () => {
    const limit = await call(`${t.url}/api/executions?limit=0`);
    expect(limit.status).toBe(400);
    expect((limit.body as ApiError).error).toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
    expect((limit.body as ApiError).error.message).toMatch(/query parameter limit/);
    const body = await call(`${t.url}/api/executions`, {
      method: 'POST',
      token: owner.token,
      body: { workflow: 5 },
    });
    expect(body.status).toBe(400);
    expect((body.body as ApiError).error.message).toMatch(/body field workflow/);
    const extra = await call(`${t.url}/api/executions`, {
      method: 'POST',
      token: owner.token,
      body: { workflow: 'health-check', inptus: {} },
    });
    expect(extra.status).toBe(400);
    expect((extra.body as ApiError).error.message).toContain('inptus');
    const inputs = await call(`${t.url}/api/executions`, {
      method: 'POST',
      token: owner.token,
      body: { workflow: 'building-prediction', inputs: { nonsense: 1 } },
    });
    expect(inputs.status).toBe(400);
    const mlflow = await call(`${t.url}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      token: owner.token,
      body: {},
    });
    expect(mlflow.status).toBe(400);
    expect(mlflow.body).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining('name'),
    });
  });

  it('answers a body that is not JSON with 400, and a JSON route sent another content type with 400', async () => {
    const bad = await call(`${t.url}/api/executions`, {
      method: 'POST',
      token: owner.token,
      headers: { 'content-type': 'application/json' },
      body: '{"workflow": ',
    });
    expect(bad.status).toBe(400);
    expect((bad.body as ApiError).error.message).toMatch(/not valid JSON/);
    const form = await call(`${t.url}/api/executions`, {
      method: 'POST',
      token: owner.token,
      headers: { 'content-type': 'text/plain' },
      body: 'workflow=health-check',
    });
    expect(form.status).toBe(400);
    expect((form.body as ApiError).error.message).toMatch(/must be JSON/);
  });

  it('needs authentication for writes (401) and refuses bad tokens', async () => {
    const anonymous = await call(`${t.url}/api/executions`, {
      method: 'POST',
      body: { workflow: 'health-check' },
    });
    expect(anonymous.status).toBe(401);
    expect((anonymous.body as ApiError).error.code).toBe('UNAUTHENTICATED');
    const mlflow = await call(`${t.url}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      body: { name: 'x' },
    });
    expect(mlflow.status).toBe(401);
    expect((mlflow.body as { error_code: string }).error_code).toBe('UNAUTHENTICATED');
    const search = await call(`${t.url}/api/2.0/mlflow/experiments/search`, { method: 'POST', body: {} });
    expect(search.status).toBe(200);
    const badToken = await call(`${t.url}/api/executions`, { token: 'fair_not-a-token' });
    expect(badToken.status).toBe(401);
    const badHeader = await call(`${t.url}/api/executions`, { headers: { authorization: 'Basic abc' } });
    expect(badHeader.status).toBe(401);
  });

  it('lets owners and admins cancel an execution, and refuses others with 403', async () => {
    const launched = await call(`${t.url}/api/executions`, {
      method: 'POST',
      token: owner.token,
      body: { workflow: 'health-check', inputs: { value: 1 } },
    });
    expect(launched.status).toBe(201);
    const id = (launched.body as { id: string }).id;
    const anonymous = await call(`${t.url}/api/executions/${id}/cancel`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    const stranger = await call(`${t.url}/api/executions/${id}/cancel`, {
      method: 'POST',
      token: other.token,
    });
    expect(stranger.status).toBe(403);
    expect((stranger.body as ApiError).error.code).toBe('PERMISSION_DENIED');
    const byOwner = await call(`${t.url}/api/executions/${id}/cancel`, {
      method: 'POST',
      token: owner.token,
    });
    expect(byOwner.status).toBe(200);
    expect(byOwner.body).toEqual({ id, phase: 'ABORTED' });
    const second = await call(`${t.url}/api/executions`, {
      method: 'POST',
      token: owner.token,
      body: { workflow: 'health-check' },
    });
    const byAdmin = await call(`${t.url}/api/executions/${(second.body as { id: string }).id}/cancel`, {
      method: 'POST',
      token: admin.token,
    });
    expect(byAdmin.status).toBe(200);
  });

  it('shows a private execution only to its owner and admins', async () => {
    const launched = await call(`${t.url}/api/executions`, {
      method: 'POST',
      token: owner.token,
      body: { workflow: 'health-check', private: true },
    });
    const id = (launched.body as { id: string }).id;
    expect((await call(`${t.url}/api/executions/${id}`, { token: owner.token })).status).toBe(200);
    expect((await call(`${t.url}/api/executions/${id}`, { token: admin.token })).status).toBe(200);
    expect((await call(`${t.url}/api/executions/${id}`, { token: other.token })).status).toBe(404);
    expect((await call(`${t.url}/api/executions/${id}`)).status).toBe(404);
    const ids = (list: unknown): string[] => (list as { items: { id: string }[] }).items.map((e) => e.id);
    expect(ids((await call(`${t.url}/api/executions?limit=200`)).body)).not.toContain(id);
    expect(ids((await call(`${t.url}/api/executions?limit=200`, { token: owner.token })).body)).toContain(id);
  });

  it('keeps serving after an SSE client leaves mid-stream, and ends a later stream at the cancel', async () => {
    const launched = await call(`${t.url}/api/executions`, {
      method: 'POST',
      token: owner.token,
      body: { workflow: 'health-check' },
    });
    const id = (launched.body as { id: string }).id;
    const leaving = new AbortController();
    const response = await fetch(`${t.url}/api/executions/${id}/events`, { signal: leaving.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let seen = '';
    while (!seen.includes('node.queued')) seen += new TextDecoder().decode((await reader.read()).value);
    leaving.abort();
    expect(
      (await call(`${t.url}/api/executions/${id}/cancel`, { method: 'POST', token: owner.token })).status,
    ).toBe(200);
    const after = await fetch(`${t.url}/api/executions/${id}/events`, { headers: { 'last-event-id': '0' } });
    const text = await after.text();
    expect(text).toContain('"execution.aborted"');
    expect(text.trimEnd().endsWith('}')).toBe(true);
  });

  it('mounts the STAC API with links on the server’s URL, its errors in STAC’s shape', async () => {
    const landing = await call(`${t.url}/stac`);
    expect(landing.status).toBe(200);
    const links = (landing.body as { links: { rel: string; href: string }[] }).links;
    expect(links.find((l) => l.rel === 'self')?.href).toBe(`${t.url}/stac`);
    expect(links.find((l) => l.rel === 'service-desc')?.href).toBe(`${t.url}/api/openapi.json`);
    expect((await call(`${t.url}/stac/conformance`)).status).toBe(200);
    const search = await call(`${t.url}/stac/search`, { method: 'POST', body: { limit: 5 } });
    expect(search.status).toBe(200);
    expect(search.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    const missing = await call(`${t.url}/stac/collections/no-such-collection`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
    const bad = await call(`${t.url}/stac/search?bbox=1,2`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      description: expect.stringContaining('bbox'),
    });
  });

  it('mounts the MLflow registry: owners change their models, others get 403, anonymous writes 401', async () => {
    const base = `${t.url}/api/2.0/mlflow/registered-models`;
    const created = await call(`${base}/create`, {
      method: 'POST',
      token: owner.token,
      body: { name: 'banepa-buildings' },
    });
    expect(created.status).toBe(200);
    expect((await call(`${base}/get?name=banepa-buildings`)).status).toBe(200);
    const anonymous = await call(`${base}/create`, { method: 'POST', body: { name: 'nobody' } });
    expect(anonymous.status).toBe(401);
    const update = { name: 'banepa-buildings', description: 'mine' };
    const stranger = await call(`${base}/update`, { method: 'PATCH', token: other.token, body: update });
    expect(stranger.status).toBe(403);
    expect((stranger.body as { error_code: string }).error_code).toBe('PERMISSION_DENIED');
    expect((await call(`${base}/update`, { method: 'PATCH', token: owner.token, body: update })).status).toBe(
      200,
    );
    const deleted = await call(`${base}/delete`, {
      method: 'DELETE',
      token: admin.token,
      body: { name: 'banepa-buildings' },
    });
    expect(deleted.status).toBe(200);
    expect((await call(`${base}/get?name=banepa-buildings`)).status).toBe(404);
  });

  it('answers a body over the limit with 413 LIMIT_EXCEEDED', async () => {
    const big = JSON.stringify({
      workflow: 'health-check',
      inputs: { value: 'x'.repeat(t.config.api.bodyLimit) },
    });
    const response = await call(`${t.url}/api/executions`, {
      method: 'POST',
      token: owner.token,
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(response.status).toBe(413);
    expect((response.body as ApiError).error.code).toBe('LIMIT_EXCEEDED');
    const mlflow = await call(`${t.url}/api/2.0/mlflow/runs/log-batch`, {
      method: 'POST',
      token: owner.token,
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(mlflow.status).toBe(413);
    expect((mlflow.body as { error_code: string }).error_code).toBe('LIMIT_EXCEEDED');
  });

  it('refuses a GeoJSON body with a million vertices before parsing it, naming the count', async () => {
    const ring = '[0,0],'.repeat(1_000_000) + '[0,0]';
    const text = `{"workflow":"health-check","inputs":{"value":{"type":"Polygon","coordinates":[[${ring}]]}}}`;
    expect(text.length).toBeLessThan(t.config.api.bodyLimit);
    const response = await call(`${t.url}/api/executions`, {
      method: 'POST',
      token: owner.token,
      headers: { 'content-type': 'application/geo+json' },
      body: text,
    });
    expect(response.status).toBe(413);
    expect((response.body as ApiError).error).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      message: expect.stringContaining('1000001 GeoJSON positions'),
    });
  });

  it('publishes an OpenAPI 3.1 document with every mounted route, and a docs page', async () => {
    const response = await call(`${t.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    const document = response.body as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    expect(document.openapi).toBe('3.1.0');
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    const mounted = t.server.routes.map(
      (r) => `${r.method} ${r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{path}')}`,
    );
    expect(mounted.length).toBeGreaterThan(30);
    expect([...documented].sort()).toEqual([...new Set(mounted)].sort());
    for (const expected of [
      'POST /api/executions',
      'GET /api/executions/{id}/events',
      'POST /api/auth/tokens',
      'POST /api/2.0/mlflow/runs/log-batch',
      'PUT /api/2.0/mlflow-artifacts/artifacts/{path}',
    ])
      expect(documented).toContain(expected);
    const operationIds = Object.values(document.paths).flatMap((ops) =>
      Object.values(ops).map((o) => o.operationId),
    );
    expect(new Set(operationIds).size).toBe(operationIds.length);
    const launch = document.paths['/api/executions']?.['post'] as unknown as {
      requestBody: { content: { 'application/json': { schema: { properties: Record<string, unknown> } } } };
    };
    expect(Object.keys(launch.requestBody.content['application/json'].schema.properties).sort()).toEqual([
      'inputs',
      'private',
      'workflow',
    ]);
    const predict = document.paths['/api/predictions']?.['post'] as unknown as {
      responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
    };
    expect(predict.responses['429']?.description).toMatch(/^RESOURCE_EXHAUSTED/);
    expect(predict.responses['429']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/Error',
    });
    const docs = await call(`${t.url}/api/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
    expect(docs.text).toContain('/api/executions/{id}/events');
    expect(docs.text).not.toMatch(/<script/);
  });
});
