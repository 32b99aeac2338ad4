/**
 * @module workflows/test-support/test-tasks — the task catalog of the workflow tests (a catalog module: the pool's
 * children load it by path). Small tasks that each exercise one behaviour of the executors and the control plane.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { invalid } from '../../shared/index.ts';
import { defineTask } from '../task-definition.ts';
import type { TaskDefinition } from '../task-definition.ts';

/** Writes this process's id to `file` atomically (a reader never sees it half-written). */
async function writePid(file: string | undefined): Promise<void> {
  if (file === undefined) return;
  await writeFile(`${file}.tmp`, String(process.pid));
  await rename(`${file}.tmp`, file);
}

/** This module's path, for `catalogModule` options. */
export const testCatalogModule = new URL(import.meta.url).pathname;

/** Does nothing; not cached (the bench and throughput tests run it many times). */
export const noopTask = defineTask({
  name: 'noop',
  version: '1',
  description: 'Does nothing.',
  inputs: z.object({ n: z.number().optional() }),
  outputs: z.object({}),
  cache: false,
  run: async () => ({}),
});

/** Adds two numbers (inline data between nodes); cached. */
export const addTask = defineTask({
  name: 'add',
  version: '1',
  description: 'Adds two numbers.',
  inputs: z.object({ a: z.number(), b: z.number() }),
  outputs: z.object({ sum: z.number() }),
  run: async ({ a, b }) => ({ sum: a + b }),
});

/** Logs a line through the context, one on stdout and one on stderr, emits an event and returns its text. */
export const echoTask = defineTask({
  name: 'echo',
  version: '1',
  description: 'Logs and emits its text.',
  inputs: z.object({ text: z.string() }),
  outputs: z.object({ text: z.string() }),
  cache: false,
  run: async ({ text }, context) => {
    context.log(`log: ${text}`);
    process.stdout.write(`stdout: ${text}\n`);
    process.stderr.write(`stderr: ${text}\n`);
    context.emit({ type: 'echo', data: { text } });
    return { text };
  },
});

/** Writes a text blob under the attempt's output prefix and returns its URI (data passed by reference). */
export const writeTextTask = defineTask({
  name: 'write-text',
  version: '1',
  description: 'Writes a text blob and returns its URI.',
  inputs: z.object({ text: z.string(), name: z.string().default('text.txt') }),
  outputs: z.object({ uri: z.string() }),
  run: async ({ text, name }, { blobs, outputPrefix }) => ({
    uri: (await blobs.put(`${outputPrefix}/${name}`, text)).uri,
  }),
});

/** Reads a text blob by URI. */
export const readTextTask = defineTask({
  name: 'read-text',
  version: '1',
  description: 'Reads a text blob.',
  inputs: z.object({ uri: z.string() }),
  outputs: z.object({ text: z.string() }),
  run: async ({ uri }, { blobs }) => ({ text: (await blobs.getBytes(blobs.keyOf(uri))).toString('utf8') }),
});

/** Sleeps `ms`, honouring the abort signal; writes its process id to `pidFile` first when given. */
export const sleepTask = defineTask({
  name: 'sleep',
  version: '1',
  description: 'Sleeps, honouring cancellation.',
  inputs: z.object({ ms: z.number().int().nonnegative(), pidFile: z.string().optional() }),
  outputs: z.object({ slept: z.number() }),
  cache: false,
  run: async ({ ms, pidFile }, { signal }) => {
    await writePid(pidFile);
    await delay(ms, undefined, { signal });
    return { slept: ms };
  },
});

/** Ignores the abort signal and never ends on its own (timeout 1 s, no retries): only a kill stops it. */
export const hangTask = defineTask({
  name: 'hang',
  version: '1',
  description: 'Hangs, ignoring cancellation, until killed (1 s timeout).',
  inputs: z.object({ pidFile: z.string().optional() }),
  outputs: z.object({}),
  cache: false,
  timeoutMs: 1000,
  run: async ({ pidFile }) => {
    await writePid(pidFile);
    await new Promise(() => setInterval(() => {}, 1000));
    return {};
  },
});

/**
 * Fails its first `failures` runs, then succeeds; the run count lives in `counterFile` so it survives processes.
 * `retryable: false` fails with INVALID_PARAMETER_VALUE instead. Retries: 2, backoff 10 ms.
 */
export const failTask = defineTask({
  name: 'fail',
  version: '1',
  description: 'Fails a given number of times, then succeeds.',
  inputs: z.object({
    counterFile: z.string(),
    failures: z.number().int().nonnegative(),
    retryable: z.boolean().default(true),
  }),
  outputs: z.object({ runs: z.number() }),
  cache: false,
  retries: { retries: 2, backoffMs: 10, maxBackoffMs: 100 },
  run: async ({ counterFile, failures, retryable }) => {
    const runs = Number((await readFile(counterFile, 'utf8').catch(() => '0')) || '0') + 1;
    await writeFile(counterFile, String(runs));
    if (runs <= failures) {
      if (!retryable) invalid(`planned failure ${runs} of ${failures} (not retryable)`);
      throw new Error(`planned failure ${runs} of ${failures}`);
    }
    return { runs };
  },
});

/** Ends its own process: `exit` calls process.exit(3), `kill` sends itself SIGKILL. No retries. */
export const crashTask = defineTask({
  name: 'crash',
  version: '1',
  description: 'Kills its own process.',
  inputs: z.object({ mode: z.enum(['exit', 'kill']) }),
  outputs: z.object({}),
  cache: false,
  run: async ({ mode }) => {
    if (mode === 'exit') process.exit(3);
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => {});
    return {};
  },
});

/**
 * A long task that writes its only output at the end: waits `ms` (honouring the signal; pid in `pidFile` when
 * given), then writes `text` to `<outputPrefix>/out.txt` and returns its URI. For worker-death tests.
 */
export const slowWriteTask = defineTask({
  name: 'slow-write',
  version: '1',
  description: 'Waits, then writes one blob.',
  inputs: z.object({ ms: z.number().int().nonnegative(), text: z.string(), pidFile: z.string().optional() }),
  outputs: z.object({ uri: z.string() }),
  cache: false,
  run: async ({ ms, text, pidFile }, { blobs, outputPrefix, signal }) => {
    await writePid(pidFile);
    await delay(ms, undefined, { signal });
    return { uri: (await blobs.put(`${outputPrefix}/out.txt`, text)).uri };
  },
});

/** Runs on the worker and registers a model version through the control-plane hooks. */
export const registerModelTask = defineTask({
  name: 'register-model',
  version: '1',
  description: 'Registers a model version (worker placement, uses hooks).',
  inputs: z.object({ name: z.string(), metrics: z.record(z.string(), z.number()).default({}) }),
  outputs: z.object({ name: z.string(), version: z.number() }),
  placement: 'worker',
  cache: false,
  run: async ({ name, metrics }, { hooks }) => {
    if (hooks === undefined) invalid(`task register-model@1 needs control-plane hooks (placement worker)`);
    // The local worker binds the lineage to the running attempt; these ids are placeholders it replaces.
    return hooks.registerModelVersion(
      { name, artifacts: {}, metrics, source: { test: true } },
      { executionId: '', nodeId: '' },
    );
  },
});

/** Every test task (the catalog module's export). */
export const taskCatalog: readonly TaskDefinition[] = [
  noopTask,
  addTask,
  echoTask,
  writeTextTask,
  readTextTask,
  sleepTask,
  hangTask,
  failTask,
  crashTask,
  slowWriteTask,
  registerModelTask,
] as readonly TaskDefinition[];
