/**
 * Black-box tests of executions over real HTTP with a local worker in the process: launching a health check and
 * following it to its end over Server-Sent Events (and resuming with Last-Event-ID), its status and logs, and
 * MLflow's artifact proxy streaming files through the blob store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../../src/db/test-support/test-databases.ts';
import { call } from './test-support/http-client.ts';
import { startTestServer } from './test-support/test-server.ts';
import type { TestServer } from './test-support/test-server.ts';

type SseMessage = { id: string | undefined; event: string | undefined; data: string };

/** Reads an SSE response to its end and splits it into messages (comments dropped). */
async function readSse(response: Response): Promise<SseMessage[]> {
  const text = await response.text();
  const messages: SseMessage[] = [];
  for (const block of text.split('\n\n')) {
    const fields = block.split('\n').filter((line) => line !== '' && !line.startsWith(':'));
    if (fields.length === 0) continue;
    const value = (name: string): string | undefined =>
      fields
        .find((line) => line.startsWith(`${name}:`))
        ?.slice(name.length + 1)
        .trimStart();
    if (value('data') === undefined) continue;
    messages.push({ id: value('id'), event: value('event'), data: value('data') ?? '' });
  }
  return messages;
}

describe.each(testDatabaseEngines())('executions over HTTP on $name', (engine) => {
  let t: TestServer;
  let token: string;

  beforeAll(async () => {
    t = await startTestServer(engine, { worker: true });
    const user = await t.server.auth.store.upsertUser({
      provider: 'osm',
      providerUserId: '7',
      name: 'seven',
      admin: false,
    });
    token = (await t.server.auth.createToken(user, 'tests')).token;
  });
  afterAll(() => t?.close());

  it('streams a health-check execution over SSE until its terminal event, and resumes after Last-Event-ID', async () => {
    const launched = await call(`${t.url}/api/executions`, {
      method: 'POST',
      token,
      body: { workflow: 'health-check', inputs: { value: { answer: 42 } } },
    });
    expect(launched.status).toBe(201);
    const id = (launched.body as { id: string }).id;
    const response = await fetch(`${t.url}/api/executions/${id}/events`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const messages = await readSse(response);
    const events = messages.map(
      (m) => JSON.parse(m.data) as { id: number; type: string; executionId: string },
    );
    expect(events.map((e) => e.type)).toEqual([
      'execution.queued',
      'node.queued',
      'execution.running',
      'node.running',
      'node.succeeded',
      'execution.succeeded',
    ]);
    expect(messages.map((m) => Number(m.id))).toEqual(events.map((e) => e.id));
    expect(new Set(events.map((e) => e.executionId))).toEqual(new Set([id]));
    const resumed = await readSse(
      await fetch(`${t.url}/api/executions/${id}/events`, {
        headers: { 'last-event-id': String(events[3]?.id) },
      }),
    );
    expect(resumed.map((m) => (JSON.parse(m.data) as { type: string }).type)).toEqual([
      'node.succeeded',
      'execution.succeeded',
    ]);
    const status = await call(`${t.url}/api/executions/${id}`);
    expect(status.body).toMatchObject({ id, phase: 'SUCCEEDED', outputs: { value: { answer: 42 } } });
    const logs = await call(`${t.url}/api/executions/${id}/logs`);
    expect(logs.status).toBe(200);
    expect(logs.body).toMatchObject({ items: expect.any(Array), next_after_id: expect.any(Number) });
    const page = await call(`${t.url}/api/executions?workflow=health-check&phase=SUCCEEDED&limit=1`);
    expect((page.body as { items: { id: string }[] }).items.map((e) => e.id)).toEqual([id]);
  });

  it('refuses a Last-Event-ID that is not an event id', async () => {
    const launched = await call(`${t.url}/api/executions`, {
      method: 'POST',
      token,
      body: { workflow: 'health-check' },
    });
    const id = (launched.body as { id: string }).id;
    const response = await call(`${t.url}/api/executions/${id}/events`, {
      headers: { 'last-event-id': 'abc' },
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('Last-Event-ID');
  });

  it('uploads and downloads run artifacts through the MLflow artifact proxy, JSON files as bytes', async () => {
    const run = await call(`${t.url}/api/2.0/mlflow/runs/create`, {
      method: 'POST',
      token,
      body: { experiment_id: '0', run_name: 'proxy' },
    });
    expect(run.status).toBe(200);
    const info = (run.body as { run: { info: { run_id: string; artifact_uri: string } } }).run.info;
    expect(info.artifact_uri).toBe(`mlflow-artifacts:/0/${info.run_id}/artifacts`);
    const file = `${t.url}/api/2.0/mlflow-artifacts/artifacts/0/${info.run_id}/artifacts/metrics/summary.json`;
    const content = '{"f1": 0.5, "not": "parsed"}';
    const anonymous = await call(file, {
      method: 'PUT',
      body: content,
      headers: { 'content-type': 'application/json' },
    });
    expect(anonymous.status).toBe(401);
    const put = await call(file, {
      method: 'PUT',
      token,
      body: content,
      headers: { 'content-type': 'application/json' },
    });
    expect(put.status).toBe(200);
    const got = await fetch(file);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(await got.text()).toBe(content);
    const listed = await call(
      `${t.url}/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(`0/${info.run_id}/artifacts/metrics`)}`,
    );
    expect(listed.body).toEqual({
      files: [expect.objectContaining({ path: 'summary.json', is_dir: false })],
    });
    const missing = await call(`${file}.missing`);
    expect(missing.status).toBe(404);
    expect((missing.body as { error_code: string }).error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});
