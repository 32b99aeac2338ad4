/**
 * @module workflows/local-executor/in-process-attempt — runs a `placement: 'worker'` task inside the worker process
 * (it gets the control-plane hooks), with the same timeout and stop semantics as the pool, except that the task
 * cannot be killed: on timeout or stop its signal is aborted and the attempt ends at once; whatever the task still
 * does afterwards is ignored.
 */
import type { Config } from '../../shared/index.ts';
import type { BlobStore } from '../../storage/index.ts';
import type { AttemptResult, ClaimedAttempt } from '../executor-protocol.ts';
import type { ControlPlaneHooks, TaskDefinition, TaskEvent } from '../task-definition.ts';
import { runTaskAttempt } from './task-runner.ts';

/** A running in-process attempt. */
export type InProcessAttempt = {
  /** How it ended. */
  result: Promise<AttemptResult>;
  /** Aborts its signal and ends it ABORTED with `reason` (ignored once it has ended). */
  stop(reason: string): void;
};

/**
 * Starts a task attempt in this process.
 * @param definition - the task (placement `worker`)
 * @param attempt - the claimed attempt (inputs, output prefix, timeout, lineage)
 * @param parts - blob store, configuration, hooks (bound to this attempt's execution and node), log/event sinks
 * @returns the running attempt
 */
export function startInProcessAttempt(
  definition: TaskDefinition,
  attempt: ClaimedAttempt,
  parts: {
    blobs: BlobStore;
    config: Config;
    hooks: ControlPlaneHooks | undefined;
    log(line: string): void;
    emit(event: TaskEvent): void;
  },
): InProcessAttempt {
  const controller = new AbortController();
  let end = (_result: AttemptResult): void => {};
  const ended = new Promise<AttemptResult>((resolve) => (end = resolve));
  const finish = (result: AttemptResult, reason?: string): void => {
    if (controller.signal.aborted) return;
    controller.abort(new Error(reason ?? 'attempt ended'));
    end(result);
  };
  const timer = setTimeout(
    () =>
      finish(
        { phase: 'TIMED_OUT', error: `task ${attempt.task} timed out after ${attempt.timeoutMs} ms` },
        'timeout',
      ),
    attempt.timeoutMs,
  );
  const lineage = { executionId: attempt.executionId, nodeId: attempt.nodeId };
  const base = parts.hooks;
  const hooks: ControlPlaneHooks | undefined =
    base === undefined
      ? undefined
      : {
          // Lineage is the running attempt's, whatever the task passes.
          registerModelVersion: (record) => base.registerModelVersion(record, lineage),
          resolveModelVersion: (name, version) => base.resolveModelVersion(name, version),
        };
  const run = runTaskAttempt(definition, attempt.inputs, {
    identity: { executionId: attempt.executionId, nodeId: attempt.nodeId, attempt: attempt.attempt },
    blobs: parts.blobs,
    config: parts.config,
    outputPrefix: attempt.outputPrefix,
    signal: controller.signal,
    log: parts.log,
    emit: parts.emit,
    hooks,
  });
  void run.then((result) => finish(result));
  return {
    result: ended.finally(() => clearTimeout(timer)),
    stop: (reason) => finish({ phase: 'ABORTED', error: reason }, reason),
  };
}
