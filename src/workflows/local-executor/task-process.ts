/**
 * @module workflows/local-executor/task-process — the entry of a pool child (`node --import tsx task-process.ts`):
 * says `hello`, receives `init` (catalog module, configuration, blob store, scratch folder), loads the catalog, answers `ready`,
 * then runs `run` requests one at a time, sending `log`, `event` and finally `result` messages. It never opens the
 * database (PGlite belongs to one process). SIGTERM aborts the running task and exits once it has settled (the pool
 * sends SIGKILL after its grace period); losing the parent (IPC disconnect) exits at once.
 */
import { rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createBlobStore } from '../../storage/index.ts';
import type { BlobStore } from '../../storage/index.ts';
import { taskRef } from '../task-definition.ts';
import type { TaskDefinition } from '../task-definition.ts';
import type { AttemptResult } from '../executor-protocol.ts';
import { END_OF_ATTEMPT_MARKER } from './pool-messages.ts';
import type { ChildMessage, InitMessage, ParentMessage, RunMessage } from './pool-messages.ts';
import { errorResult, runTaskAttempt } from './task-runner.ts';

type Loaded = { init: InitMessage; tasks: Map<string, TaskDefinition>; blobs: BlobStore };
type Current = { controller: AbortController; done: Promise<void> };

let loaded: Promise<Loaded> | undefined;
let current: Current | undefined;
let scratchRoot: string | undefined;
const queue: RunMessage[] = [];

process.on('message', (message: ParentMessage) => {
  if (message.type === 'init') {
    scratchRoot = message.scratchRoot;
    loaded = load(message);
    loaded.then(
      () => send({ type: 'ready', pid: process.pid }),
      (error: unknown) => {
        send({ type: 'fatal', error: error instanceof Error ? error.message : String(error) });
        process.disconnect();
      },
    );
  } else {
    queue.push(message);
    if (current === undefined) void drain();
  }
});
process.on('disconnect', () => {
  // The worker is gone (killed): nobody else removes the scratch folder.
  if (scratchRoot !== undefined) rmSync(scratchRoot, { recursive: true, force: true });
  process.exit(0);
});
// IPC messages that arrive before a listener exists are dropped, so the pool sends `init` only after this.
send({ type: 'hello' });
process.on('SIGTERM', () => {
  if (current === undefined) process.exit(0);
  current.controller.abort(new Error('task process terminated'));
  void current.done.finally(() => process.exit(0));
});

/**
 * Loads the catalog module and opens the parent's blob store.
 * @throws Error when the module has no `taskCatalog` array
 */
async function load(init: InitMessage): Promise<Loaded> {
  const url = /^[a-z][a-z0-9+.-]*:/i.test(init.catalogModule)
    ? init.catalogModule
    : pathToFileURL(init.catalogModule).href;
  const module = (await import(url)) as { taskCatalog?: unknown };
  if (!Array.isArray(module.taskCatalog)) {
    throw new Error(`catalog module ${init.catalogModule} does not export a taskCatalog array`);
  }
  const tasks = new Map<string, TaskDefinition>();
  for (const task of module.taskCatalog as TaskDefinition[]) tasks.set(taskRef(task), task);
  const blobs = await createBlobStore(init.blobBaseUri, { dataDir: init.config.dataDir, s3: init.config.s3 });
  return { init, tasks, blobs };
}

/** Runs queued requests one after the other. */
async function drain(): Promise<void> {
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const controller = new AbortController();
    let finish = (): void => {};
    current = { controller, done: new Promise<void>((resolve) => (finish = resolve)) };
    const result = await runOne(next, controller.signal);
    process.stdout.write(`${END_OF_ATTEMPT_MARKER}${next.attemptId}\n`);
    process.stderr.write(`${END_OF_ATTEMPT_MARKER}${next.attemptId}\n`);
    send({ type: 'result', attemptId: next.attemptId, result });
    current = undefined;
    finish();
  }
}

async function runOne(request: RunMessage, signal: AbortSignal): Promise<AttemptResult> {
  try {
    if (loaded === undefined) throw new Error('task process received a run request before init');
    const { init, tasks, blobs } = await loaded;
    const definition = tasks.get(request.task);
    if (definition === undefined) {
      return {
        phase: 'FAILED',
        error: `task ${request.task} is not in the catalog ${init.catalogModule}`,
        retryable: false,
      };
    }
    const { attemptId } = request;
    return await runTaskAttempt(definition, request.inputs, {
      blobs,
      config: init.config,
      outputPrefix: request.outputPrefix,
      identity: request.identity,
      signal,
      log: (line) => send({ type: 'log', attemptId, line }),
      emit: (event) => send({ type: 'event', attemptId, event }),
      scratchRoot: init.scratchRoot,
    });
  } catch (error) {
    return errorResult(error);
  }
}

function send(message: ChildMessage): void {
  if (process.connected) process.send?.(message);
}
