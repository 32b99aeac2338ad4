import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../../db/test-support/test-databases.ts';
import { drive, ok, openFixture, taskHandler } from './test-support/control-plane-fixture.ts';
import type { Fixture } from './test-support/control-plane-fixture.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// One fixture per engine; each test ends the executions it launched, so no attempt is left for the next test.
describe.each(testDatabaseEngines())('executor protocol on $name', (engine) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await openFixture(engine);
  });
  afterAll(() => f.close());

  it('claims each queued attempt once, oldest first', async () => {
    const a = await f.cp.launch('single-flaky', { n: 10 });
    const b = await f.cp.launch('single-flaky', { n: 11 });
    const [one, two] = await Promise.all([
      f.cp.claimAttempts('w1', 1, 30_000),
      f.cp.claimAttempts('w2', 5, 30_000),
    ]);
    const all = [...(one ?? []), ...(two ?? [])];
    expect(all.map((x) => x.executionId).sort()).toEqual([a, b].sort());
    expect(await f.cp.claimAttempts('w3', 5, 30_000)).toEqual([]);
    for (const attempt of all) {
      const worker = one?.includes(attempt) ? 'w1' : 'w2';
      expect(await f.cp.completeAttempt(worker, attempt.attemptId, ok(attempt.inputs))).toBe(true);
    }
    expect((await f.cp.getExecution(a)).phase).toBe('SUCCEEDED');
  });

  it('a lost lease is retried by the system; the late completion of the old worker is ignored', async () => {
    const id = await f.cp.launch('single-flaky', { n: 12 });
    const [first] = await f.cp.claimAttempts('dead-worker', 1, 50);
    expect(first?.attempt).toBe(1);
    await sleep(120);
    expect(await f.cp.reapExpiredLeases()).toBe(1);
    // The dead worker's heartbeat tells it to stop: it no longer holds the lease.
    expect(await f.cp.heartbeat('dead-worker', [first?.attemptId as string], 30_000)).toEqual([
      first?.attemptId,
    ]);
    const [second] = await f.cp.claimAttempts('live-worker', 1, 30_000);
    expect(second).toMatchObject({
      executionId: id,
      attempt: 2,
      outputPrefix: `executions/${id}/only/attempt-2`,
    });
    expect(await f.cp.completeAttempt('dead-worker', first?.attemptId as string, ok({ n: -1 }))).toBe(false);
    expect(await f.cp.completeAttempt('live-worker', second?.attemptId as string, ok({ n: 12 }))).toBe(true);
    expect(await f.cp.completeAttempt('live-worker', second?.attemptId as string, ok({ n: 99 }))).toBe(false);
    const execution = await f.cp.getExecution(id);
    expect(execution).toMatchObject({ phase: 'SUCCEEDED', outputs: { n: 12 } });
    expect(execution.nodes[0]?.attempts.map((a) => a.phase)).toEqual(['LOST', 'SUCCEEDED']);
    expect(execution.nodes[0]?.attempts[0]?.error).toContain('lease expired: worker dead-worker');
    const retrying = (await f.cp.events(id)).find((e) => e.type === 'node.retrying');
    expect(retrying?.data).toMatchObject({ reason: 'lost', attempt: 2 });
  });

  it('gives up after three lost leases, and heartbeats keep a lease alive', async () => {
    const id = await f.cp.launch('single-flaky', { n: 13 });
    const [kept] = await f.cp.claimAttempts('w', 1, 80);
    for (let i = 0; i < 3; i++) {
      await sleep(40);
      expect(await f.cp.heartbeat('w', [kept?.attemptId as string], 80)).toEqual([]);
    }
    expect(await f.cp.reapExpiredLeases()).toBe(0);
    await f.cp.completeAttempt('w', kept?.attemptId as string, {
      phase: 'ABORTED',
      error: 'worker shutting down',
    });
    for (let lost = 0; lost < 3; lost++) {
      expect(await f.cp.claimAttempts('w', 1, 1)).toHaveLength(1);
      await sleep(20);
      await f.cp.reapExpiredLeases();
    }
    const execution = await f.cp.getExecution(id);
    expect(execution.phase).toBe('FAILED');
    expect(execution.nodes[0]?.attempts.map((a) => a.phase)).toEqual(['ABORTED', 'LOST', 'LOST', 'LOST']);
    expect(execution.error).toContain('4 attempts lost or aborted by their worker; giving up');
  });

  it('cancel aborts queued attempts at once and tells the worker of a running one to stop', async () => {
    const running = await f.cp.launch('diamond', { x: 300 });
    const queued = await f.cp.launch('single-flaky', { n: 14 });
    const claimed = await f.cp.claimAttempts('w', 1, 30_000);
    expect(claimed.map((a) => a.executionId)).toEqual([running]);
    const attemptId = claimed[0]?.attemptId as string;
    expect(await f.cp.cancel(running)).toBe('ABORTED');
    expect(await f.cp.cancel(queued)).toBe('ABORTED');
    expect((await f.cp.getExecution(queued)).nodes[0]).toMatchObject({
      phase: 'ABORTED',
      error: 'cancelled',
    });
    expect(await f.cp.claimAttempts('w', 5, 30_000)).toEqual([]);
    expect(await f.cp.heartbeat('w', [attemptId], 30_000)).toEqual([attemptId]);
    expect(
      await f.cp.completeAttempt('w', attemptId, { phase: 'ABORTED', error: 'stopped by the control plane' }),
    ).toBe(true);
    const execution = await f.cp.getExecution(running);
    expect(execution.phase).toBe('ABORTED');
    expect(Object.fromEntries(execution.nodes.map((n) => [n.id, n.phase]))).toEqual({
      top: 'ABORTED',
      left: 'SKIPPED',
      right: 'SKIPPED',
      bottom: 'SKIPPED',
    });
    expect(await f.cp.cancel(running)).toBe('ABORTED');
  });

  it('waitForWork wakes when work is queued', async () => {
    const waiting = f.cp.waitForWork(30_000);
    await sleep(50);
    const id = await f.cp.launch('single-flaky', { n: 15 });
    await waiting;
    expect((await f.cp.claimAttempts('w', 1, 30_000)).map((a) => a.executionId)).toEqual([id]);
    await f.cp.cancel(id);
    const controller = new AbortController();
    const aborted = f.cp.waitForWork(30_000, controller.signal);
    controller.abort();
    await aborted;
  });

  it('relaunches with the same inputs, and resumes from the failed node reusing the succeeded ones', async () => {
    const original = await f.cp.launch('diamond', { x: 400 });
    await drive(f.cp, original, (a) =>
      a.nodeId === 'bottom'
        ? { phase: 'FAILED', error: 'bottom broke', retryable: false }
        : taskHandler(f.blobs)(a),
    );
    expect((await f.cp.getExecution(original)).phase).toBe('FAILED');
    const resumed = await f.cp.relaunch(original, { resume: true });
    const ran = await drive(f.cp, resumed, taskHandler(f.blobs));
    expect(ran.map((a) => a.nodeId)).toEqual(['bottom']);
    const execution = await f.cp.getExecution(resumed);
    expect(execution).toMatchObject({
      phase: 'SUCCEEDED',
      relaunchOf: original,
      resumed: true,
      outputs: { total: 912 },
    });
    expect(execution.nodes.filter((n) => n.reusedFrom === original).map((n) => n.id)).toEqual([
      'top',
      'left',
      'right',
    ]);
    const fresh = await f.cp.relaunch(original);
    const freshView = await f.cp.getExecution(fresh);
    expect(freshView).toMatchObject({
      workflow: 'diamond@1',
      inputs: { x: 400 },
      relaunchOf: original,
      resumed: false,
    });
    // A fresh relaunch runs every node again (here they come from the cache: same inputs, same task versions).
    await drive(f.cp, fresh, taskHandler(f.blobs));
    expect((await f.cp.getExecution(fresh)).nodes.map((n) => n.cached)).toEqual([true, true, true, true]);
  });

  it('stores logs and task events per attempt, in order', async () => {
    const id = await f.cp.launch('single-flaky', { n: 16 });
    const [attempt] = await f.cp.claimAttempts('w', 1, 30_000);
    const attemptId = attempt?.attemptId as string;
    await f.cp.appendLogs(attemptId, ['one', 'two']);
    await f.cp.appendEvents(attemptId, [{ type: 'metrics', data: { epoch: 1, val_loss: 0.5 } }]);
    await f.cp.appendLogs(attemptId, ['three']);
    await f.cp.completeAttempt('w', attemptId, ok({ n: 16 }));
    const logs = await f.cp.logs(id);
    expect(logs.map((l) => [l.nodeId, l.attempt, l.line])).toEqual([
      ['only', 1, 'one'],
      ['only', 1, 'two'],
      ['only', 1, 'three'],
    ]);
    expect((await f.cp.logs(id, { afterId: logs[1]?.id as number })).map((l) => l.line)).toEqual(['three']);
    const types = (await f.cp.events(id)).map((e) => e.type);
    expect(types).toEqual([
      'execution.queued',
      'node.queued',
      'execution.running',
      'node.running',
      'task.metrics',
      'node.succeeded',
      'execution.succeeded',
    ]);
    const metrics = (await f.cp.events(id)).find((e) => e.type === 'task.metrics');
    expect(metrics?.data).toEqual({ epoch: 1, val_loss: 0.5, attempt: 1 });
  });

  it('watch yields events as they come and ends after the terminal event', async () => {
    const id = await f.cp.launch('diamond', { x: 500 });
    const seen: string[] = [];
    const watching = (async () => {
      for await (const event of f.cp.watch(id)) seen.push(event.type);
    })();
    await sleep(50);
    await drive(f.cp, id, taskHandler(f.blobs));
    await watching;
    expect(seen[0]).toBe('execution.queued');
    expect(seen.at(-1)).toBe('execution.succeeded');
    expect(seen.filter((t) => t === 'node.succeeded')).toHaveLength(4);
    const all = await f.cp.events(id);
    expect(seen).toEqual(all.map((e) => e.type));
    const replay: string[] = [];
    for await (const event of f.cp.watch(id, { afterId: all.at(-1)?.id as number })) replay.push(event.type);
    expect(replay).toEqual([]);
    expect((await f.cp.waitForExecution(id, { timeoutMs: 1000 })).phase).toBe('SUCCEEDED');
  });

  it('waitForExecution times out naming the execution', async () => {
    const id = await f.cp.launch('single-flaky', { n: 17 });
    await expect(f.cp.waitForExecution(id, { timeoutMs: 30 })).rejects.toThrow(
      `execution ${id} is still QUEUED`,
    );
    await f.cp.cancel(id);
  });

  it('default hooks number model versions 1, 2, … per name and resolve them', async () => {
    const record = {
      name: 'roofs',
      artifacts: { model: 'file:///m.onnx' },
      metrics: { pixel_iou: 0.5 },
      source: {},
    };
    const lineage = { executionId: 'e', nodeId: 'register' };
    expect(await f.cp.hooks.registerModelVersion(record, lineage)).toEqual({ name: 'roofs', version: 1 });
    const versions = await Promise.all([1, 2, 3].map(() => f.cp.hooks.registerModelVersion(record, lineage)));
    expect(versions.map((v) => v.version).sort()).toEqual([2, 3, 4]);
    expect(await f.cp.hooks.registerModelVersion({ ...record, name: 'walls' }, lineage)).toEqual({
      name: 'walls',
      version: 1,
    });
    expect((await f.cp.hooks.resolveModelVersion('roofs')).version).toBe(4);
    expect(await f.cp.hooks.resolveModelVersion('roofs', 2)).toMatchObject({
      version: 2,
      metrics: { pixel_iou: 0.5 },
    });
    await expect(f.cp.hooks.resolveModelVersion('roofs', 9)).rejects.toThrow(
      'model roofs version 9 is not registered (known versions: 1, 2, 3, 4)',
    );
    await expect(f.cp.hooks.resolveModelVersion('doors')).rejects.toThrow(
      'model doors has no registered versions',
    );
  });
});
