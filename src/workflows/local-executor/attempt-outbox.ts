/**
 * @module workflows/local-executor/attempt-outbox — batches the log lines and events of running attempts and sends
 * them to the control plane every ~200 ms and once more before each attempt completes, in order per attempt.
 */
import type { ExecutorProtocol } from '../executor-protocol.ts';
import type { TaskEvent } from '../task-definition.ts';

/** Longest log line kept; longer lines are cut (a task printing a huge line must not bloat the database). */
export const MAX_LOG_LINE_CHARS = 10_000;

type Box = { lines: string[]; events: TaskEvent[]; chain: Promise<void> };

/** Buffered logs and events of the attempts one worker runs. */
export interface AttemptOutbox {
  /** Buffers a log line of an attempt. */
  log(attemptId: string, line: string): void;
  /** Buffers an event of an attempt. */
  event(attemptId: string, event: TaskEvent): void;
  /** Sends what an attempt has buffered and forgets it; resolves after everything sent earlier for it. */
  finish(attemptId: string): Promise<void>;
  /** Sends everything buffered now (also runs on the timer). */
  flushAll(): Promise<void>;
  /** Stops the timer after a last flush of everything. */
  close(): Promise<void>;
}

/**
 * Creates an outbox that flushes every `flushMs`.
 * @param protocol - where logs and events go (`appendLogs`, `appendEvents`)
 * @param options - `flushMs` (default 200) and `onError` (failed sends; the lines are dropped, default ignore)
 * @returns the outbox; call `close()` when the worker stops
 */
export function createAttemptOutbox(
  protocol: Pick<ExecutorProtocol, 'appendLogs' | 'appendEvents'>,
  options: { flushMs?: number; onError?: (error: unknown) => void } = {},
): AttemptOutbox {
  const boxes = new Map<string, Box>();
  const onError = options.onError ?? ((): void => {});
  const boxOf = (attemptId: string): Box => {
    let box = boxes.get(attemptId);
    if (box === undefined) {
      box = { lines: [], events: [], chain: Promise.resolve() };
      boxes.set(attemptId, box);
    }
    return box;
  };
  const send = (attemptId: string, box: Box): Promise<void> => {
    if (box.lines.length === 0 && box.events.length === 0) return box.chain;
    const lines = box.lines.splice(0);
    const events = box.events.splice(0);
    box.chain = box.chain.then(async () => {
      try {
        if (lines.length > 0) await protocol.appendLogs(attemptId, lines);
        if (events.length > 0) await protocol.appendEvents(attemptId, events);
      } catch (error) {
        onError(error);
      }
    });
    return box.chain;
  };
  const flushAll = async (): Promise<void> => {
    await Promise.all([...boxes].map(([attemptId, box]) => send(attemptId, box)));
  };
  const timer = setInterval(() => void flushAll(), options.flushMs ?? 200);
  timer.unref();
  return {
    log(attemptId, line) {
      boxOf(attemptId).lines.push(
        line.length > MAX_LOG_LINE_CHARS ? `${line.slice(0, MAX_LOG_LINE_CHARS)}…` : line,
      );
    },
    event(attemptId, event) {
      boxOf(attemptId).events.push(event);
    },
    async finish(attemptId) {
      const box = boxes.get(attemptId);
      if (box === undefined) return;
      await send(attemptId, box);
      if (box.lines.length === 0 && box.events.length === 0) boxes.delete(attemptId);
    },
    flushAll,
    async close() {
      clearInterval(timer);
      await flushAll();
    },
  };
}
