import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/index.ts';
import { migrate } from '../../db/index.ts';
import { testDatabaseEngines } from '../../db/test-support/test-databases.ts';
import { loadConfig } from '../../shared/index.ts';
import { createBlobStore } from '../../storage/index.ts';
import type { BlobStore } from '../../storage/index.ts';
import { createControlPlane } from '../control-plane/control-plane.ts';
import type { ControlPlane } from '../control-plane/control-plane.ts';
import { workflowMigrations } from '../control-plane/migrations.ts';
import { executorWorkflows } from '../test-support/executor-workflows.ts';
import { taskCatalog, testCatalogModule } from '../test-support/test-tasks.ts';
import { STOPPED_BY_CONTROL_PLANE, createLocalWorker } from './local-worker.ts';
import type { LocalWorker, WorkerActivity } from './local-worker.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  for (const start = Date.now(); !(await check()); await delay(25)) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
  }
}

async function pidFrom(file: string): Promise<number> {
  await until(`pid file ${file}`, () => existsSync(file));
  return Number(await readFile(file, 'utf8'));
}

describe.each(testDatabaseEngines())('local worker on $name', (engine) => {
  let dir: string;
  let db: Database;
  let blobs: BlobStore;
  let cp: ControlPlane;
  let worker: LocalWorker;
  const activity: WorkerActivity[] = [];
  const errors: unknown[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fair-worker-test-'));
    const config = loadConfig({ FAIR_DATA_DIR: dir });
    db = await engine.open();
    await migrate(db, 'workflows', workflowMigrations);
    blobs = await createBlobStore(undefined, { dataDir: dir, s3: config.s3 });
    cp = createControlPlane({ db, blobs, tasks: taskCatalog });
    await cp.registerAll(taskCatalog, executorWorkflows);
    worker = createLocalWorker({
      protocol: cp,
      tasks: taskCatalog,
      catalogModule: testCatalogModule,
      blobs,
      config,
      hooks: cp.hooks,
      concurrency: 2,
      leaseMs: 3000,
      heartbeatMs: 300,
      pollMs: 100,
      killGraceMs: 300,
      onActivity: (a) => activity.push(a),
      onError: (error) => errors.push(error),
    });
    worker.start();
  });

  afterAll(async () => {
    await worker?.stop();
    await cp?.close();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
    expect(errors).toEqual([]);
  });

  it('runs a DAG through the pool, passing inline values and blob references', async () => {
    const id = await cp.launch('chain@1', { x: 5, text: 'through a blob' });
    const done = await cp.waitForExecution(id, { timeoutMs: 30_000 });
    expect(done.phase).toBe('SUCCEEDED');
    expect(done.outputs).toEqual({ sum: 16, text: 'through a blob' });
    const write = done.nodes.find((node) => node.id === 'write');
    expect(write?.outputs?.['uri']).toBe(blobs.uriOf(`executions/${id}/write/attempt-1/text.txt`));
    const started = activity.filter((a) => a.type === 'started' && a.attempt.executionId === id);
    expect(started).toHaveLength(4);
  });

  it("stores the task's log lines (context.log, stdout, stderr) and events", async () => {
    const id = await cp.launch('single-echo@1', { text: 'hello' });
    expect((await cp.waitForExecution(id, { timeoutMs: 30_000 })).phase).toBe('SUCCEEDED');
    const lines = (await cp.logs(id)).map((line) => line.line);
    expect([...lines].sort()).toEqual(['log: hello', 'stderr: hello', 'stdout: hello']);
    const events = await cp.events(id);
    expect(events.find((event) => event.type === 'task.echo')?.data).toMatchObject({ text: 'hello' });
  });

  it('retries a failing task, then succeeds', async () => {
    const counterFile = path.join(dir, `count-${engine.name}-ok`);
    const id = await cp.launch('single-fail@1', { counterFile, failures: 1, retryable: true });
    const done = await cp.waitForExecution(id, { timeoutMs: 30_000 });
    expect(done.phase).toBe('SUCCEEDED');
    expect(done.nodes[0]?.attempts.map((a) => a.phase)).toEqual(['FAILED', 'SUCCEEDED']);
  });

  it('retries up to the limit, then fails keeping the last error', async () => {
    const counterFile = path.join(dir, `count-${engine.name}-fail`);
    const id = await cp.launch('single-fail@1', { counterFile, failures: 5, retryable: true });
    const done = await cp.waitForExecution(id, { timeoutMs: 30_000 });
    expect(done.phase).toBe('FAILED');
    const node = done.nodes[0];
    expect(node?.attempts.map((a) => a.phase)).toEqual(['FAILED', 'FAILED', 'FAILED']);
    expect(node?.error).toBe('planned failure 3 of 5');
  });

  it('does not retry an INVALID_PARAMETER_VALUE failure', async () => {
    const counterFile = path.join(dir, `count-${engine.name}-invalid`);
    const id = await cp.launch('single-fail@1', { counterFile, failures: 5, retryable: false });
    const done = await cp.waitForExecution(id, { timeoutMs: 30_000 });
    expect(done.phase).toBe('FAILED');
    expect(done.nodes[0]?.attempts).toHaveLength(1);
    expect(done.nodes[0]?.error).toBe('planned failure 1 of 5 (not retryable)');
  });

  it('kills a task process that outlives its timeout: TIMED_OUT, the process is gone', async () => {
    const pidFile = path.join(dir, `hang-${engine.name}.pid`);
    const id = await cp.launch('single-hang@1', { pidFile });
    const pid = await pidFrom(pidFile);
    const done = await cp.waitForExecution(id, { timeoutMs: 30_000 });
    expect(done.nodes[0]?.phase).toBe('TIMED_OUT');
    expect(done.nodes[0]?.error).toBe('task hang@1 timed out after 1000 ms');
    expect(alive(pid)).toBe(false);
  });

  it('cancel mid-task stops the task process and the execution is ABORTED', async () => {
    const pidFile = path.join(dir, `sleep-${engine.name}.pid`);
    const id = await cp.launch('single-sleep@1', { ms: 60_000, pidFile });
    const pid = await pidFrom(pidFile);
    expect(await cp.cancel(id)).toBe('ABORTED');
    await until('the task process to end', () => !alive(pid));
    await until('the attempt to be reported', () =>
      activity.some((a) => a.type === 'finished' && a.attempt.executionId === id),
    );
    const finished = activity.find((a) => a.type === 'finished' && a.attempt.executionId === id);
    expect(finished?.type === 'finished' && finished.result).toEqual({
      phase: 'ABORTED',
      error: STOPPED_BY_CONTROL_PLANE,
    });
    expect((await cp.getExecution(id)).phase).toBe('ABORTED');
  });

  it('reports a task process that dies mid-task as a failure naming the signal', async () => {
    const id = await cp.launch('single-crash@1', { mode: 'kill' });
    const done = await cp.waitForExecution(id, { timeoutMs: 30_000 });
    expect(done.phase).toBe('FAILED');
    expect(done.nodes[0]?.error).toBe('task process exited (signal SIGKILL)');
  });

  it('runs worker-placed tasks in the worker with the control-plane hooks, lineage bound to the attempt', async () => {
    const first = await cp.launch('single-register-model@1', { name: `m-${engine.name}` });
    const second = await cp.launch('single-register-model@1', { name: `m-${engine.name}` });
    const [a, b] = await Promise.all(
      [first, second].map((id) => cp.waitForExecution(id, { timeoutMs: 30_000 })),
    );
    const versions = [a, b].map((done) => done?.nodes[0]?.outputs?.['version']).sort();
    expect(versions).toEqual([1, 2]);
    const latest = await cp.hooks.resolveModelVersion(`m-${engine.name}`);
    expect(latest.version).toBe(2);
    expect(latest.metrics).toEqual({});
  });
});

describe.each(testDatabaseEngines())('stopping a local worker on $name', (engine) => {
  let dir: string;
  let db: Database;
  let cp: ControlPlane;
  let make: (lease?: number) => LocalWorker;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fair-worker-stop-test-'));
    const config = loadConfig({ FAIR_DATA_DIR: dir });
    db = await engine.open();
    await migrate(db, 'workflows', workflowMigrations);
    const blobs = await createBlobStore(undefined, { dataDir: dir, s3: config.s3 });
    cp = createControlPlane({ db, blobs, tasks: taskCatalog });
    await cp.registerAll(taskCatalog, executorWorkflows);
    make = (leaseMs = 60_000) =>
      createLocalWorker({
        protocol: cp,
        tasks: taskCatalog,
        catalogModule: testCatalogModule,
        blobs,
        config,
        concurrency: 1,
        leaseMs,
        pollMs: 100,
        killGraceMs: 300,
      });
  });

  afterAll(async () => {
    await cp?.close();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runUntilIdle runs what is queued, then stops', async () => {
    const id = await cp.launch('chain@1', { x: 1, text: 'idle' });
    await make().runUntilIdle();
    expect((await cp.getExecution(id)).phase).toBe('SUCCEEDED');
  });

  it('stop({ drain: true }) lets running attempts finish and reports them', async () => {
    const pidFile = path.join(dir, `drain-${engine.name}.pid`);
    const id = await cp.launch('single-sleep@1', { ms: 800, pidFile });
    const worker = make();
    worker.start();
    await pidFrom(pidFile);
    await worker.stop({ drain: true });
    expect((await cp.getExecution(id)).phase).toBe('SUCCEEDED');
  });

  it('stop() kills running attempts and leaves them to lease expiry; another worker retries them', async () => {
    const pidFile = path.join(dir, `stop-${engine.name}.pid`);
    const id = await cp.launch('single-sleep@1', { ms: 60_000, pidFile });
    const first = make(1000);
    first.start();
    const pid = await pidFrom(pidFile);
    await first.stop();
    expect(alive(pid)).toBe(false);
    const view = await cp.getExecution(id);
    expect(view.phase).toBe('RUNNING');
    expect(view.nodes[0]?.attempts.map((a) => a.phase)).toEqual(['RUNNING']);
    await rm(pidFile);
    const second = make(1000);
    second.start();
    try {
      await pidFrom(pidFile);
      await until(
        'the lost attempt to be retried',
        async () =>
          (await cp.getExecution(id)).nodes[0]?.attempts.map((a) => a.phase).join() === 'LOST,RUNNING',
      );
      await cp.cancel(id);
    } finally {
      await second.stop();
    }
  });
});
