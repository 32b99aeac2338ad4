import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lonLatToTile, tileBounds } from '../geo/index.ts';
import { parseTileJson } from '../imagery/index.ts';
import {
  renderSyntheticTile,
  startSyntheticTileServer,
  syntheticBuildings,
  type SyntheticTileServer,
} from './index.ts';

let server: SyntheticTileServer;
const tile = lonLatToTile(36.8, -1.3, 19);
const tileUrl = (z: number, x: number, y: number, ext = 'png'): string =>
  `${server.url}/tiles/${z}/${x}/${y}.${ext}`;

beforeAll(async () => {
  server = await startSyntheticTileServer({ seed: 42 });
});
afterAll(async () => {
  await server.close();
});

describe('startSyntheticTileServer', () => {
  it('hands out loopback URLs without a trailing slash', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.tileTemplate).toBe(`${server.url}/tiles/{z}/{x}/{y}.png`);
    expect(server.tileJsonUrl).toBe(`${server.url}/tilejson.json`);
    expect(server.buildingsUrl).toBe(`${server.url}/buildings.geojson`);
    expect(server.scene.seed).toBe(42);
  });

  it('serves PNG tiles whose pixels are exactly the rendered tile, with caching headers', async () => {
    const response = await fetch(tileUrl(tile.z, tile.x, tile.y));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const bytes = Buffer.from(await response.arrayBuffer());
    const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([256, 256, 3]);
    expect(data.equals(Buffer.from(renderSyntheticTile(server.scene, tile).data))).toBe(true);
    const again = await fetch(tileUrl(tile.z, tile.x, tile.y), {
      headers: { 'if-none-match': response.headers.get('etag') ?? '' },
    });
    expect(again.status).toBe(304);
  });

  it('serves JPEG tiles too', async () => {
    const response = await fetch(tileUrl(tile.z, tile.x, tile.y, 'jpg'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
  });

  it('answers concurrent requests, each with the right tile', async () => {
    const tiles = Array.from({ length: 8 }, (_, i) => ({
      x: tile.x + (i % 4),
      y: tile.y + Math.floor(i / 4),
      z: 19,
    }));
    const bodies = await Promise.all(
      tiles.map(async (t) => Buffer.from(await (await fetch(tileUrl(t.z, t.x, t.y))).arrayBuffer())),
    );
    const decoded = await Promise.all(bodies.map((b) => sharp(b).raw().toBuffer()));
    decoded.forEach((data, i) =>
      expect(data.equals(Buffer.from(renderSyntheticTile(server.scene, tiles[i]!).data))).toBe(true),
    );
  });

  it('serves TileJSON 3.0.0 that fAIr imagery reads', async () => {
    const response = await fetch(server.tileJsonUrl);
    expect(response.headers.get('content-type')).toBe('application/json');
    const doc = (await response.json()) as Record<string, unknown>;
    expect(doc['tilejson']).toBe('3.0.0');
    expect(doc['tiles']).toEqual([server.tileTemplate]);
    expect(doc['bounds']).toEqual(server.scene.bounds);
    expect(doc['minzoom']).toBe(0);
    expect(doc['maxzoom']).toBe(22);
    expect((doc['center'] as number[]).slice(0, 2)).toEqual([36.8, -1.3]);
    const parsed = parseTileJson(doc, server.tileJsonUrl);
    expect(parsed?.tiles).toEqual([server.tileTemplate]);
  });

  it('serves the footprints of a bbox as GeoJSON, the same as syntheticBuildings', async () => {
    const bbox = tileBounds(tile);
    const response = await fetch(`${server.buildingsUrl}?bbox=${bbox.join(',')}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/geo+json');
    const body = (await response.json()) as { features: unknown[] };
    expect(body).toEqual(JSON.parse(JSON.stringify(syntheticBuildings(server.scene, bbox))));
    expect(body.features.length).toBeGreaterThan(5);
  });

  it.each([
    ['/tiles/23/0/0.png', 400, /zoom 23/],
    ['/tiles/19/0/524288.png', 400, /outside the zoom 19 grid/],
    ['/tiles/a/b/c.png', 400, /tile path/],
    ['/tiles/19/1/2.gif', 400, /tile path/],
    ['/tiles', 400, /tile path/],
    ['/buildings.geojson?bbox=1,2,3', 400, /bbox/],
    ['/buildings.geojson?bbox=3,0,1,1', 400, /bbox/],
    ['/nothing-here', 404, /no resource/],
  ])('answers %s with %i and a one-line message', async (path, status, message) => {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status).toBe(status);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.message).toMatch(message);
    expect(body.message).not.toContain('\n');
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await fetch(server.tileJsonUrl, { method: 'POST', body: '{}' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('rejects bad options and a taken port', async () => {
    await expect(startSyntheticTileServer({ seed: 1, tileSize: 10 })).rejects.toThrow(/tileSize 10/);
    await expect(startSyntheticTileServer({ seed: -3 })).rejects.toThrow(/seed -3/);
    const port = Number(new URL(server.url).port);
    await expect(startSyntheticTileServer({ seed: 1, port })).rejects.toThrow(new RegExp(`port ${port}`));
  });

  it('serves another tile size and format when asked', async () => {
    const other = await startSyntheticTileServer({ seed: 5, tileSize: 512, format: 'jpeg', extentKm: 1 });
    try {
      expect(other.tileTemplate.endsWith('.jpg')).toBe(true);
      const response = await fetch(
        other.tileTemplate
          .replace('{z}', '18')
          .replace('{x}', `${tile.x >> 1}`)
          .replace('{y}', `${tile.y >> 1}`),
      );
      const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 512, 512]);
    } finally {
      await other.close();
    }
  });
});
