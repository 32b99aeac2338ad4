/**
 * @module workflows/executor-protocol — the narrow interface between the control plane (state in the database:
 * registrations, executions, scheduling, cache, lineage) and executors (which only claim attempts, run them and
 * report back), as flyteadmin and flytepropeller are split. The local executor uses it now; a Kubernetes executor
 * will use the same calls.
 */
import type { JsonValue } from './workflow-definition.ts';

/** A task attempt handed to a worker: everything needed to run it without reading the database again. */
export type ClaimedAttempt = {
  /** Attempt id (unique across executions). */
  attemptId: string;
  executionId: string;
  nodeId: string;
  /** `name@version` of the task. */
  task: string;
  /** 1-based attempt number of this node (system retries after a lost lease count too). */
  attempt: number;
  /** Resolved inputs (small values inline, large ones as blob URIs). */
  inputs: Record<string, JsonValue>;
  /** Key prefix in the blob store owned by this attempt. */
  outputPrefix: string;
  /** Wall-clock limit of the attempt in ms. */
  timeoutMs: number;
  /** When the lease ends unless renewed by a heartbeat. */
  leaseExpiresAt: Date;
};

/** How an attempt ended, as the executor saw it. */
export type AttemptResult =
  | { phase: 'SUCCEEDED'; outputs: Record<string, JsonValue> }
  | { phase: 'FAILED'; error: string; retryable: boolean }
  | { phase: 'TIMED_OUT'; error: string }
  | { phase: 'ABORTED'; error: string };

/** The control plane as executors see it. All calls are idempotent for the same (attempt, worker). */
export interface ExecutorProtocol {
  /**
   * Claims up to `limit` queued attempts whose backoff has passed (`FOR UPDATE SKIP LOCKED`), oldest first, and
   * leases them to `workerId` for `leaseMs`. Also returns expired leases of dead workers to the queue first.
   */
  claimAttempts(workerId: string, limit: number, leaseMs: number): Promise<ClaimedAttempt[]>;
  /**
   * Renews the leases of attempts the worker still runs.
   * @returns the attempt ids the worker must stop: cancelled executions, and leases it no longer holds
   */
  heartbeat(workerId: string, attemptIds: readonly string[], leaseMs: number): Promise<string[]>;
  /**
   * Records the end of an attempt and advances the execution (next nodes queued, retries scheduled, outputs and
   * lineage recorded). A result from a worker that no longer holds the lease is ignored, so outputs are recorded
   * exactly once.
   * @returns false when the result was ignored
   */
  completeAttempt(workerId: string, attemptId: string, result: AttemptResult): Promise<boolean>;
  /** Appends log lines of an attempt (stdout/stderr and `context.log`). */
  appendLogs(attemptId: string, lines: readonly string[]): Promise<void>;
  /** Appends task events (e.g. training metrics) to the execution's event stream. */
  appendEvents(
    attemptId: string,
    events: readonly { type: string; data: Record<string, unknown> }[],
  ): Promise<void>;
  /**
   * Resolves when there may be new queued work (a NOTIFY from a launch or a retry) or after `maxWaitMs`.
   */
  waitForWork(maxWaitMs: number, signal?: AbortSignal): Promise<void>;
}
