/**
 * @module server/resources/common/execution-followers — follows workflow executions the resources launched (a
 * training, a prediction job) from their event stream to their end, in the API process: each event to a handler,
 * then the ended execution to another. A follower stopped by `close` (the server stops) is resumed by the next
 * process from the start of the stream, so handlers must be idempotent.
 */
import type { ControlPlane, ExecutionEvent, ExecutionView } from '../../../workflows/index.ts';

/** What to do with a followed execution. */
export type FollowHandlers = {
  /** Each event, in order. */
  onEvent?: (event: ExecutionEvent) => Promise<void>;
  /** The execution once it ended (SUCCEEDED, FAILED, ABORTED or TIMED_OUT). */
  onEnd: (execution: ExecutionView) => Promise<void>;
};

const ENDED = new Set(['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT']);

/** The followers of one process. */
export class ExecutionFollowers {
  readonly #controlPlane: ControlPlane;
  readonly #onError: (error: unknown) => void;
  readonly #running = new Map<string, { controller: AbortController; done: Promise<void> }>();

  /**
   * @param controlPlane - where executions are followed
   * @param onError - gets what a follower threw (it stops; the next process resumes it)
   */
  constructor(controlPlane: ControlPlane, onError: (error: unknown) => void) {
    this.#controlPlane = controlPlane;
    this.#onError = onError;
  }

  /**
   * Follows an execution (a no-op when this key is followed already).
   * @param key - identifies the follower (e.g. `training:<id>`)
   * @param executionId - the execution
   * @param handlers - per event, at the end
   */
  follow(key: string, executionId: string, handlers: FollowHandlers): void {
    if (this.#running.has(key)) return;
    const controller = new AbortController();
    const done = this.#run(executionId, handlers, controller.signal)
      .catch((error: unknown) => {
        if (!controller.signal.aborted) this.#onError(error);
      })
      .finally(() => this.#running.delete(key));
    this.#running.set(key, { controller, done });
  }

  /**
   * Waits until a follower is done (tests, the demo); at once when none runs under the key.
   * @param key - the follower's key
   */
  async settled(key: string): Promise<void> {
    await this.#running.get(key)?.done;
  }

  /** Stops every follower and waits for them. */
  async close(): Promise<void> {
    const running = [...this.#running.values()];
    for (const follower of running) follower.controller.abort();
    await Promise.allSettled(running.map((follower) => follower.done));
  }

  async #run(executionId: string, handlers: FollowHandlers, signal: AbortSignal): Promise<void> {
    for await (const event of this.#controlPlane.watch(executionId, { signal })) {
      if (signal.aborted) return;
      await handlers.onEvent?.(event);
    }
    if (signal.aborted) return;
    const execution = await this.#controlPlane.getExecution(executionId);
    if (ENDED.has(execution.phase)) await handlers.onEnd(execution);
  }
}
