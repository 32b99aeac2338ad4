/**
 * @module tests/predict/support/rect-tile-server — a local XYZ tile server (node:http on 127.0.0.1, port 0) whose
 * imagery is grey ground with pure red rectangles placed in global pixel coordinates, so a test knows exactly where
 * each "building" is, including ones that cross tile edges. Tiles outside `tiles` (when given) answer 404.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tileToLonLat } from '../../../src/geo/index.ts';
import type { Tile } from '../../../src/geo/index.ts';
import { encodePng } from '../../../src/imagery/index.ts';

/** A rectangle in global pixel coordinates at the server's zoom: `[x0, y0, x1, y1)`. */
export type PixelRect = [number, number, number, number];

/** A running rectangle server. */
export type RectTileServer = {
  url: string;
  template: string;
  requests: () => number;
  close: () => Promise<void>;
};

/**
 * Starts the server.
 * @param rects - red rectangles, global pixels at `zoom`
 * @param options - zoom (18), tileSize (256), tiles served (default all); every other zoom answers 404
 */
export async function startRectTileServer(
  rects: readonly PixelRect[],
  options: { zoom?: number; tileSize?: number; only?: (tile: Tile) => boolean } = {},
): Promise<RectTileServer> {
  const zoom = options.zoom ?? 18;
  const T = options.tileSize ?? 256;
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const m = /^\/(\d+)\/(\d+)\/(\d+)\.png$/.exec(req.url ?? '');
    const tile = m ? { z: Number(m[1]), x: Number(m[2]), y: Number(m[3]) } : undefined;
    if (!tile || tile.z !== zoom || (options.only && !options.only(tile))) {
      res.writeHead(404).end('no such tile');
      return;
    }
    const data = new Uint8Array(T * T * 3).fill(90);
    for (const [x0, y0, x1, y1] of rects)
      for (let y = Math.max(y0, tile.y * T); y < Math.min(y1, (tile.y + 1) * T); y++)
        for (let x = Math.max(x0, tile.x * T); x < Math.min(x1, (tile.x + 1) * T); x++) {
          const i = ((y - tile.y * T) * T + (x - tile.x * T)) * 3;
          data.set([255, 0, 0], i);
        }
    void encodePng({ width: T, height: T, data }).then((png) =>
      res.writeHead(200, { 'content-type': 'image/png' }).end(png),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    template: `${url}/{z}/{x}/{y}.png`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Lon/lat polygon of a pixel rectangle (counter-clockwise).
 * @param rect - global pixels at `zoom`
 * @param zoom - the zoom
 * @param tileSize - pixels per tile, default 256
 */
export function rectPolygon(rect: PixelRect, zoom: number, tileSize = 256): [number, number][][] {
  const [x0, y0, x1, y1] = rect;
  const at = (x: number, y: number): [number, number] => tileToLonLat(x / tileSize, y / tileSize, zoom);
  return [[at(x0, y1), at(x1, y1), at(x1, y0), at(x0, y0), at(x0, y1)]];
}
