/** @module imagery/read-tiles.test — bounded concurrency, failure aggregation, progress and abort, over real sources. */
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Tile } from '../geo/index.ts';
import { isAppError } from '../shared/index.ts';
import type { Progress } from '../shared/index.ts';
import { openImagerySource } from './open-imagery-source.ts';
import { readTiles } from './read-tiles.ts';
import { solidImage, startServer } from './test-support/test-servers.ts';
import type { TestServer } from './test-support/test-servers.ts';

const BANEPA_OAM = resolve(import.meta.dirname, '../..', '../shared/data/banepa/train/oam');
const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** A server that answers after `delayMs`, 404 for x in `missing`, and records the peak number of open requests. */
async function slowServer(
  delayMs: number,
  missing: number[] = [],
): Promise<TestServer & { peak: () => number }> {
  const png = await solidImage(256, [40, 80, 120]);
  let open = 0;
  let peak = 0;
  const server = await startServer((req, res) => {
    open++;
    peak = Math.max(peak, open);
    const x = Number(req.url?.split('/')[2]);
    setTimeout(() => {
      open--;
      if (missing.includes(x)) res.writeHead(404).end();
      else res.end(png);
    }, delayMs);
  });
  servers.push(server);
  return { ...server, peak: () => peak };
}

const row = (n: number): Tile[] => Array.from({ length: n }, (_, x) => ({ x, y: 0, z: 5 }));
const local = { allowPrivateNetwork: true, retryDelayMs: 5 };

function recordingProgress(): Progress & { ticks: number; total: number; finished: boolean } {
  const p = {
    ticks: 0,
    total: 0,
    finished: false,
    start(total: number) {
      p.total = total;
    },
    tick(n = 1) {
      p.ticks += n;
    },
    done() {
      p.finished = true;
    },
  };
  return p;
}

describe('readTiles', () => {
  it('reads every tile with at most `concurrency` requests open, ticking progress per tile', async () => {
    const server = await slowServer(20);
    const source = await openImagerySource(`${server.url}/{z}/{x}/{y}.png`, local);
    const progress = recordingProgress();
    const seen: number[] = [];
    for await (const { tile, image } of readTiles(source, row(12), { concurrency: 3, progress })) {
      expect(image.width).toBe(256);
      seen.push(tile.x);
    }
    expect(seen.sort((a, b) => a - b)).toEqual(row(12).map((t) => t.x));
    expect(server.peak()).toBe(3);
    expect(progress).toMatchObject({ total: 12, ticks: 12, finished: true });
  });

  it('yields the good tiles, then throws one error listing every failed tile', async () => {
    const server = await slowServer(1, [2, 5, 6, 7, 8, 9, 10]);
    const source = await openImagerySource(`${server.url}/{z}/{x}/{y}.png`, local);
    const good: number[] = [];
    let caught: unknown;
    try {
      for await (const { tile } of readTiles(source, row(12), { concurrency: 4 })) good.push(tile.x);
    } catch (error) {
      caught = error;
    }
    expect(good.sort((a, b) => a - b)).toEqual([0, 1, 3, 4, 11]);
    expect(isAppError(caught, 'UPSTREAM_FAILURE')).toBe(true);
    const error = caught as Error & { details: { failed: { tile: Tile; reason: string }[] } };
    expect(error.message).toMatch(/^7 of 12 tiles failed: /);
    expect(error.message).toContain('5/2/0 (');
    expect(error.message).toContain('HTTP 404');
    expect(error.message).toContain('and 2 more');
    expect(error.details.failed.map((f) => f.tile.x).sort((a, b) => a - b)).toEqual([2, 5, 6, 7, 8, 9, 10]);
  });

  it('stops and throws the abort reason when the signal fires', async () => {
    const server = await slowServer(50);
    const source = await openImagerySource(`${server.url}/{z}/{x}/{y}.png`, local);
    const controller = new AbortController();
    const got: Tile[] = [];
    const run = async (): Promise<void> => {
      for await (const { tile } of readTiles(source, row(40), {
        concurrency: 2,
        signal: controller.signal,
      })) {
        got.push(tile);
        if (got.length === 2) controller.abort(new Error('user cancelled'));
      }
    };
    await expect(run()).rejects.toThrow('user cancelled');
    expect(server.requests.length).toBeLessThan(10);
  });

  it('reads the Banepa folder with progress', async () => {
    const source = await openImagerySource(BANEPA_OAM);
    const tiles = (source.listTiles() ?? []).slice(0, 6);
    let count = 0;
    for await (const { image } of readTiles(source, tiles, { concurrency: 2 }))
      count += image.width === 512 ? 1 : 0;
    expect(count).toBe(6);
  });

  it('refuses a concurrency below 1', async () => {
    const source = await openImagerySource(BANEPA_OAM);
    await expect(readTiles(source, [], { concurrency: 0 }).next()).rejects.toThrow('concurrency 0');
  });
});
