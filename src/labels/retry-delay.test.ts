/** @module labels/retry-delay.test — backoff, Retry-After and the abortable wait. */
import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelayMs, sleep } from './retry-delay.ts';

describe('retryDelayMs', () => {
  it('doubles the backoff on each retry, with at most 20 % spread', () => {
    for (const [attempt, base] of [
      [0, 100],
      [1, 200],
      [3, 800],
    ] as const) {
      const delay = retryDelayMs(attempt, undefined, 100, 60_000);
      expect(delay).toBeGreaterThanOrEqual(base);
      expect(delay).toBeLessThanOrEqual(base * 1.2);
    }
  });

  it('follows Retry-After in seconds or as an HTTP date, capped', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryDelayMs(0, '3', 100, 60_000, now)).toBe(3000);
    expect(retryDelayMs(0, 'Wed, 01 Jan 2025 00:00:10 GMT', 100, 60_000, now)).toBe(10_000);
    expect(retryDelayMs(0, '3600', 100, 60_000, now)).toBe(60_000);
    expect(retryDelayMs(5, undefined, 2000, 60_000)).toBe(60_000);
  });

  it('ignores an unreadable Retry-After', () => {
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(' 0 ')).toBe(0);
  });
});

describe('sleep', () => {
  it('rejects with the reason when aborted', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    await expect(sleep(10, AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });
});
