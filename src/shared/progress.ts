/** @module shared/progress — progress reporting for long work, a bar on a TTY and plain lines elsewhere. */

/** A sink for progress of one long job; domain code receives it as an optional argument. */
export interface Progress {
  /** Sets the total number of units (may be called again when the total becomes known). */
  start(total: number, label?: string): void;
  /** Advances by `n` units (default 1); `info` is a short status string such as `loss 0.31`. */
  tick(n?: number, info?: string): void;
  /** Ends the job. */
  done(info?: string): void;
}

/** A progress sink that does nothing: the default for library calls. */
export const silentProgress: Progress = { start() {}, tick() {}, done() {} };

type Stream = { write(chunk: string): unknown; isTTY?: boolean; columns?: number };

/**
 * A progress sink writing to `stream`: a redrawn bar with rate and ETA when the stream is a TTY, otherwise one plain
 * line at most every `lineEveryMs` (default 2000 ms) so logs stay readable.
 */
export function createProgressBar(stream: Stream, options: { lineEveryMs?: number } = {}): Progress {
  const lineEveryMs = options.lineEveryMs ?? 2000;
  let total = 0;
  let count = 0;
  let label = '';
  let started = Date.now();
  let lastDraw = 0;
  let lastInfo = '';

  const render = (final: boolean): string => {
    const elapsed = (Date.now() - started) / 1000;
    const rate = elapsed > 0 ? count / elapsed : 0;
    const eta = rate > 0 && total > count ? (total - count) / rate : 0;
    const pct = total > 0 ? Math.min(1, count / total) : 0;
    const head = `${label} ${count}/${total}`;
    const tail = `${rate.toFixed(1)}/s ${final ? `${elapsed.toFixed(1)}s` : `ETA ${formatSeconds(eta)}`}${lastInfo ? ` ${lastInfo}` : ''}`;
    if (!stream.isTTY) return `${head} (${Math.round(pct * 100)}%) ${tail}\n`;
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - head.length - tail.length - 6));
    const filled = Math.round(pct * width);
    return `\r${head} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${tail}\x1b[K${final ? '\n' : ''}`;
  };

  return {
    start(n, name) {
      total = n;
      if (name !== undefined) label = name;
      count = 0;
      started = Date.now();
      lastDraw = 0;
    },
    tick(n = 1, info) {
      count += n;
      if (info !== undefined) lastInfo = info;
      const now = Date.now();
      const every = stream.isTTY ? 100 : lineEveryMs;
      if (now - lastDraw >= every) {
        lastDraw = now;
        stream.write(render(false));
      }
    },
    done(info) {
      if (info !== undefined) lastInfo = info;
      stream.write(render(true));
    },
  };
}

function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
