/**
 * `fair serve` as a real child process on embedded defaults: prints its URLs, answers over HTTP in single-user mode,
 * stops cleanly on SIGTERM; refuses single-user mode on a host that is not loopback. With `--processes 2` on
 * PostgreSQL: two API processes share the port, one killed is replaced, SIGTERM stops them all.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../../db/test-support/test-databases.ts';
import { repoRoot, runFair } from '../test-support/run-fair.ts';

type RunningServe = {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  stderr: () => string;
};

/** Starts `fair serve <args>` and waits until it prints the URL it listens on. */
async function startServe(args: readonly string[]): Promise<RunningServe> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/fair.js'), 'serve', ...args], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: '', STORAGE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening\s+(http:\/\/\S+)/.exec(stdout);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    void exited.then((code) => reject(new Error(`fair serve exited ${code}: ${stderr}`)));
  });
  expect(stdout).toContain('/api/docs');
  return { child, url, exited, stderr: () => stderr };
}

/** The process ids whose parent is `pid`. */
async function childPids(pid: number): Promise<number[]> {
  const { stdout } = await promisify(execFile)('ps', ['-o', 'pid=', '--ppid', String(pid)]).catch(() => ({
    stdout: '',
  }));
  return stdout
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((n) => n > 0);
}

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('fair serve', () => {
  it('serves the API on embedded defaults and stops on SIGTERM', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fair-serve-'));
    const serve = await startServe(['--port', '0', '--data', dir, '--no-worker']);
    const health = await fetch(`${serve.url}/api/health`);
    expect(await health.json()).toEqual({ status: 'ok', database: 'pglite', auth: 'single-user' });
    const me = await fetch(`${serve.url}/api/auth/me`);
    expect(me.status).toBe(200);
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
    expect(serve.stderr()).toContain('SIGTERM: stopping');
  });

  it('refuses several processes on the embedded database, and a process count that is not one', async () => {
    const embedded = await runFair(['serve', '--processes', '2', '--port', '0', '--data', tmpdir()], {
      env: { DATABASE_URL: '' },
    });
    expect(embedded.code).not.toBe(0);
    expect(embedded.stderr).toMatch(/--processes 2 needs PostgreSQL/);
    const zero = await runFair(['serve', '--processes', '0', '--data', tmpdir()]);
    expect(zero.code).not.toBe(0);
    expect(zero.stderr).toMatch(/--processes "0" is not "auto" or an integer/);
  });

  it('refuses --single-user on a host that is not loopback', async () => {
    const run = await runFair([
      'serve',
      '--single-user',
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--data',
      tmpdir(),
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/--single-user serves only loopback addresses/);
  });
});

describe.each(testDatabaseEngines().filter((engine) => engine.name === 'postgres'))(
  'fair serve --processes on $name',
  (engine) => {
    it('shares the port between two API processes, replaces one that dies and stops both on SIGTERM', async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'fair-serve-processes-'));
      const database = await engine.create();
      try {
        const serve = await startServe([
          ...['--port', '0', '--data', dir, '--no-worker', '--single-user'],
          ...['--database-url', database.url, '--processes', '2'],
        ]);
        const supervisor = serve.child.pid ?? 0;
        const waitFor = async (what: () => Promise<boolean>, failure: string): Promise<void> => {
          for (let i = 0; i < 300; i++) {
            if (await what()) return;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          throw new Error(`${failure}: ${serve.stderr()}`);
        };
        await waitFor(
          async () => /2 API processes listening/.test(serve.stderr()),
          'never 2 processes listening',
        );
        const [first, second] = await childPids(supervisor);
        expect(second).toBeGreaterThan(0);
        const answers = await Promise.all(
          Array.from({ length: 20 }, async () => (await fetch(`${serve.url}/api/health`)).status),
        );
        expect(answers.every((status) => status === 200)).toBe(true);

        process.kill(first ?? 0, 'SIGKILL');
        await waitFor(
          async () => /exited \(SIGKILL\); starting another/.test(serve.stderr()),
          'no replacement',
        );
        await waitFor(async () => {
          const pids = await childPids(supervisor);
          return pids.length === 2 && !pids.includes(first ?? 0);
        }, 'the replacement did not start');
        const health = await fetch(`${serve.url}/api/health`);
        expect(await health.json()).toEqual({ status: 'ok', database: 'postgres', auth: 'single-user' });

        serve.child.kill('SIGTERM');
        expect(await serve.exited).toBe(0);
        expect(await childPids(supervisor)).toEqual([]);
      } finally {
        await database.drop();
      }
    }, 60_000);
  },
);
