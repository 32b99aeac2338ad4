/**
 * End-to-end bad imagery through `prepareDataset` (issue 2 §7): tile servers answering 404, 500, garbage bytes or
 * too slowly, a private address, and a chip folder holding a file that is not an image. Each must fail with one line
 * naming the problem and leave the output folder as it was.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDataset } from '../../src/datasets/index.ts';
import { tileBounds, type Polygonal } from '../../src/geo/index.ts';
import { openImagerySource, type ImageryOptions } from '../../src/imagery/index.ts';
import type { LabelCollection } from '../../src/labels/index.ts';
import { AppError, isAppError } from '../../src/shared/index.ts';

type Behaviour = 'ok' | '404' | '500' | 'garbage' | 'slow';

let server: Server;
let base: string;
let work: string;
let png: Buffer;
const timers = new Set<NodeJS.Timeout>();
const requests = new Map<string, number>();

const tile = { x: 386692, y: 220244, z: 19 };
const [w, s, e, n] = tileBounds(tile);
const aoi: Polygonal = {
  type: 'Polygon',
  coordinates: [
    [
      [w + 1e-6, s + 1e-6],
      [e - 1e-6, s + 1e-6],
      [e - 1e-6, n - 1e-6],
      [w + 1e-6, n - 1e-6],
      [w + 1e-6, s + 1e-6],
    ],
  ],
};
const labels: LabelCollection = {
  type: 'FeatureCollection',
  features: [{ type: 'Feature', properties: {}, geometry: aoi }],
};

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'fair-bad-imagery-'));
  png = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#808080' } })
    .png()
    .toBuffer();
  server = createServer((req, res) => {
    const behaviour = (req.url ?? '').split('/')[1] as Behaviour;
    requests.set(behaviour, (requests.get(behaviour) ?? 0) + 1);
    if (behaviour === '404') res.writeHead(404).end('no tile here');
    else if (behaviour === '500') res.writeHead(500).end('internal error');
    else if (behaviour === 'garbage')
      res.writeHead(200, { 'content-type': 'image/png' }).end('<html>not a tile</html>');
    else if (behaviour === 'slow') {
      const timer = setTimeout(() => res.writeHead(200, { 'content-type': 'image/png' }).end(png), 5000);
      timers.add(timer);
      res.on('close', () => clearTimeout(timer));
    } else res.writeHead(200, { 'content-type': 'image/png' }).end(png);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const timer of timers) clearTimeout(timer);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(work, { recursive: true, force: true });
});

const fast: ImageryOptions = { allowPrivateNetwork: true, retries: 1, retryDelayMs: 10, timeoutMs: 300 };

async function prepareFrom(
  behaviour: Behaviour,
  options: ImageryOptions = fast,
): Promise<{ error: unknown; out: string }> {
  const out = path.join(work, behaviour + Math.random().toString(36).slice(2));
  try {
    const imagery = await openImagerySource(`${base}/${behaviour}/{z}/{x}/{y}.png`, options);
    await prepareDataset({ imagery, labels, aoi, zooms: [19], out });
  } catch (error) {
    return { error, out };
  }
  return { error: undefined, out };
}

async function expectFailure(
  behaviour: Behaviour,
  pattern: RegExp,
  options?: ImageryOptions,
): Promise<AppError> {
  const { error, out } = await prepareFrom(behaviour, options);
  expect(error).toBeInstanceOf(AppError);
  const message = (error as Error).message;
  expect(message).toMatch(pattern);
  expect(message).not.toContain('\n');
  await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  return error as AppError;
}

describe('prepareDataset over HTTP with a misbehaving tile server', () => {
  it('works against the same server when it behaves (control)', async () => {
    const { error, out } = await prepareFrom('ok');
    expect(error).toBeUndefined();
    expect((await readdir(path.join(out, 'chips'))).length).toBe(1);
  });

  it('names the tile a 404 refers to', async () => {
    const error = await expectFailure('404', /1 of 1 tiles failed: 19\/386692\/220244 \(.*HTTP 404/);
    expect(isAppError(error, 'UPSTREAM_FAILURE')).toBe(true);
  });

  it('gives up on a 500 after the retries', async () => {
    await expectFailure('500', /HTTP 500 after 2 attempts/);
  });

  it('refuses bytes that are not an image', async () => {
    await expectFailure('garbage', /not a PNG, JPEG, WebP or TIFF image/);
  });

  it('times out on a server that answers too slowly', async () => {
    const started = Date.now();
    await expectFailure('slow', /19\/386692\/220244/, { ...fast, retries: 0, timeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('stops early when a large AOI fails tile after tile', async () => {
    const imagery = await openImagerySource(`${base}/500/{z}/{x}/{y}.png`, { ...fast, retries: 0 });
    const wide: Polygonal = {
      type: 'Polygon',
      coordinates: [
        [
          [w, s - 0.01],
          [e + 0.01, s - 0.01],
          [e + 0.01, n],
          [w, n],
          [w, s - 0.01],
        ],
      ],
    };
    const before = requests.get('500') ?? 0;
    const run = prepareDataset({
      imagery,
      labels,
      aoi: wide,
      zooms: [19],
      out: path.join(work, 'wide'),
      concurrency: 2,
    });
    await expect(run).rejects.toThrow(/failed on its first 8 tiles: .*HTTP 500/);
    expect((requests.get('500') ?? 0) - before).toBeLessThan(20);
  });

  it('refuses a private address unless allowed', async () => {
    const { error } = await prepareFrom('ok', { retries: 0 });
    expect(error).toBeInstanceOf(AppError);
    expect((error as Error).message).toMatch(/private|loopback|not allowed/i);
  });
});

describe('prepareDataset with a bad chip folder', () => {
  it('names a chip file that is not an image', async () => {
    const folder = path.join(work, 'chips-bad');
    await mkdir(folder);
    await writeFile(path.join(folder, 'OAM-386692-220244-19.png'), 'this is a text file');
    const imagery = await openImagerySource(folder);
    const out = path.join(work, 'out-bad-chip');
    await expect(prepareDataset({ imagery, labels, zooms: [19], out })).rejects.toThrow(
      /OAM-386692-220244-19\.png is not a PNG, JPEG, WebP or TIFF image/,
    );
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a chip that is not square', async () => {
    const folder = path.join(work, 'chips-wide');
    await mkdir(folder);
    await sharp({ create: { width: 512, height: 256, channels: 3, background: '#000' } })
      .png()
      .toFile(path.join(folder, 'OAM-386692-220244-19.png'));
    const imagery = await openImagerySource(folder);
    await expect(
      prepareDataset({ imagery, labels, zooms: [19], out: path.join(work, 'out-wide') }),
    ).rejects.toThrow(/imagery tile 19\/386692\/220244 is 512x256 pixels, expected a square tile/);
  });
});

describe('prepareDataset with bad options', () => {
  it('names each bad option', async () => {
    const imagery = await openImagerySource(`${base}/ok/{z}/{x}/{y}.png`, fast);
    const out = path.join(work, 'options');
    const base_ = { imagery, labels, aoi, zooms: [19], out };
    await expect(prepareDataset({ ...base_, chipSize: 3 })).rejects.toThrow(/chip size 3/);
    await expect(prepareDataset({ ...base_, offset: [Number.NaN, 0] })).rejects.toThrow(/label offset/);
    await expect(prepareDataset({ ...base_, boundaryWidth: -2 })).rejects.toThrow(/boundary width -2/);
    await expect(prepareDataset({ ...base_, zooms: [31] })).rejects.toThrow(/zoom 31/);
    await expect(prepareDataset({ ...base_, concurrency: 0 })).rejects.toThrow(/concurrency 0/);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  it('stops when aborted and leaves no dataset behind', async () => {
    const imagery = await openImagerySource(`${base}/slow/{z}/{x}/{y}.png`, { ...fast, timeoutMs: 10_000 });
    const out = path.join(work, 'aborted');
    const controller = new AbortController();
    const run = prepareDataset({ imagery, labels, aoi, zooms: [19], out, signal: controller.signal });
    setTimeout(() => controller.abort(new AppError('CONFLICT', 'cancelled by the test')), 100);
    await expect(run).rejects.toThrow(/cancelled by the test|aborted|stopped/);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });
});
