/**
 * `fair serve` as a real child process on embedded defaults: prints its URLs, answers over HTTP in single-user mode,
 * stops cleanly on SIGTERM; refuses single-user mode on a host that is not loopback.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot, runFair } from '../test-support/run-fair.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('fair serve', () => {
  it('serves the API on embedded defaults and stops on SIGTERM', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'fair-serve-'));
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'bin/fair.js'), 'serve', '--port', '0', '--data', dir, '--no-worker'],
      {
        cwd: repoRoot,
        env: { ...process.env, DATABASE_URL: '', STORAGE_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /listening\s+(http:\/\/\S+)/.exec(stdout);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      void exited.then((code) => reject(new Error(`fair serve exited ${code}: ${stderr}`)));
    });
    expect(stdout).toContain('/api/docs');
    const health = await fetch(`${url}/api/health`);
    expect(await health.json()).toEqual({ status: 'ok', database: 'pglite', auth: 'single-user' });
    const me = await fetch(`${url}/api/auth/me`);
    expect(me.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('SIGTERM: stopping');
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
