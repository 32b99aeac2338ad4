/** @module cli/test-support/run-fair — runs the real `fair` binary in a child process, for CLI tests. */
import { execFile } from 'node:child_process';
import path from 'node:path';

/** The repository root. */
export const repoRoot = path.resolve(import.meta.dirname, '../../..');

/** What a `fair` run printed and how it exited. */
export type FairRun = { code: number; stdout: string; stderr: string };

/**
 * Runs `node bin/fair.js ...args` from the repository root.
 * @param args - command line after `fair`
 * @param options - extra environment (merged over this process's), timeout in ms (default 120 000)
 */
export function runFair(
  args: readonly string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<FairRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(repoRoot, 'bin/fair.js'), ...args],
      { cwd: repoRoot, env: { ...process.env, ...options.env }, timeout: options.timeoutMs ?? 120_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
