/**
 * Durability of the local executor with whole processes: a worker process (the database owner, as `fair worker`
 * is) is killed with SIGKILL while a task runs; another worker then finds the lease expired, retries the attempt and
 * finishes the execution with exactly one set of outputs. On PGlite the new process reopens the database directory
 * the dead one held.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../src/db/test-support/test-databases.ts';
import { loadConfig } from '../src/shared/index.ts';
import { createLocalWorker, openWorkflowRuntime } from '../src/workflows/index.ts';
import { executorWorkflows } from '../src/workflows/test-support/executor-workflows.ts';
import { taskCatalog, testCatalogModule } from '../src/workflows/test-support/test-tasks.ts';
import type { WorkerProcessOptions } from '../src/workflows/test-support/worker-process.ts';

const workerScript = path.resolve(import.meta.dirname, '../src/workflows/test-support/worker-process.ts');
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  for (const start = Date.now(); !check(); await delay(25)) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
  }
}

describe.each(testDatabaseEngines())('worker durability on $name', (engine) => {
  it('SIGKILL of a worker process mid-task: lease expiry, retry, success with exactly one set of outputs', async () => {
    const database = await engine.create();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'fair-durability-'));
    const pidFile = path.join(dataDir, 'task.pid');
    const leaseMs = 2000;
    try {
      const options: WorkerProcessOptions = {
        dataDir,
        databaseUrl: database.url,
        leaseMs,
        launch: { workflow: 'slow-pipeline@1', inputs: { ms: 1500, text: 'exactly once', pidFile } },
      };
      const first = spawn(process.execPath, ['--import', tsx, workerScript, JSON.stringify(options)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      first.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      first.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        first.once('exit', (_code, signal) => resolve(signal)),
      );
      await until(
        'the first worker to start the slow task',
        () => /started \S+\/write#1/.test(stdout) && existsSync(pidFile),
      );
      const id = /execution (\S+)/.exec(stdout)?.[1] ?? '';
      const taskPid = Number(await readFile(pidFile, 'utf8'));
      expect(alive(taskPid)).toBe(true);

      first.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      // The task process notices its worker is gone and ends without writing anything.
      await until('the orphaned task process to end', () => !alive(taskPid));
      expect(stderr).not.toMatch(/worker error/);

      const config = loadConfig({ FAIR_DATA_DIR: dataDir, DATABASE_URL: database.url });
      const runtime = await openWorkflowRuntime(config, { tasks: taskCatalog, workflows: executorWorkflows });
      const worker = createLocalWorker({
        protocol: runtime.controlPlane,
        tasks: taskCatalog,
        catalogModule: testCatalogModule,
        blobs: runtime.blobs,
        config,
        concurrency: 2,
        leaseMs,
        pollMs: 100,
      });
      try {
        worker.start();
        const done = await runtime.controlPlane.waitForExecution(id, { timeoutMs: 30_000 });
        expect(done.phase).toBe('SUCCEEDED');
        expect(done.outputs).toEqual({
          text: 'exactly once',
          uri: runtime.blobs.uriOf(`executions/${id}/write/attempt-2/out.txt`),
        });
        const write = done.nodes.find((node) => node.id === 'write');
        expect(write?.attempts.map((a) => a.phase)).toEqual(['LOST', 'SUCCEEDED']);
        const written: string[] = [];
        for await (const blob of runtime.blobs.list(`executions/${id}/`)) written.push(blob.key);
        expect(written).toEqual([`executions/${id}/write/attempt-2/out.txt`]);
        const lineage = await runtime.controlPlane.lineage(
          runtime.blobs.uriOf(`executions/${id}/write/attempt-2/out.txt`),
        );
        expect(lineage.executionId).toBe(id);
      } finally {
        await worker.stop();
        await runtime.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
      await database.drop();
    }
  });
});
