import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/index.ts';
import { createBlobStore } from '../../storage/index.ts';
import type { BlobStore } from '../../storage/index.ts';
import { testCatalogModule } from '../test-support/test-tasks.ts';
import type { JsonValue } from '../workflow-definition.ts';
import { createProcessPool } from './process-pool.ts';
import type { PoolAttempt, ProcessPool } from './process-pool.ts';
import type { TaskEvent } from '../task-definition.ts';

let dir: string;
let blobs: BlobStore;
let pool: ProcessPool;
let counter = 0;

function attempt(task: string, inputs: Record<string, JsonValue>, timeoutMs = 30_000): PoolAttempt {
  counter += 1;
  return {
    attemptId: `a${counter}`,
    task,
    inputs,
    outputPrefix: `executions/e/n/attempt-${counter}`,
    identity: { executionId: 'e', nodeId: 'n', attempt: counter },
    timeoutMs,
  };
}

function collector(): {
  lines: string[];
  events: TaskEvent[];
  log(line: string): void;
  event(e: TaskEvent): void;
} {
  const lines: string[] = [];
  const events: TaskEvent[] = [];
  return { lines, events, log: (line) => lines.push(line), event: (e) => events.push(e) };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await delay(25);
  expect(check()).toBe(true);
}

async function pidFrom(file: string): Promise<number> {
  for (let i = 0; i < 200 && !existsSync(file); i++) await delay(25);
  return Number(await readFile(file, 'utf8'));
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'fair-pool-test-'));
  const config = loadConfig({ FAIR_DATA_DIR: dir });
  blobs = await createBlobStore(undefined, { dataDir: dir, s3: config.s3 });
  pool = createProcessPool({
    catalogModule: testCatalogModule,
    size: 2,
    config,
    blobBaseUri: blobs.baseUri,
    killGraceMs: 300,
  });
});

afterEach(async () => {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

describe('process pool', () => {
  it('runs tasks in a reused child process and passes blobs by reference', async () => {
    const sink = collector();
    expect(await pool.run(attempt('add@1', { a: 2, b: 3 }), sink)).toEqual({
      phase: 'SUCCEEDED',
      outputs: { sum: 5 },
    });
    const pids = pool.pids();
    expect(pids).toHaveLength(1);
    const written = await pool.run(attempt('write-text@1', { text: 'hello' }), sink);
    expect(written.phase).toBe('SUCCEEDED');
    const uri = written.phase === 'SUCCEEDED' ? String(written.outputs['uri']) : '';
    expect(uri).toMatch(/attempt-\d+\/text\.txt$/);
    expect(await pool.run(attempt('read-text@1', { uri }), sink)).toEqual({
      phase: 'SUCCEEDED',
      outputs: { text: 'hello' },
    });
    expect(pool.pids()).toEqual(pids);
  });

  it("captures context.log, stdout and stderr into the attempt's log and forwards events", async () => {
    const sink = collector();
    const result = await pool.run(attempt('echo@1', { text: 'hi' }), sink);
    expect(result).toEqual({ phase: 'SUCCEEDED', outputs: { text: 'hi' } });
    expect([...sink.lines].sort()).toEqual(['log: hi', 'stderr: hi', 'stdout: hi']);
    expect(sink.events).toEqual([{ type: 'echo', data: { text: 'hi' } }]);
  });

  it('runs attempts in parallel up to its size', async () => {
    const runs = [1, 2, 3, 4].map(() => pool.run(attempt('sleep@1', { ms: 200 }), collector()));
    expect(pool.pids().length).toBeLessThanOrEqual(2);
    const results = await Promise.all(runs);
    expect(results.every((r) => r.phase === 'SUCCEEDED')).toBe(true);
    expect(pool.pids()).toHaveLength(2);
  });

  it('rejects inputs failing the schema as not retryable, naming the field', async () => {
    const result = await pool.run(attempt('add@1', { a: 1, b: 'x' }), collector());
    expect(result).toMatchObject({ phase: 'FAILED', retryable: false });
    expect(result.phase === 'FAILED' && result.error).toMatch(/inputs of task add@1: b:/);
  });

  it('fails an unknown task without retry', async () => {
    const result = await pool.run(attempt('nope@1', {}), collector());
    expect(result).toMatchObject({ phase: 'FAILED', retryable: false });
    expect(result.phase === 'FAILED' && result.error).toMatch(/task nope@1 is not in the catalog/);
  });

  it('kills a task that outlives its timeout (the process is gone) and replaces the process', async () => {
    const pidFile = path.join(dir, 'hang.pid');
    const run = pool.run(attempt('hang@1', { pidFile }, 500), collector());
    const pid = await pidFrom(pidFile);
    expect(await run).toEqual({ phase: 'TIMED_OUT', error: 'task hang@1 timed out after 500 ms' });
    expect(alive(pid)).toBe(false);
    expect(pool.pids()).not.toContain(pid);
    expect((await pool.run(attempt('add@1', { a: 1, b: 1 }), collector())).phase).toBe('SUCCEEDED');
  });

  it('stops a running attempt: ABORTED with the reason once its process is gone', async () => {
    const pidFile = path.join(dir, 'sleep.pid');
    const run = pool.run(attempt('sleep@1', { ms: 60_000, pidFile }), collector());
    const pid = await pidFrom(pidFile);
    const id = `a${counter}`;
    pool.stop(id, 'execution cancelled');
    expect(await run).toEqual({ phase: 'ABORTED', error: 'execution cancelled' });
    expect(alive(pid)).toBe(false);
  });

  it('reports a process that dies mid-task as a retryable failure', async () => {
    expect(await pool.run(attempt('crash@1', { mode: 'kill' }), collector())).toEqual({
      phase: 'FAILED',
      error: 'task process exited (signal SIGKILL)',
      retryable: true,
    });
    expect(await pool.run(attempt('crash@1', { mode: 'exit' }), collector())).toEqual({
      phase: 'FAILED',
      error: 'task process exited (code 3)',
      retryable: true,
    });
    expect((await pool.run(attempt('noop@1', {}), collector())).phase).toBe('SUCCEEDED');
  });

  it('fails attempts without retry when the catalog module cannot load', async () => {
    const bad = path.join(dir, 'bad-catalog.ts');
    await writeFile(bad, 'export const other = 1;\n');
    const badPool = createProcessPool({
      catalogModule: bad,
      size: 1,
      config: loadConfig({ FAIR_DATA_DIR: dir }),
      blobBaseUri: blobs.baseUri,
    });
    try {
      const result = await badPool.run(attempt('noop@1', {}), collector());
      expect(result).toMatchObject({ phase: 'FAILED', retryable: false });
      expect(result.phase === 'FAILED' && result.error).toMatch(/does not export a taskCatalog array/);
    } finally {
      await badPool.close();
    }
  });

  it('kills a process whose catalog never finishes loading; the attempt fails, retryable', async () => {
    const stuck = path.join(dir, 'stuck-catalog.mts');
    await writeFile(stuck, 'await new Promise(() => {});\nexport const taskCatalog = [];\n');
    const stuckPool = createProcessPool({
      catalogModule: stuck,
      size: 1,
      config: loadConfig({ FAIR_DATA_DIR: dir }),
      blobBaseUri: blobs.baseUri,
      startTimeoutMs: 1500,
    });
    try {
      expect(await stuckPool.run(attempt('noop@1', {}), collector())).toEqual({
        phase: 'FAILED',
        error: 'task process did not start within 1500 ms',
        retryable: true,
      });
      await until(() => stuckPool.pids().length === 0);
    } finally {
      await stuckPool.close();
    }
  });

  it('close kills running attempts and refuses new ones', async () => {
    const pidFile = path.join(dir, 'close.pid');
    const run = pool.run(attempt('sleep@1', { ms: 60_000, pidFile }), collector());
    const pid = await pidFrom(pidFile);
    await pool.close();
    expect(await run).toEqual({ phase: 'ABORTED', error: 'executor closed' });
    expect(alive(pid)).toBe(false);
    expect(pool.pids()).toEqual([]);
    expect(() => pool.run(attempt('noop@1', {}), collector())).toThrow(/process pool is closed/);
  });
});
