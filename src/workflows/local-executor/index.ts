/**
 * @module workflows/local-executor — the local executor: a worker loop over the executor protocol, a pool of
 * killable task processes, in-process `worker` tasks, and standalone single-task runs (`fair worker run-task`).
 */
export { createLocalWorker, STOPPED_BY_CONTROL_PLANE } from './local-worker.ts';
export type { LocalWorker, LocalWorkerOptions, WorkerActivity } from './local-worker.ts';
export { createProcessPool } from './process-pool.ts';
export type { PoolAttempt, PoolCallbacks, ProcessPool, ProcessPoolOptions } from './process-pool.ts';
export { runTaskStandalone, findTask } from './run-task.ts';
export type { RunTaskOptions } from './run-task.ts';
export { MAX_INLINE_OUTPUT_BYTES, errorResult, runTaskAttempt } from './task-runner.ts';
export type { TaskRunParts } from './task-runner.ts';
export { createAttemptOutbox, MAX_LOG_LINE_CHARS } from './attempt-outbox.ts';
export type { AttemptOutbox } from './attempt-outbox.ts';
