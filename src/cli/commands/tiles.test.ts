/**
 * @module cli/commands/tiles.test — `fair tiles render-synthetic` and `fair tiles serve-synthetic`, run as the real
 * command line.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFair, type FairRun } from '../test-support/run-fair.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const fairBin = path.join(root, 'bin/fair.js');

function fair(args: string[]): Promise<FairRun> {
  return runFair(args);
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fair-tiles-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fair tiles render-synthetic', () => {
  it('writes chips and buildings.geojson for a bbox', async () => {
    const out = path.join(dir, 'chips');
    const run = await fair([
      'tiles',
      'render-synthetic',
      '--bbox',
      '36.7999,-1.3001,36.8001,-1.2999',
      '--zoom',
      '19',
      '--out',
      out,
      '--seed',
      '7',
    ]);
    expect(run.stderr).toMatch(/chips \d+\/\d+/);
    expect(run.code).toBe(0);
    const names = await readdir(out);
    expect(names).toContain('buildings.geojson');
    expect(names.filter((n) => /^OAM-\d+-\d+-19\.png$/.test(n)).length).toBeGreaterThanOrEqual(1);
    expect(run.stdout).toMatch(/chips and \d+ buildings written/);
  });

  it('fails with one line naming a bad bbox', async () => {
    const run = await fair(['tiles', 'render-synthetic', '--bbox', '1,2,3', '--out', path.join(dir, 'bad')]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/bbox must be 4 comma-separated numbers/);
  });
});

describe('fair tiles serve-synthetic', () => {
  it('prints the template URLs, serves tiles and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [fairBin, 'tiles', 'serve-synthetic', '--port', '0', '--seed', '3'],
      { cwd: root },
    );
    let stdout = '';
    const tilejson = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /tilejson:\s+(\S+)/.exec(stdout);
        if (match?.[1]) resolve(match[1]);
      });
      child.once('exit', () => reject(new Error(`server exited early: ${stdout}`)));
    });
    expect(stdout).toMatch(/tiles:\s+http:\/\/127\.0\.0\.1:\d+\/tiles\/\{z\}\/\{x\}\/\{y\}\.png/);
    const doc = (await (await fetch(tilejson)).json()) as { tiles: string[] };
    const tile = await fetch(
      doc.tiles[0]!.replace('{z}', '19').replace('{x}', '315737').replace('{y}', '264037'),
    );
    expect(tile.status).toBe(200);
    expect(tile.headers.get('content-type')).toBe('image/png');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
