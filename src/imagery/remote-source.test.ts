/** @module imagery/remote-source.test — XYZ/TMS/TileJSON sources against local tile servers. */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAppError } from '../shared/index.ts';
import { openImagerySource } from './open-imagery-source.ts';
import { createTileCache } from './tile-cache.ts';
import { solidImage, startServer } from './test-support/test-servers.ts';
import type { TestServer } from './test-support/test-servers.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(...args: Parameters<typeof startServer>): Promise<TestServer> {
  const server = await startServer(...args);
  cleanups.push(server.close);
  return server;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fair-imagery-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function failure(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; details: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message, details: error.details };
    throw error;
  }
  throw new Error('expected a failure');
}

/** Fast retries so retry tests stay quick; loopback allowed as every test server is on 127.0.0.1. */
const local = { allowPrivateNetwork: true, retryDelayMs: 10, timeoutMs: 2000 };
const tile = { x: 3, y: 2, z: 4 };

describe('XYZ and TMS templates', () => {
  it('fetches a tile at the size the server sends (512 px) with z/x/y filled in', async () => {
    const png = await solidImage(512, [200, 10, 20]);
    const server = await serve((_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png));
    const source = await openImagerySource(`${server.url}/{z}/{x}/{y}.png`, local);
    expect(source.kind).toBe('xyz');
    expect(source.listTiles()).toBeUndefined();
    const image = await source.readTile(tile);
    expect([image.width, image.height]).toEqual([512, 512]);
    expect([...image.data.subarray(0, 3)]).toEqual([200, 10, 20]);
    expect(server.requests).toEqual(['/4/3/2.png']);
  });

  it('uses TMS rows for {-y}, quadkeys for {q} and subdomain values for {s}', async () => {
    const png = await solidImage(256, [1, 2, 3]);
    const server = await serve((_req, res) => res.end(png));
    const tms = await openImagerySource(`${server.url}/{z}/{x}/{-y}.png`, local);
    expect(tms.kind).toBe('tms');
    await tms.readTile(tile);
    const quad = await openImagerySource(`${server.url}/q/{q}?s={s}`, { ...local, subdomains: ['one'] });
    await quad.readTile(tile);
    expect(server.requests).toEqual(['/4/3/13.png', '/q/0031?s=one']);
  });

  it('reports a 404 as RESOURCE_DOES_NOT_EXIST without retrying', async () => {
    const server = await serve((_req, res) => res.writeHead(404).end('no'));
    const source = await openImagerySource(`${server.url}/{z}/{x}/{y}.png`, local);
    const error = await failure(source.readTile(tile));
    expect(error.code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(error.message).toContain('4/3/2');
    expect(error.message).toContain('HTTP 404');
    expect(server.requests).toHaveLength(1);
  });

  it('retries a 500 and succeeds on the next attempt', async () => {
    const png = await solidImage(256, [9, 9, 9]);
    let calls = 0;
    const server = await serve((_req, res) => (++calls === 1 ? res.writeHead(500).end() : res.end(png)));
    const source = await openImagerySource(`${server.url}/{z}/{x}/{y}`, local);
    expect((await source.readTile(tile)).width).toBe(256);
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after the configured retries on a persistent 503 and says how many attempts', async () => {
    const server = await serve((_req, res) => res.writeHead(503).end());
    const source = await openImagerySource(`${server.url}/{z}/{x}/{y}`, { ...local, retries: 2 });
    const error = await failure(source.readTile(tile));
    expect(error.code).toBe('UPSTREAM_FAILURE');
    expect(error.message).toContain('HTTP 503 after 3 attempts');
    expect(server.requests).toHaveLength(3);
  });

  it('waits for Retry-After on a 429 before retrying', async () => {
    const png = await solidImage(256, [9, 9, 9]);
    const times: number[] = [];
    const server = await serve((_req, res) => {
      times.push(Date.now());
      if (times.length === 1) res.writeHead(429, { 'retry-after': '1' }).end();
      else res.end(png);
    });
    const source = await openImagerySource(`${server.url}/{z}/{x}/{y}`, local);
    await source.readTile(tile);
    expect(times).toHaveLength(2);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('caps a long Retry-After at maxRetryAfterMs', async () => {
    const png = await solidImage(256, [9, 9, 9]);
    let calls = 0;
    const server = await serve((_req, res) =>
      ++calls === 1 ? res.writeHead(429, { 'retry-after': '3600' }).end() : res.end(png),
    );
    const source = await openImagerySource(`${server.url}/{z}/{x}/{y}`, { ...local, maxRetryAfterMs: 50 });
    expect((await source.readTile(tile)).width).toBe(256);
  });

  it('rejects garbage bytes as not an image, naming the tile and URL', async () => {
    const server = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'image/png' }).end('<html>oops</html>'),
    );
    const source = await openImagerySource(`${server.url}/{z}/{x}/{y}.png`, local);
    const error = await failure(source.readTile(tile));
    expect(error.code).toBe('UPSTREAM_FAILURE');
    expect(error.message).toContain('4/3/2');
    expect(error.message).toContain('is not a PNG, JPEG, WebP or TIFF image');
    expect(error.message).toContain('<html>');
  });

  it('times out on a server that never answers, after the retries', async () => {
    const server = await serve(() => undefined);
    const source = await openImagerySource(`${server.url}/{z}/{x}/{y}`, {
      ...local,
      timeoutMs: 100,
      retries: 1,
    });
    const error = await failure(source.readTile(tile));
    expect(error.code).toBe('TIMEOUT');
    expect(server.requests).toHaveLength(2);
  });

  it('refuses a tile larger than maxBytes', async () => {
    const server = await serve((_req, res) => res.end(Buffer.alloc(5000)));
    const source = await openImagerySource(`${server.url}/{z}/{x}/{y}`, { ...local, maxBytes: 1000 });
    expect((await failure(source.readTile(tile))).code).toBe('LIMIT_EXCEEDED');
  });

  it('refuses a loopback tile server by default, saying how to allow it', async () => {
    const server = await serve((_req, res) => res.end('secret'));
    const source = await openImagerySource(`${server.url}/{z}/{x}/{y}`);
    const error = await failure(source.readTile(tile));
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(error.message).toContain('FAIR_ALLOW_PRIVATE_NETWORK=1');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a redirect to a private address when private networks are not allowed', async () => {
    const internal = await serve((_req, res) => res.end('secret'));
    const front = await serve((req, res) =>
      res.writeHead(302, { location: `${internal.url}${req.url}` }).end(),
    );
    const source = await openImagerySource(`${front.url}/{z}/{x}/{y}`, {
      retryDelayMs: 10,
      trustedOrigins: [front.url],
    });
    const error = await failure(source.readTile(tile));
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(internal.requests).toHaveLength(0);
  });

  it('refuses tiles outside the zoom range or bounds without a request', async () => {
    const server = await serve((_req, res) => res.end());
    const json = { tiles: [`${server.url}/{z}/{x}/{y}`], minzoom: 2, maxzoom: 5, bounds: [0, 0, 10, 10] };
    const doc = await serve((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(json)),
    );
    const source = await openImagerySource(`${doc.url}/tiles.json`, local);
    expect((await failure(source.readTile({ x: 0, y: 0, z: 6 }))).code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect((await failure(source.readTile({ x: 0, y: 0, z: 3 }))).message).toContain('outside the bounds');
    expect(server.requests).toHaveLength(0);
  });

  it('rejects a malformed tile', async () => {
    const source = await openImagerySource('http://127.0.0.1:9/{z}/{x}/{y}', local);
    expect((await failure(source.readTile({ x: 16, y: 0, z: 4 }))).code).toBe('INVALID_PARAMETER_VALUE');
  });
});

describe('tile cache', () => {
  it('serves a second read from the cache, keyed by sha256 of the URL', async () => {
    const png = await solidImage(256, [5, 6, 7]);
    const server = await serve((_req, res) => res.end(png));
    const cacheDir = await tempDir();
    const template = `${server.url}/{z}/{x}/{y}.png`;
    const first = await openImagerySource(template, { ...local, cacheDir });
    await first.readTile(tile);
    await server.close();
    const second = await openImagerySource(template, { ...local, cacheDir, retries: 0 });
    expect([...(await second.readTile(tile)).data.subarray(0, 3)]).toEqual([5, 6, 7]);
    const entry = createTileCache(cacheDir).pathOf(`${server.url}/4/3/2.png`);
    expect(entry).toMatch(/[0-9a-f]{2}[\\/][0-9a-f]{64}$/);
    expect((await readdir(join(entry, '..'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('drops a cached entry that is no longer an image and fetches again', async () => {
    const png = await solidImage(256, [5, 6, 7]);
    const server = await serve((_req, res) => res.end(png));
    const cacheDir = await tempDir();
    const cache = createTileCache(cacheDir);
    await cache.put(`${server.url}/4/3/2`, new TextEncoder().encode('corrupt'));
    const source = await openImagerySource(`${server.url}/{z}/{x}/{y}`, { ...local, cacheDir });
    expect((await source.readTile(tile)).width).toBe(256);
    expect(server.requests).toHaveLength(1);
    expect(Buffer.from((await cache.get(`${server.url}/4/3/2`)) ?? []).equals(png)).toBe(true);
  });

  it('does not cache a failed tile', async () => {
    const server = await serve((_req, res) => res.writeHead(404).end());
    const cacheDir = await tempDir();
    const source = await openImagerySource(`${server.url}/{z}/{x}/{y}`, { ...local, cacheDir });
    await failure(source.readTile(tile));
    expect(await readdir(cacheDir)).toEqual([]);
  });
});

describe('TileJSON', () => {
  it('reads tiles (relative to the document), bounds, zooms and a tms scheme', async () => {
    const png = await solidImage(256, [1, 1, 1]);
    const server = await serve((req, res) => {
      if (req.url === '/imagery/tiles.json')
        res.end(
          JSON.stringify({
            tilejson: '3.0.0',
            tiles: ['t/{z}/{x}/{y}.png'],
            minzoom: 3,
            maxzoom: 18,
            bounds: [-180, -85, 180, 85],
            scheme: 'tms',
          }),
        );
      else res.end(png);
    });
    const source = await openImagerySource(`${server.url}/imagery/tiles.json`, local);
    expect(source).toMatchObject({ kind: 'tilejson', minzoom: 3, maxzoom: 18, bounds: [-180, -85, 180, 85] });
    await source.readTile(tile);
    expect(server.requests).toEqual(['/imagery/tiles.json', '/imagery/t/4/3/13.png']);
  });

  it('recognises a TileJSON URL without .json by its content', async () => {
    const server = await serve((_req, res) =>
      res.end(JSON.stringify({ tiles: ['http://example.org/{z}/{x}/{y}'] })),
    );
    expect((await openImagerySource(`${server.url}/tilejson`, local)).kind).toBe('tilejson');
  });

  it('names the bad field of an invalid TileJSON', async () => {
    const server = await serve((_req, res) => res.end(JSON.stringify({ tiles: [], maxzoom: 40 })));
    const error = await failure(openImagerySource(`${server.url}/x.json`, local));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain('tiles');
  });

  it('says when a URL is neither a template nor TileJSON', async () => {
    const html = await serve((_req, res) => res.end('<html>hello</html>'));
    expect((await failure(openImagerySource(`${html.url}/page`, local))).message).toContain(
      'neither a tile URL template',
    );
    const json = await serve((_req, res) => res.end('{"type":"FeatureCollection"}'));
    expect((await failure(openImagerySource(`${json.url}/a.json`, local))).message).toContain(
      'without a "tiles" array',
    );
    const png = await solidImage(8, [0, 0, 0]);
    const image = await serve((_req, res) => res.end(png));
    expect((await failure(openImagerySource(`${image.url}/0/0/0.png`, local))).message).toContain(
      'single image',
    );
  });

  it('rejects a template with an unknown placeholder and redacts tokens from labels', async () => {
    expect(
      (await failure(openImagerySource('https://t.example.org/{z}/{x}/{row}', local))).message,
    ).toContain('{row}');
    const source = await openImagerySource(
      'https://t.example.org/{z}/{x}/{y}.png?access_token=SECRET',
      local,
    );
    expect(source.label).toBe('https://t.example.org/{z}/{x}/{y}.png?access_token=***');
  });
});

describe('local specs', () => {
  it('refuses a missing path and an unsupported scheme', async () => {
    expect((await failure(openImagerySource('/no/such/imagery'))).code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect((await failure(openImagerySource('s3://bucket/key'))).code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('refuses a file that is neither a GeoTIFF nor a chip', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'notes.tif'), 'just text');
    const error = await failure(openImagerySource(join(dir, 'notes.tif')));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain('notes.tif');
  });
});
