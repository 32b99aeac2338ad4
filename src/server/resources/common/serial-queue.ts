/**
 * @module server/resources/common/serial-queue — work that runs one at a time per process (a prediction on the fly
 * already uses every core), with a bounded line: a request that would wait behind too many others is refused at
 * once with RESOURCE_EXHAUSTED (429) instead of holding its connection for minutes.
 */
import { AppError } from '../../../shared/index.ts';

/** A place in line: run the work in its turn, or release the place unused. */
export type QueueSlot = {
  /** Runs `task` after every earlier slot's task; the place is freed when it settles. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Frees the place without running anything (the caller failed before its turn). */
  release(): void;
};

/** Runs tasks one at a time, with at most `limit` running or waiting. */
export class SerialQueue {
  readonly #limit: number;
  readonly #what: string;
  #tail: Promise<unknown> = Promise.resolve();
  #taken = 0;

  /**
   * @param limit - most tasks running or waiting (at least 1)
   * @param what - what the tasks are, plural, for the refusal (e.g. `predictions on the fly`)
   */
  constructor(limit: number, what: string) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`a serial queue needs a limit ≥ 1, not ${limit}`);
    this.#limit = limit;
    this.#what = what;
  }

  /** Tasks running or waiting now. */
  get taken(): number {
    return this.#taken;
  }

  /**
   * Takes a place in line now.
   * @param advice - what the caller can do instead, appended to the refusal
   * @returns the slot; call `run` or `release` exactly once
   * @throws AppError RESOURCE_EXHAUSTED when `limit` tasks are running or waiting
   */
  reserve(advice: string): QueueSlot {
    if (this.#taken >= this.#limit)
      throw new AppError(
        'RESOURCE_EXHAUSTED',
        `${this.#taken} ${this.#what} are running or waiting, the most this server takes: ${advice}`,
      );
    this.#taken += 1;
    let used = false;
    const free = (): void => {
      if (used) return;
      used = true;
      this.#taken -= 1;
    };
    return {
      run: <T>(task: () => Promise<T>): Promise<T> => {
        if (used) return Promise.reject(new Error('a queue slot runs once'));
        const turn = this.#tail.then(task).finally(free);
        this.#tail = turn.catch(() => undefined);
        return turn;
      },
      release: free,
    };
  }
}
