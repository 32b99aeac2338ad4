/**
 * @module synthetic/tile-server — a local XYZ tile server for a synthetic scene (node:http), so demos and tests fetch
 * synthetic imagery through the same HTTP tile path as real imagery.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError, invalid } from '../shared/index.ts';
import type { SyntheticImageFormat } from './encode-image.ts';
import { createSyntheticScene, type SyntheticScene } from './scene.ts';
import { handleRequest, type RouteContext } from './tile-routes.ts';

/** Options of `startSyntheticTileServer`. */
export type SyntheticTileServerOptions = {
  /** Scene seed, integer 0..4294967295. */
  seed: number;
  /** TCP port, default 0 (any free port). */
  port?: number;
  /** Interface to listen on, default `127.0.0.1`. */
  host?: string;
  /** Tile size in pixels, default 256 (64..1024). */
  tileSize?: number;
  /** Format of `tileTemplate`, default `png`; both `.png` and `.jpg` paths are always served. */
  format?: SyntheticImageFormat;
  /** Scene centre `[lon, lat]`, default `[36.8, -1.3]`. */
  center?: [number, number];
  /** Scene side in km, default 4. */
  extentKm?: number;
};

/** A running synthetic tile server. */
export type SyntheticTileServer = {
  /** Base URL, no trailing slash, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** XYZ template, `${url}/tiles/{z}/{x}/{y}.png` (or `.jpg`). */
  tileTemplate: string;
  /** `${url}/tilejson.json` (TileJSON 3.0.0). */
  tileJsonUrl: string;
  /** `${url}/buildings.geojson`; accepts `?bbox=w,s,e,n` (default: the whole scene). */
  buildingsUrl: string;
  scene: SyntheticScene;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
};

/**
 * Starts a tile server for a synthetic scene. Routes: `GET /tiles/{z}/{x}/{y}.png|.jpg` (z 0..22; 400 for other
 * zooms, coordinates outside the grid or malformed tile paths), `GET /tilejson.json`, `GET /buildings.geojson?bbox=`,
 * `GET /` (an index). Answers carry Content-Type, Cache-Control, ETag and CORS headers.
 * @param options - seed; port (default 0), host (default 127.0.0.1), tileSize (default 256), format (default png),
 *   center and extentKm of the scene (defaults of `createSyntheticScene`)
 * @returns the server's URLs, its scene and `close()`
 * @throws AppError INVALID_PARAMETER_VALUE for bad options; CONFLICT when the port is taken
 * @example
 * const server = await startSyntheticTileServer({ seed: 42 });
 * const png = await fetch(server.tileTemplate.replace('{z}', '19').replace('{x}', '315737').replace('{y}', '264037'));
 * await server.close();
 */
export async function startSyntheticTileServer(
  options: SyntheticTileServerOptions,
): Promise<SyntheticTileServer> {
  const port = options.port ?? 0;
  const host = options.host ?? '127.0.0.1';
  const tileSize = options.tileSize ?? 256;
  const format = options.format ?? 'png';
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    invalid(`port ${port} must be an integer 0..65535`);
  if (!Number.isInteger(tileSize) || tileSize < 64 || tileSize > 1024)
    invalid(`tileSize ${tileSize} must be an integer 64..1024`);
  if (format !== 'png' && format !== 'jpeg') invalid(`format ${String(format)} must be png or jpeg`);
  const scene = createSyntheticScene({
    seed: options.seed,
    ...(options.center ? { center: options.center } : {}),
    ...(options.extentKm !== undefined ? { extentKm: options.extentKm } : {}),
  });
  const context: { -readonly [K in keyof RouteContext]: RouteContext[K] } = {
    scene,
    tileSize,
    format,
    baseUrl: '',
  };
  const server = createServer((request, response) => void handleRequest(context, request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new AppError('CONFLICT', `port ${port} on ${host} is already in use`)
          : new AppError('INVALID_PARAMETER_VALUE', `cannot listen on ${host}:${port}: ${error.message}`),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  // A server on every interface is reached through loopback; name that in the URLs it hands out.
  const reachable =
    address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  const shownHost = reachable.includes(':') ? `[${reachable}]` : reachable;
  const url = `http://${shownHost}:${address.port}`;
  context.baseUrl = url;
  return {
    url,
    tileTemplate: `${url}/tiles/{z}/{x}/{y}.${format === 'png' ? 'png' : 'jpg'}`,
    tileJsonUrl: `${url}/tilejson.json`,
    buildingsUrl: `${url}/buildings.geojson`,
    scene,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
