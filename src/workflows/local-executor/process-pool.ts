/**
 * @module workflows/local-executor/process-pool — long-lived child processes that run `placement: 'process'` tasks:
 * started lazily, reused one attempt at a time, killable (SIGTERM, then SIGKILL after a grace period) for cancel and
 * timeout, replaced when they die. stdout and stderr of a child go line by line into the running attempt's log.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { invalid } from '../../shared/index.ts';
import type { Config } from '../../shared/index.ts';
import type { AttemptResult } from '../executor-protocol.ts';
import type { AttemptIdentity, TaskEvent } from '../task-definition.ts';
import type { JsonValue } from '../workflow-definition.ts';
import { END_OF_ATTEMPT_MARKER } from './pool-messages.ts';
import type { ChildMessage, ParentMessage } from './pool-messages.ts';

/** What the pool needs to know of an attempt. */
export type PoolAttempt = {
  attemptId: string;
  /** `name@version`; must be in the catalog module. */
  task: string;
  inputs: Record<string, JsonValue>;
  outputPrefix: string;
  /** The attempt's execution, node and number, passed to the task's context. */
  identity: AttemptIdentity;
  /** Wall-clock limit; the process is killed and the attempt TIMED_OUT after it. */
  timeoutMs: number;
};

/** Where an attempt's output goes while it runs. */
export type PoolCallbacks = {
  /** One line of stdout/stderr or of `context.log`. */
  log(line: string): void;
  /** A task event (`context.emit`). */
  event(event: TaskEvent): void;
};

/** Options of {@link createProcessPool}. */
export type ProcessPoolOptions = {
  /** File URL or path of the module exporting `taskCatalog`. */
  catalogModule: string;
  /** Most children alive at once (≥ 1). */
  size: number;
  /** Configuration handed to every child. */
  config: Config;
  /** Base URI of the blob store the children open. */
  blobBaseUri: string;
  /** Wait between SIGTERM and SIGKILL, default 2000 ms. */
  killGraceMs?: number;
  /** Longest start of a child (loading the catalog), default 60 000 ms; then it is killed and its attempt fails. */
  startTimeoutMs?: number;
};

/** A pool of task processes. */
export interface ProcessPool {
  /**
   * Runs an attempt in a free child (waiting for one when all are busy).
   * @returns how it ended: the task's result; TIMED_OUT after `timeoutMs`; ABORTED after `stop`; FAILED (retryable)
   *   when the process died ("task process exited (signal SIGKILL)")
   */
  run(attempt: PoolAttempt, callbacks: PoolCallbacks): Promise<AttemptResult>;
  /**
   * Stops an attempt: its process gets SIGTERM, then SIGKILL after the grace period, and is replaced; the attempt's
   * `run` resolves ABORTED with `reason` once the process is gone. Unknown or finished attempts are ignored.
   */
  stop(attemptId: string, reason: string): void;
  /** Process ids of the live children (for diagnostics and tests). */
  pids(): number[];
  /** Kills every child (running attempts end ABORTED) and waits until they are gone; later `run` calls throw. */
  close(): Promise<void>;
}

type ActiveRun = {
  attemptId: string;
  callbacks: PoolCallbacks;
  resolve(result: AttemptResult): void;
  result: AttemptResult | undefined;
  /** stdout and stderr markers still to come. */
  markersLeft: number;
  timer: NodeJS.Timeout | undefined;
};

type Child = {
  process: ChildProcess;
  scratchRoot: string;
  /** Resolves when the child is ready (undefined) or with the failure its attempt gets when it cannot start. */
  ready: Promise<AttemptResult | undefined>;
  run: ActiveRun | undefined;
  /** Set when the pool kills the child: the result its running attempt gets. */
  ending: AttemptResult | undefined;
  closed: Promise<void>;
};

type Waiter = { attempt: PoolAttempt; callbacks: PoolCallbacks; resolve(result: AttemptResult): void };

const entry = fileURLToPath(new URL('./task-process.ts', import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * Creates a pool of task processes (`node --import tsx task-process.ts`), each loading `catalogModule`.
 * @param options - catalog module, size, configuration, blob store base URI, kill grace period
 * @returns the pool; call `close()` when done
 * @throws AppError INVALID_PARAMETER_VALUE for a size below 1
 * @example
 * const pool = createProcessPool({ catalogModule, size: 2, config, blobBaseUri: blobs.baseUri });
 * const result = await pool.run(attempt, { log: (line) => lines.push(line), event: () => {} });
 */
export function createProcessPool(options: ProcessPoolOptions): ProcessPool {
  if (!Number.isInteger(options.size) || options.size < 1)
    invalid(`pool size ${options.size} is not an integer ≥ 1`);
  const graceMs = options.killGraceMs ?? 2000;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const children = new Set<Child>();
  const idle: Child[] = [];
  const waiting: Waiter[] = [];
  let closed = false;

  function spawnChild(): Child {
    const scratchRoot = mkdtempSync(path.join(os.tmpdir(), 'fair-task-process-'));
    const proc = fork(entry, [], {
      execArgv: ['--import', tsxLoader],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Its own process group, so a kill reaches whatever the task started too.
      detached: true,
    });
    let markReady = (_failure: AttemptResult | undefined): void => {};
    const child: Child = {
      process: proc,
      scratchRoot,
      ready: new Promise((resolve) => (markReady = resolve)),
      run: undefined,
      ending: undefined,
      closed: new Promise((resolve) => proc.once('close', () => resolve())),
    };
    children.add(child);
    proc.on('message', (message: ChildMessage) => onMessage(child, message, markReady));
    proc.on('error', () => {});
    readLines(proc.stdout, (line) => onLine(child, line));
    readLines(proc.stderr, (line) => onLine(child, line));
    proc.once('close', (code, signal) => {
      markReady({
        phase: 'FAILED',
        error: `task process exited before it was ready (${exitDescription(code, signal)})`,
        retryable: true,
      });
      onClose(child, code, signal);
    });
    // A child that never gets ready (a catalog stuck loading) is killed; its attempt fails, retryable.
    const startTimer = setTimeout(() => {
      markReady({
        phase: 'FAILED',
        error: `task process did not start within ${startTimeoutMs} ms`,
        retryable: true,
      });
      signalGroup(proc, 'SIGKILL');
    }, startTimeoutMs);
    startTimer.unref();
    void child.ready.then(() => clearTimeout(startTimer));
    return child;
  }

  function onMessage(
    child: Child,
    message: ChildMessage,
    markReady: (failure: AttemptResult | undefined) => void,
  ): void {
    if (message.type === 'hello') {
      const init: ParentMessage = {
        type: 'init',
        catalogModule: options.catalogModule,
        config: options.config,
        blobBaseUri: options.blobBaseUri,
        scratchRoot: child.scratchRoot,
      };
      child.process.send(init, ignoreSendError);
      return;
    }
    if (message.type === 'ready') return markReady(undefined);
    if (message.type === 'fatal') {
      return markReady({
        phase: 'FAILED',
        error: `task process failed to start: ${message.error}`,
        retryable: false,
      });
    }
    const run = child.run;
    if (run === undefined || run.attemptId !== message.attemptId || run.result !== undefined) return;
    if (message.type === 'log') run.callbacks.log(message.line);
    else if (message.type === 'event') run.callbacks.event(message.event);
    else {
      run.result = message.result;
      maybeFinish(child);
    }
  }

  function onLine(child: Child, line: string): void {
    const run = child.run;
    const at = line.indexOf(END_OF_ATTEMPT_MARKER);
    if (at < 0) {
      if (run !== undefined) run.callbacks.log(line);
      return;
    }
    if (at > 0 && run !== undefined) run.callbacks.log(line.slice(0, at));
    if (run !== undefined && line.slice(at + END_OF_ATTEMPT_MARKER.length) === run.attemptId) {
      run.markersLeft -= 1;
      maybeFinish(child);
    }
  }

  function maybeFinish(child: Child): void {
    const run = child.run;
    if (run === undefined || run.result === undefined || run.markersLeft > 0 || child.ending !== undefined)
      return;
    clearTimeout(run.timer);
    child.run = undefined;
    run.resolve(run.result);
    release(child);
  }

  function onClose(child: Child, code: number | null, signal: NodeJS.Signals | null): void {
    children.delete(child);
    const at = idle.indexOf(child);
    if (at >= 0) idle.splice(at, 1);
    rmSync(child.scratchRoot, { recursive: true, force: true });
    const run = child.run;
    child.run = undefined;
    if (run !== undefined) {
      clearTimeout(run.timer);
      run.resolve(
        child.ending ?? {
          phase: 'FAILED',
          error: `task process exited (${exitDescription(code, signal)})`,
          retryable: true,
        },
      );
    }
    // A replacement for a killed child, so the next attempt finds a warm process.
    if (child.ending !== undefined && !closed && children.size < options.size) release(spawnChild());
    else dispatch();
  }

  function terminate(child: Child, ending: AttemptResult): void {
    if (child.ending !== undefined) return;
    child.ending = ending;
    signalGroup(child.process, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child.process, 'SIGKILL'), graceMs);
    timer.unref();
    void child.closed.then(() => clearTimeout(timer));
  }

  /** Gives a free child the next waiting attempt, or parks it. */
  function release(child: Child): void {
    const next = waiting.shift();
    if (next === undefined) idle.push(child);
    else void start(child, next);
  }

  /** Starts children for waiting attempts while the pool has room. */
  function dispatch(): void {
    while (waiting.length > 0 && !closed) {
      const child = idle.pop() ?? (children.size < options.size ? spawnChild() : undefined);
      if (child === undefined) return;
      const next = waiting.shift();
      if (next !== undefined) void start(child, next);
    }
  }

  async function start(child: Child, waiter: Waiter): Promise<void> {
    const { attempt, callbacks, resolve } = waiter;
    const run: ActiveRun = {
      attemptId: attempt.attemptId,
      callbacks,
      resolve,
      result: undefined,
      markersLeft: 2,
      timer: undefined,
    };
    child.run = run;
    const startFailure = await child.ready;
    if (child.ending !== undefined || child.run !== run) return;
    if (startFailure !== undefined) {
      child.run = undefined;
      resolve(startFailure);
      return;
    }
    // The clock starts once the process is ready: start-up time is not the task's.
    run.timer = setTimeout(() => {
      if (child.run !== run || run.result !== undefined) return;
      terminate(child, {
        phase: 'TIMED_OUT',
        error: `task ${attempt.task} timed out after ${attempt.timeoutMs} ms`,
      });
    }, attempt.timeoutMs);
    const message: ParentMessage = {
      type: 'run',
      attemptId: attempt.attemptId,
      task: attempt.task,
      inputs: attempt.inputs,
      outputPrefix: attempt.outputPrefix,
      identity: attempt.identity,
    };
    child.process.send(message, ignoreSendError);
  }

  return {
    run(attempt, callbacks) {
      if (closed) invalid(`process pool is closed; cannot run attempt ${attempt.attemptId}`);
      return new Promise<AttemptResult>((resolve) => {
        waiting.push({ attempt, callbacks, resolve });
        dispatch();
      });
    },
    stop(attemptId, reason) {
      const queued = waiting.findIndex((w) => w.attempt.attemptId === attemptId);
      if (queued >= 0) {
        const [waiter] = waiting.splice(queued, 1);
        waiter?.resolve({ phase: 'ABORTED', error: reason });
        return;
      }
      for (const child of children) {
        if (child.run?.attemptId === attemptId && child.run.result === undefined) {
          terminate(child, { phase: 'ABORTED', error: reason });
        }
      }
    },
    pids() {
      return [...children].flatMap((child) => (child.process.pid === undefined ? [] : [child.process.pid]));
    },
    async close() {
      closed = true;
      for (const waiter of waiting.splice(0)) waiter.resolve({ phase: 'ABORTED', error: 'executor closed' });
      for (const child of children) terminate(child, { phase: 'ABORTED', error: 'executor closed' });
      await Promise.all([...children].map((child) => child.closed));
    },
  };
}

/** Calls `onLine` for each line of a stream (a last line without newline included). */
function readLines(stream: Readable | null, onLine: (line: string) => void): void {
  if (stream === null) return;
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) onLine(part.endsWith('\r') ? part.slice(0, -1) : part);
  });
  stream.on('end', () => {
    if (rest !== '') onLine(rest);
    rest = '';
  });
}

/** Sends a signal to a child's process group (it leads one), or to the child alone when that fails. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/** A send to a child that has just died: its `close` handler reports the attempt. */
function ignoreSendError(): void {}

function exitDescription(code: number | null, signal: NodeJS.Signals | null): string {
  return signal !== null ? `signal ${signal}` : `code ${code ?? 'unknown'}`;
}
