/**
 * @module workflows/control-plane/watch — following an execution: its events as an async iterable that ends after the
 * terminal event, and waiting for its end. Woken by NOTIFY `fair_events` (payload: the execution id), with a slow
 * poll as a safety net for a lost notification.
 */
import { AppError } from '../../shared/index.ts';
import type { ChannelWaiters } from './channel-waiters.ts';
import type { ControlPlaneContext } from './context.ts';
import { executionPhase, getExecution, readEvents } from './execution-views.ts';
import { isTerminalPhase } from './scheduler.ts';
import type { ExecutionEvent, ExecutionView } from './views.ts';

/** Poll interval when no notification comes (the safety net). */
const POLL_MS = 1000;

const TERMINAL_EVENTS = new Set([
  'execution.succeeded',
  'execution.failed',
  'execution.aborted',
  'execution.timed_out',
]);

/**
 * True for the event that ends an execution's stream.
 * @param event - an event
 */
export function isTerminalEvent(event: Pick<ExecutionEvent, 'type'>): boolean {
  return TERMINAL_EVENTS.has(event.type);
}

/**
 * Follows an execution's events.
 * @param ctx - the control plane's parts
 * @param waiters - subscriptions to `fair_events`
 * @param id - the execution id
 * @param options - `afterId` (default 0: from the start), `signal` (ends the iteration quietly)
 * @returns events in order; the iteration ends after the terminal `execution.*` event, or at once when the execution
 *   already ended before `afterId`
 * @throws AppError RESOURCE_DOES_NOT_EXIST for an unknown id (on the first iteration)
 */
export async function* watchExecution(
  ctx: ControlPlaneContext,
  waiters: ChannelWaiters,
  id: string,
  options: { afterId?: number; signal?: AbortSignal } = {},
): AsyncGenerator<ExecutionEvent, void, undefined> {
  await executionPhase(ctx, id);
  const subscription = await waiters.subscribe(id);
  try {
    let cursor = options.afterId ?? 0;
    for (;;) {
      if (options.signal?.aborted === true) return;
      subscription.clear();
      const batch = await readEvents(ctx, id, { afterId: cursor, limit: 500 });
      for (const event of batch) {
        yield event;
        cursor = event.id;
        if (isTerminalEvent(event)) return;
      }
      if (batch.length === 500) continue;
      // The terminal event is committed with the phase: an ended execution with no new events ended before the cursor.
      if (batch.length === 0 && isTerminalPhase(await executionPhase(ctx, id))) return;
      await subscription.wait(POLL_MS, options.signal);
    }
  } finally {
    subscription.close();
  }
}

/**
 * Waits until an execution ends.
 * @param ctx - the control plane's parts
 * @param waiters - subscriptions to `fair_events`
 * @param id - the execution id
 * @param options - `timeoutMs` (default 10 minutes), `signal`
 * @returns the ended execution
 * @throws AppError RESOURCE_DOES_NOT_EXIST for an unknown id; TIMEOUT naming the execution and its phase when it is
 *   still running after `timeoutMs` (or when the signal aborts)
 */
export async function waitForExecution(
  ctx: ControlPlaneContext,
  waiters: ChannelWaiters,
  id: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<ExecutionView> {
  const timeoutMs = options.timeoutMs ?? 600_000;
  const deadline = Date.now() + timeoutMs;
  const subscription = await waiters.subscribe(id);
  try {
    for (;;) {
      subscription.clear();
      const phase = await executionPhase(ctx, id);
      if (isTerminalPhase(phase)) return await getExecution(ctx, id);
      const left = deadline - Date.now();
      if (left <= 0 || options.signal?.aborted === true) {
        throw new AppError('TIMEOUT', `execution ${id} is still ${phase} after ${timeoutMs} ms`);
      }
      await subscription.wait(Math.min(left, POLL_MS), options.signal);
    }
  } finally {
    subscription.close();
  }
}
