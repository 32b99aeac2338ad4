/**
 * @module workflows/local-executor/local-worker — the local executor's loop: claims attempts up to its free slots,
 * runs `process` tasks in the process pool and `worker` tasks in-process (with the control-plane hooks), renews
 * leases by heartbeat and stops the attempts the control plane gives back, batches logs and events, and reports
 * each result. Between claims it waits for `waitForWork` (a NOTIFY) or a freed slot.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { invalid } from '../../shared/index.ts';
import type { Config } from '../../shared/index.ts';
import type { BlobStore } from '../../storage/index.ts';
import type { AttemptResult, ClaimedAttempt, ExecutorProtocol } from '../executor-protocol.ts';
import { taskRef } from '../task-definition.ts';
import type { ControlPlaneHooks, TaskDefinition } from '../task-definition.ts';
import { createAttemptOutbox } from './attempt-outbox.ts';
import { startInProcessAttempt } from './in-process-attempt.ts';
import { createProcessPool } from './process-pool.ts';

/** Options of {@link createLocalWorker}. */
export type LocalWorkerOptions = {
  /** The control plane. */
  protocol: ExecutorProtocol;
  /** Tasks this worker runs (`worker` tasks run from here; `process` tasks from `catalogModule`). */
  tasks: readonly TaskDefinition[];
  /** File URL or path of the module the pool's children load (`export const taskCatalog`), holding `tasks`. */
  catalogModule: string;
  /** The blob store (children open the same base URI). */
  blobs: BlobStore;
  config: Config;
  /** Control-plane services for `worker` tasks, default none (such tasks then fail). */
  hooks?: ControlPlaneHooks;
  /** Attempts run at once, default `config.workerConcurrency`, else the number of cores. */
  concurrency?: number;
  /** Lease length, default `config.leaseSeconds` × 1000. */
  leaseMs?: number;
  /** Heartbeat period, default a third of the lease. */
  heartbeatMs?: number;
  /** Default `<hostname>:<pid>:<random>`. */
  workerId?: string;
  /** Longest wait for work between claims (picks up retries whose backoff has passed), default 1000 ms. */
  pollMs?: number;
  /** Wait between SIGTERM and SIGKILL of a stopped task process, default 2000 ms. */
  killGraceMs?: number;
  /** Called when an attempt starts and when it ends (`recorded`: the control plane accepted the result). */
  onActivity?: (activity: WorkerActivity) => void;
  /** Called with errors of the loop, heartbeats and log sends (the worker carries on), default ignore. */
  onError?: (error: unknown) => void;
};

/** What a worker reports about its attempts. */
export type WorkerActivity =
  | { type: 'started'; attempt: ClaimedAttempt }
  | { type: 'finished'; attempt: ClaimedAttempt; result: AttemptResult; recorded: boolean };

/** A running local executor. */
export interface LocalWorker {
  readonly workerId: string;
  /** Starts the loop (idempotent). */
  start(): void;
  /**
   * Stops claiming. Running attempts are killed and left to lease expiry (another worker retries them), or, with
   * `drain`, run to the end and are reported. Resolves when every task process is gone.
   */
  stop(options?: { drain?: boolean }): Promise<void>;
  /**
   * Starts the loop if needed, resolves the first time nothing is running and a claim finds nothing, then stops.
   * Retries waiting for their backoff are not work yet: poll the execution instead when those matter.
   */
  runUntilIdle(): Promise<void>;
}

type Running = { attempt: ClaimedAttempt; stop(reason: string): void; done: Promise<void> };

/** Why the control plane stopped an attempt, as its ABORTED error says. */
export const STOPPED_BY_CONTROL_PLANE = 'stopped by the control plane (execution cancelled or lease lost)';

/**
 * Creates a local worker (not started).
 * @param options - protocol, tasks, catalog module, blob store, configuration and the optional settings above
 * @returns the worker
 * @throws AppError INVALID_PARAMETER_VALUE for a concurrency below 1 or a lease not longer than the heartbeat
 * @example
 * const worker = createLocalWorker({ protocol: controlPlane, tasks: builtinTasks, catalogModule: builtinCatalogModule,
 *   blobs, config, hooks: controlPlane.hooks });
 * worker.start();
 * process.once('SIGTERM', () => void worker.stop());
 */
export function createLocalWorker(options: LocalWorkerOptions): LocalWorker {
  const { protocol, blobs, config } = options;
  const concurrency = options.concurrency ?? config.workerConcurrency ?? os.availableParallelism();
  const leaseMs = options.leaseMs ?? config.leaseSeconds * 1000;
  const heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.floor(leaseMs / 3));
  const pollMs = options.pollMs ?? 1000;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    invalid(`worker concurrency ${concurrency} is not an integer ≥ 1`);
  if (!(heartbeatMs < leaseMs))
    invalid(`heartbeat ${heartbeatMs} ms is not shorter than the lease ${leaseMs} ms`);
  const workerId = options.workerId ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const onError = options.onError ?? ((): void => {});
  const tasks = new Map(options.tasks.map((task) => [taskRef(task), task]));
  const pool = createProcessPool({
    catalogModule: options.catalogModule,
    size: concurrency,
    config,
    blobBaseUri: blobs.baseUri,
    ...(options.killGraceMs === undefined ? {} : { killGraceMs: options.killGraceMs }),
  });
  const outbox = createAttemptOutbox(protocol, { onError });
  const running = new Map<string, Running>();
  let loop: Promise<void> | undefined;
  let stopping = false;
  let abandon = false;
  let heartbeat: NodeJS.Timeout | undefined;
  let heartbeatInFlight = false;
  let wake = deferred();
  const idleWaiters: (() => void)[] = [];

  const poke = (): void => {
    wake.resolve();
    wake = deferred();
  };

  function execute(attempt: ClaimedAttempt): { result: Promise<AttemptResult>; stop(reason: string): void } {
    const definition = tasks.get(attempt.task);
    const log = (line: string): void => outbox.log(attempt.attemptId, line);
    const emit = (event: { type: string; data: Record<string, unknown> }): void =>
      outbox.event(attempt.attemptId, event);
    if (definition === undefined) {
      const known = [...tasks.keys()].join(', ');
      return {
        result: Promise.resolve({
          phase: 'FAILED',
          error: `task ${attempt.task} is not in this worker's catalog (known: ${known})`,
          retryable: false,
        }),
        stop: () => {},
      };
    }
    if (definition.placement === 'worker') {
      return startInProcessAttempt(definition, attempt, { blobs, config, hooks: options.hooks, log, emit });
    }
    const result = pool.run(
      {
        attemptId: attempt.attemptId,
        task: attempt.task,
        inputs: attempt.inputs,
        outputPrefix: attempt.outputPrefix,
        identity: { executionId: attempt.executionId, nodeId: attempt.nodeId, attempt: attempt.attempt },
        timeoutMs: attempt.timeoutMs,
      },
      { log, event: emit },
    );
    return { result, stop: (reason) => pool.stop(attempt.attemptId, reason) };
  }

  function launch(attempt: ClaimedAttempt): void {
    options.onActivity?.({ type: 'started', attempt });
    const handle = execute(attempt);
    const done = (async () => {
      const result = await handle.result;
      await outbox.finish(attempt.attemptId);
      let recorded = false;
      if (!abandon) {
        try {
          recorded = await protocol.completeAttempt(workerId, attempt.attemptId, result);
        } catch (error) {
          // The lease runs out and the control plane retries the attempt.
          onError(error);
        }
      }
      running.delete(attempt.attemptId);
      options.onActivity?.({ type: 'finished', attempt, result, recorded });
      poke();
    })();
    running.set(attempt.attemptId, { attempt, stop: handle.stop, done });
  }

  async function beat(): Promise<void> {
    if (heartbeatInFlight || running.size === 0 || abandon) return;
    heartbeatInFlight = true;
    try {
      const toStop = await protocol.heartbeat(workerId, [...running.keys()], leaseMs);
      for (const id of toStop) running.get(id)?.stop(STOPPED_BY_CONTROL_PLANE);
    } catch (error) {
      onError(error);
    } finally {
      heartbeatInFlight = false;
    }
  }

  async function run(): Promise<void> {
    while (!stopping) {
      const woken = wake.promise;
      const free = concurrency - running.size;
      let claimed: ClaimedAttempt[] = [];
      if (free > 0) {
        try {
          claimed = await protocol.claimAttempts(workerId, free, leaseMs);
        } catch (error) {
          onError(error);
          await Promise.race([woken, sleep(pollMs)]);
          continue;
        }
      }
      for (const attempt of claimed) {
        if (stopping) break;
        launch(attempt);
      }
      if (claimed.length > 0 || stopping) continue;
      if (free > 0 && running.size === 0) for (const resolve of idleWaiters.splice(0)) resolve();
      if (free === 0) {
        await woken;
        continue;
      }
      const waiting = new AbortController();
      try {
        await Promise.race([woken, protocol.waitForWork(pollMs, waiting.signal)]);
      } catch (error) {
        onError(error);
        await Promise.race([woken, sleep(pollMs)]);
      } finally {
        waiting.abort();
      }
    }
  }

  const worker: LocalWorker = {
    workerId,
    start() {
      if (loop !== undefined) return;
      if (stopping) invalid(`worker ${workerId} has been stopped; create a new one`);
      heartbeat = setInterval(() => void beat(), heartbeatMs);
      loop = run();
    },
    async stop(stopOptions = {}) {
      stopping = true;
      poke();
      for (const resolve of idleWaiters.splice(0)) resolve();
      await loop;
      if (stopOptions.drain !== true) {
        abandon = true;
        for (const entry of running.values()) entry.stop('worker stopped');
        await pool.close();
      }
      await Promise.all([...running.values()].map((entry) => entry.done));
      clearInterval(heartbeat);
      await outbox.close();
      await pool.close();
    },
    async runUntilIdle() {
      const idle = new Promise<void>((resolve) => idleWaiters.push(resolve));
      worker.start();
      await idle;
      await worker.stop();
    },
  };
  return worker;
}

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve = (): void => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
