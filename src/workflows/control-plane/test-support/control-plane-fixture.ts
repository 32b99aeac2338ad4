/**
 * @module workflows/control-plane/test-support/control-plane-fixture — a control plane on a fresh test database and a
 * file blob store in a temp dir, small test tasks and workflows, and a simulated executor that claims and completes
 * attempts through the ExecutorProtocol (no processes: the executor's own tests run real ones).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { Database } from '../../../db/index.ts';
import { migrate } from '../../../db/index.ts';
import type { TestDatabaseEngine } from '../../../db/test-support/test-databases.ts';
import { loadConfig } from '../../../shared/index.ts';
import { createBlobStore } from '../../../storage/index.ts';
import type { BlobStore } from '../../../storage/index.ts';
import type { AttemptResult, ClaimedAttempt } from '../../executor-protocol.ts';
import { defineTask } from '../../task-definition.ts';
import type { TaskDefinition } from '../../task-definition.ts';
import type { JsonValue, WorkflowDefinition } from '../../workflow-definition.ts';
import { createControlPlane } from '../control-plane.ts';
import type { ControlPlane } from '../control-plane.ts';
import { workflowMigrations } from '../migrations.ts';

/** A control plane on a private database and blob store. */
export type Fixture = { db: Database; blobs: BlobStore; cp: ControlPlane; close(): Promise<void> };

/** `add@1`: a + b (inline values). */
export const addTask = defineTask({
  name: 'add',
  version: '1',
  description: 'Adds two numbers.',
  inputs: z.object({ a: z.number(), b: z.number().default(0) }),
  outputs: z.object({ sum: z.number() }),
  run: async ({ a, b }) => ({ sum: a + b }),
});

/** `flaky@1`: retried twice with a short backoff. */
export const flakyTask = defineTask({
  name: 'flaky',
  version: '1',
  description: 'Fails as told.',
  inputs: z.object({ n: z.number() }),
  outputs: z.object({ n: z.number() }),
  retries: { retries: 2, backoffMs: 20, maxBackoffMs: 30 },
  cache: false,
  run: async ({ n }) => ({ n }),
});

/** `write@1`: returns a blob URI (the simulated worker writes it). */
export const writeTask = defineTask({
  name: 'write',
  version: '1',
  description: 'Writes text to a blob.',
  inputs: z.object({ text: z.string() }),
  outputs: z.object({ file: z.string() }),
  run: async () => ({ file: '' }),
});

/** `concat@1`: reads two blobs, writes one. */
export const concatTask = defineTask({
  name: 'concat',
  version: '1',
  description: 'Concatenates two blobs.',
  inputs: z.object({ left: z.string(), right: z.string() }),
  outputs: z.object({ file: z.string() }),
  run: async () => ({ file: '' }),
});

/** Every test task. */
export const testTasks: readonly TaskDefinition[] = [
  addTask,
  flakyTask,
  writeTask,
  concatTask,
] as TaskDefinition[];

/** `diamond@1`: top → (left, right) → bottom, data passed inline: bottom.sum = (x+1) + (x+2)... */
export const diamondWorkflow: WorkflowDefinition = {
  name: 'diamond',
  version: '1',
  description: 'A diamond of additions.',
  inputs: z.object({ x: z.number().int().min(0).max(1000) }),
  nodes: [
    { id: 'top', task: 'add@1', inputs: { a: { input: 'x' }, b: { value: 1 } } },
    { id: 'left', task: 'add@1', inputs: { a: { node: 'top', output: 'sum' }, b: { value: 10 } } },
    { id: 'right', task: 'add@1', inputs: { a: { node: 'top', output: 'sum' }, b: { value: 100 } } },
    {
      id: 'bottom',
      task: 'add@1',
      inputs: { a: { node: 'left', output: 'sum' }, b: { node: 'right', output: 'sum' } },
    },
  ],
  outputs: { total: { node: 'bottom', output: 'sum' } },
};

/** `single@1`: one `flaky` node. */
export const flakyWorkflow: WorkflowDefinition = {
  name: 'single-flaky',
  version: '1',
  description: 'One flaky node.',
  inputs: z.object({ n: z.number() }),
  nodes: [{ id: 'only', task: 'flaky@1', inputs: { n: { input: 'n' } } }],
  outputs: { n: { node: 'only', output: 'n' } },
};

/** `files@1`: two writes → concat (blob references between nodes). */
export const filesWorkflow: WorkflowDefinition = {
  name: 'files',
  version: '1',
  description: 'Two blobs concatenated.',
  inputs: z.object({ a: z.string(), b: z.string() }),
  nodes: [
    { id: 'first', task: 'write@1', inputs: { text: { input: 'a' } } },
    { id: 'second', task: 'write@1', inputs: { text: { input: 'b' } } },
    {
      id: 'joined',
      task: 'concat@1',
      inputs: { left: { node: 'first', output: 'file' }, right: { node: 'second', output: 'file' } },
    },
  ],
  outputs: { file: { node: 'joined', output: 'file' } },
};

/**
 * Opens a control plane on a fresh database of the engine and a file blob store in a temp dir, with the test tasks
 * and workflows registered.
 * @param engine - the database engine
 * @returns the fixture; close it after the test
 */
export async function openFixture(engine: TestDatabaseEngine): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'fair-cp-'));
  const db = await engine.open();
  await migrate(db, 'workflows', workflowMigrations);
  const blobs = await createBlobStore(`file://${dir}/blobs`, { dataDir: dir, s3: loadConfig({}).s3 });
  const cp = createControlPlane({ db, blobs, tasks: testTasks });
  await cp.registerAll(testTasks, [diamondWorkflow, flakyWorkflow, filesWorkflow]);
  return {
    db,
    blobs,
    cp,
    async close() {
      await cp.close();
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** What the simulated worker does with an attempt. */
export type Handler = (attempt: ClaimedAttempt) => Promise<AttemptResult> | AttemptResult;

/**
 * Runs the built-in semantics of the test tasks: add sums; write puts the text under the attempt's prefix; concat
 * joins two blobs; flaky echoes.
 * @param blobs - the store
 * @returns a handler
 */
export function taskHandler(blobs: BlobStore): Handler {
  return async (attempt) => {
    const inputs = attempt.inputs as Record<string, JsonValue>;
    const name = attempt.task.split('@')[0];
    if (name === 'add') return ok({ sum: Number(inputs['a']) + Number(inputs['b'] ?? 0) });
    if (name === 'write') {
      const info = await blobs.put(`${attempt.outputPrefix}/text.txt`, String(inputs['text']));
      return ok({ file: info.uri });
    }
    if (name === 'concat') {
      const left = await blobs.getBytes(blobs.keyOf(String(inputs['left'])));
      const right = await blobs.getBytes(blobs.keyOf(String(inputs['right'])));
      const info = await blobs.put(`${attempt.outputPrefix}/joined.txt`, Buffer.concat([left, right]));
      return ok({ file: info.uri });
    }
    return ok({ ...inputs });
  };
}

/**
 * A successful result.
 * @param outputs - the outputs
 */
export function ok(outputs: Record<string, JsonValue>): AttemptResult {
  return { phase: 'SUCCEEDED', outputs };
}

/**
 * Claims and completes attempts until the execution ends (waiting for backoffs through `waitForWork`).
 * @param cp - the control plane
 * @param executionId - the execution to drive
 * @param handler - what each attempt returns
 * @param workerId - the simulated worker's id, default `test-worker`
 * @returns every attempt claimed, in order
 */
export async function drive(
  cp: ControlPlane,
  executionId: string,
  handler: Handler,
  workerId = 'test-worker',
): Promise<ClaimedAttempt[]> {
  const claimed: ClaimedAttempt[] = [];
  for (let round = 0; round < 200; round++) {
    const execution = await cp.getExecution(executionId);
    if (!['QUEUED', 'RUNNING'].includes(execution.phase)) return claimed;
    const batch = await cp.claimAttempts(workerId, 4, 30_000);
    for (const attempt of batch) {
      claimed.push(attempt);
      await cp.completeAttempt(workerId, attempt.attemptId, await handler(attempt));
    }
    if (batch.length === 0) await cp.waitForWork(200);
  }
  throw new Error(`execution ${executionId} did not end after 200 rounds`);
}
