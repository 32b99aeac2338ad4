/**
 * @module workflows/control-plane/channel-waiters — wakes waiters on a NOTIFY channel (one LISTEN per channel per
 * control plane). Each subscription remembers a notification that came while it was not waiting, so a waiter that
 * reads state and then waits never misses the change that happened in between.
 */
import type { Database } from '../../db/index.ts';

/** One interest in a channel's notifications with a given payload. */
export interface ChannelSubscription {
  /** Forgets a remembered notification (call right before reading fresh state). */
  clear(): void;
  /**
   * Resolves on the next notification (at once if one came since `clear`), after `ms`, or when `signal` aborts.
   * @param ms - the longest wait
   * @param signal - ends the wait early
   */
  wait(ms: number, signal?: AbortSignal): Promise<void>;
  /** Ends the subscription. */
  close(): void;
}

type Subscriber = { pending: boolean; wake: (() => void) | undefined };

/** Subscriptions to one channel, by payload (`''`: every payload). */
export class ChannelWaiters {
  readonly #db: Database;
  readonly #channel: string;
  readonly #subscribers = new Map<string, Set<Subscriber>>();
  #listening: Promise<() => Promise<void>> | undefined;
  #closed = false;

  /**
   * @param db - the database to LISTEN on
   * @param channel - the channel name
   */
  constructor(db: Database, channel: string) {
    this.#db = db;
    this.#channel = channel;
  }

  /**
   * Subscribes to notifications with a payload (LISTEN starts on first use).
   * @param key - the payload to wait for, or `''` for any
   * @returns the subscription, already listening
   */
  async subscribe(key: string): Promise<ChannelSubscription> {
    this.#listening ??= this.#db.listen(this.#channel, ({ payload, gap }) =>
      this.#notify(payload, gap === true),
    );
    await this.#listening;
    const subscriber: Subscriber = { pending: false, wake: undefined };
    const set = this.#subscribers.get(key) ?? new Set();
    set.add(subscriber);
    this.#subscribers.set(key, set);
    return {
      clear: () => {
        subscriber.pending = false;
      },
      wait: (ms, signal) => this.#wait(subscriber, ms, signal),
      close: () => {
        subscriber.wake?.();
        set.delete(subscriber);
        if (set.size === 0 && this.#subscribers.get(key) === set) this.#subscribers.delete(key);
      },
    };
  }

  /** Stops listening and wakes every waiter. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const set of this.#subscribers.values()) for (const s of set) s.wake?.();
    this.#subscribers.clear();
    const listening = this.#listening;
    this.#listening = undefined;
    if (listening) await (await listening)();
  }

  async #wait(subscriber: Subscriber, ms: number, signal?: AbortSignal): Promise<void> {
    if (subscriber.pending || this.#closed || signal?.aborted === true) {
      subscriber.pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        subscriber.wake = undefined;
        subscriber.pending = false;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
      subscriber.wake = done;
    });
  }

  /** Wakes the subscribers of `payload` and of any payload; after a gap (notifications lost), every subscriber. */
  #notify(payload: string, gap: boolean): void {
    const keys = gap ? [...this.#subscribers.keys()] : payload === '' ? [''] : [payload, ''];
    for (const key of keys) {
      for (const subscriber of this.#subscribers.get(key) ?? []) {
        subscriber.pending = true;
        subscriber.wake?.();
      }
    }
  }
}
