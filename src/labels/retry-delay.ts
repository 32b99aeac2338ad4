/** @module labels/retry-delay — how long to wait before the next attempt, and an abortable wait. */
import { AppError } from '../shared/index.ts';

/** Default first backoff, ms. */
export const DEFAULT_BACKOFF_MS = 2000;
/** Default longest wait, ms. */
export const DEFAULT_MAX_RETRY_DELAY_MS = 60_000;

/**
 * The wait before retry number `attempt + 1`: the server's Retry-After (seconds or an HTTP date) when given, else
 * `backoffMs * 2^attempt` with up to 20 % random spread (so parallel clients do not retry in step); capped.
 * @param attempt - 0 for the first retry
 * @param retryAfter - the Retry-After header, if any
 * @param backoffMs - first backoff, default 2000 ms
 * @param maxDelayMs - cap, default 60000 ms
 * @param now - the current time in ms, default `Date.now()` (for HTTP dates)
 * @returns milliseconds to wait
 */
export function retryDelayMs(
  attempt: number,
  retryAfter: string | undefined,
  backoffMs = DEFAULT_BACKOFF_MS,
  maxDelayMs = DEFAULT_MAX_RETRY_DELAY_MS,
  now = Date.now(),
): number {
  const asked = parseRetryAfter(retryAfter, now);
  const delay = asked ?? backoffMs * 2 ** attempt * (1 + Math.random() * 0.2);
  return Math.max(0, Math.min(maxDelayMs, Math.round(delay)));
}

/** Retry-After in ms, or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Waits `ms` milliseconds unless `signal` aborts first.
 * @throws the signal's reason (or AppError UPSTREAM_FAILURE) when aborted
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const abort = (): void => {
      clearTimeout(timer);
      const reason: unknown = signal?.reason;
      reject(reason instanceof Error ? reason : new AppError('UPSTREAM_FAILURE', 'the request was aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort, { once: true });
  });
}
