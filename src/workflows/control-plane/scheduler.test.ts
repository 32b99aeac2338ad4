import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testDatabaseEngines } from '../../db/test-support/test-databases.ts';
import { failure } from '../../shared/test-support/app-error-failure.ts';
import { defineTask } from '../task-definition.ts';
import { drive, ok, openFixture, taskHandler } from './test-support/control-plane-fixture.ts';
import type { Fixture } from './test-support/control-plane-fixture.ts';

// One fixture per engine; each test launches executions of its own (distinct inputs, so cache entries never collide).
describe.each(testDatabaseEngines())('executions on $name', (engine) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await openFixture(engine);
  });
  afterAll(() => f.close());

  it('passes data along a diamond: each node gets its upstream outputs', async () => {
    const id = await f.cp.launch('diamond', { x: 5 });
    const claimed = await drive(f.cp, id, taskHandler(f.blobs));
    const execution = await f.cp.getExecution(id);
    expect(execution.phase).toBe('SUCCEEDED');
    expect(execution.outputs).toEqual({ total: 6 + 10 + 6 + 100 });
    const inputs = Object.fromEntries(execution.nodes.map((n) => [n.id, n.inputs]));
    expect(inputs).toEqual({
      top: { a: 5, b: 1 },
      left: { a: 6, b: 10 },
      right: { a: 6, b: 100 },
      bottom: { a: 16, b: 106 },
    });
    expect(claimed.map((a) => a.nodeId).slice(0, 1)).toEqual(['top']);
    expect(claimed.at(-1)?.nodeId).toBe('bottom');
    expect(claimed.every((a) => a.outputPrefix === `executions/${id}/${a.nodeId}/attempt-1`)).toBe(true);
    expect(
      execution.nodes.every((n) => n.attempts.length === 1 && n.startedAt !== null && n.endedAt !== null),
    ).toBe(true);
  });

  it('passes blobs by reference and records their lineage', async () => {
    const id = await f.cp.launch('files', { a: 'left-', b: 'right' });
    await drive(f.cp, id, taskHandler(f.blobs));
    const execution = await f.cp.getExecution(id);
    const file = String(execution.outputs?.['file']);
    expect((await f.blobs.getBytes(f.blobs.keyOf(file))).toString()).toBe('left-right');
    const lineage = await f.cp.lineage(file);
    expect(lineage).toMatchObject({
      executionId: id,
      workflow: 'files@1',
      nodeId: 'joined',
      output: 'file',
      task: 'concat@1',
    });
    expect(lineage.sources.map((s) => [s.input, s.lineage?.nodeId, s.lineage?.inputs])).toEqual([
      ['left', 'first', { text: 'left-' }],
      ['right', 'second', { text: 'right' }],
    ]);
    expect((await failure(f.cp.lineage(f.blobs.uriOf('never/made.txt')))).code).toBe(
      'RESOURCE_DOES_NOT_EXIST',
    );
  });

  it('takes cached results on a hit and misses when an input changes', async () => {
    const first = await f.cp.launch('diamond', { x: 40 });
    await drive(f.cp, first, taskHandler(f.blobs));
    const again = await f.cp.launch('diamond', { x: 40 });
    const claimed = await drive(f.cp, again, taskHandler(f.blobs));
    const cached = await f.cp.getExecution(again);
    expect(claimed).toEqual([]);
    expect(cached.phase).toBe('SUCCEEDED');
    expect(cached.outputs).toEqual((await f.cp.getExecution(first)).outputs);
    expect(cached.nodes.every((n) => n.cached && n.attempts.length === 0)).toBe(true);
    const events = await f.cp.events(again);
    expect(events.filter((e) => e.type === 'node.cached').map((e) => e.data['from'])).toContainEqual({
      executionId: first,
      nodeId: 'top',
    });
    const changed = await f.cp.launch('diamond', { x: 41 });
    const ran = await drive(f.cp, changed, taskHandler(f.blobs));
    expect(ran.map((a) => a.nodeId).sort()).toEqual(['bottom', 'left', 'right', 'top']);
    expect((await f.cp.getExecution(changed)).nodes.some((n) => n.cached)).toBe(false);
  });

  it('misses the cache when the cacheVersion changes', async () => {
    const echo = (cacheVersion: string, version: string) =>
      defineTask({
        name: 'cached-echo',
        version,
        description: 'Echoes.',
        inputs: z.object({ v: z.number() }),
        outputs: z.object({ v: z.number() }),
        cacheVersion,
        run: async (i) => i,
      });
    await f.cp.registerAll([echo('1', '1'), echo('2', '2'), echo('1', '3')], []);
    const workflow = (version: string) => ({
      name: 'cache-version',
      version,
      description: '',
      inputs: z.object({ v: z.number() }),
      nodes: [{ id: 'e', task: `cached-echo@${version}`, inputs: { v: { input: 'v' } } }],
      outputs: {},
    });
    for (const version of ['1', '2', '3']) await f.cp.registerWorkflow(workflow(version));
    const runs: Record<string, number> = {};
    for (const version of ['1', '2', '3']) {
      const id = await f.cp.launch(`cache-version@${version}`, { v: 7 });
      runs[version] = (await drive(f.cp, id, taskHandler(f.blobs))).length;
    }
    // v2 has another cacheVersion: a miss; v3 goes back to cacheVersion 1 with the same interface: a hit.
    expect(runs).toEqual({ '1': 1, '2': 1, '3': 0 });
  });

  it('retries a retryable failure with backoff, then fails keeping the last error', async () => {
    const id = await f.cp.launch('single-flaky', { n: 1 });
    let n = 0;
    const claimed = await drive(f.cp, id, () => ({ phase: 'FAILED', error: `boom ${++n}`, retryable: true }));
    const execution = await f.cp.getExecution(id);
    expect(claimed.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(execution.phase).toBe('FAILED');
    expect(execution.error).toBe('node only (flaky@1) failed: boom 3');
    expect(execution.nodes[0]).toMatchObject({ phase: 'FAILED', error: 'boom 3' });
    expect(execution.nodes[0]?.attempts.map((a) => [a.phase, a.error])).toEqual([
      ['FAILED', 'boom 1'],
      ['FAILED', 'boom 2'],
      ['FAILED', 'boom 3'],
    ]);
    const retries = (await f.cp.events(id))
      .filter((e) => e.type === 'node.retrying')
      .map((e) => e.data['delayMs']);
    expect(retries).toEqual([20, 30]);
  });

  it('succeeds after retries', async () => {
    const id = await f.cp.launch('single-flaky', { n: 2 });
    let n = 0;
    await drive(f.cp, id, (a) =>
      ++n < 3 ? { phase: 'FAILED', error: 'not yet', retryable: true } : ok(a.inputs),
    );
    expect(await f.cp.getExecution(id)).toMatchObject({ phase: 'SUCCEEDED', outputs: { n: 2 } });
  });

  it('does not retry a non-retryable failure', async () => {
    const id = await f.cp.launch('single-flaky', { n: 3 });
    const claimed = await drive(f.cp, id, () => ({
      phase: 'FAILED',
      error: 'n: expected string',
      retryable: false,
    }));
    expect(claimed).toHaveLength(1);
    expect(await f.cp.getExecution(id)).toMatchObject({
      phase: 'FAILED',
      error: 'node only (flaky@1) failed: n: expected string',
    });
  });

  it('retries a timed-out attempt, then ends TIMED_OUT', async () => {
    const id = await f.cp.launch('single-flaky', { n: 4 });
    const claimed = await drive(f.cp, id, () => ({ phase: 'TIMED_OUT', error: 'timed out after 5 ms' }));
    expect(claimed).toHaveLength(3);
    const execution = await f.cp.getExecution(id);
    expect(execution.phase).toBe('TIMED_OUT');
    expect(execution.nodes[0]?.phase).toBe('TIMED_OUT');
    expect(execution.error).toContain('timed out: timed out after 5 ms');
    expect((await f.cp.events(id)).at(-1)?.type).toBe('execution.timed_out');
  });

  it('skips downstream nodes after a failure', async () => {
    const id = await f.cp.launch('diamond', { x: 100 });
    await drive(f.cp, id, (a) =>
      a.nodeId === 'left'
        ? { phase: 'FAILED', error: 'left broke', retryable: false }
        : taskHandler(f.blobs)(a),
    );
    const phases = Object.fromEntries((await f.cp.getExecution(id)).nodes.map((n) => [n.id, n.phase]));
    expect(phases).toEqual({ top: 'SUCCEEDED', left: 'FAILED', right: 'SUCCEEDED', bottom: 'SKIPPED' });
  });

  it('refuses outputs over 1 MiB of inline JSON without retrying', async () => {
    const id = await f.cp.launch('single-flaky', { n: 5 });
    const claimed = await drive(f.cp, id, () => ok({ n: 5, big: 'x'.repeat(1_100_000) }));
    expect(claimed).toHaveLength(1);
    expect((await f.cp.getExecution(id)).error).toContain('over the 1 MiB limit');
  });

  it('refuses bad inputs naming each field, and an unknown workflow listing the known ones', async () => {
    const bad = await failure(f.cp.launch('diamond', { x: 5000, extra: 1 }));
    expect(bad.code).toBe('INVALID_PARAMETER_VALUE');
    expect(bad.message).toContain('inputs of diamond@1 are invalid: x: must be <= 1000');
    expect(bad.message).toContain('extra: not an input of this workflow');
    expect((await failure(f.cp.launch('diamond', {}))).message).toContain('x: required');
    expect((await failure(f.cp.launch('diamond', [1]))).message).toContain('must be a JSON object');
    const unknown = await failure(f.cp.launch('nope', {}));
    expect(unknown.code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(unknown.message).toMatch(
      /^workflow nope is not registered \(known workflows: .*diamond, files, single-flaky/,
    );
  });

  it('fills in input defaults from the schema', async () => {
    await f.cp.registerWorkflow({
      name: 'defaults',
      version: '1',
      description: '',
      inputs: z.object({ x: z.number().default(3) }),
      nodes: [{ id: 'n', task: 'add@1', inputs: { a: { input: 'x' } } }],
      outputs: { y: { node: 'n', output: 'sum' } },
    });
    const id = await f.cp.launch('defaults', {});
    await drive(f.cp, id, taskHandler(f.blobs));
    expect(await f.cp.getExecution(id)).toMatchObject({ inputs: { x: 3 }, outputs: { y: 3 } });
  });

  it('lists executions newest first with filters and pages', async () => {
    const ids = [];
    for (const x of [200, 201, 202]) ids.push(await f.cp.launch('diamond', { x }));
    for (const id of ids) await f.cp.cancel(id);
    const first = await f.cp.listExecutions({ workflow: 'diamond@1', phase: 'ABORTED', limit: 2 });
    expect(first.items.map((e) => e.id)).toEqual([ids[2], ids[1]]);
    const second = await f.cp.listExecutions({
      workflow: 'diamond',
      phase: 'ABORTED',
      limit: 2,
      pageToken: first.nextPageToken as string,
    });
    expect(second.items.map((e) => e.id)).toEqual([ids[0]]);
    expect(second.nextPageToken).toBeUndefined();
  });
});
