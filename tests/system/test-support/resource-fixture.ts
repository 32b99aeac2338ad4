/**
 * @module tests/system/test-support/resource-fixture — what the resource tests share: users with API tokens, a
 * synthetic tile server of 64 px tiles with small training and prediction areas at zoom 20 and the training area's
 * buildings, a local Overpass stand-in replaying a recorded response, an SSE reader and polling.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FeatureCollection } from 'geojson';
import { lonLatToTile, tileBounds } from '../../../src/geo/index.ts';
import type { BBox } from '../../../src/geo/index.ts';
import type { User } from '../../../src/server/index.ts';
import { startSyntheticTileServer, syntheticBuildings } from '../../../src/synthetic/index.ts';
import type { SyntheticTileServer } from '../../../src/synthetic/index.ts';
import { call } from './http-client.ts';
import type { JsonResponse } from './http-client.ts';
import type { TestServer } from './test-server.ts';

/** A user and an API token of theirs. */
export type Person = { user: User; token: string };

/**
 * Records a user and gives them a token.
 * @param t - the server
 * @param id - OSM user id
 * @param admin - admin flag
 */
export async function person(t: TestServer, id: string, admin = false): Promise<Person> {
  const user = await t.server.auth.store.upsertUser({
    provider: 'osm',
    providerUserId: id,
    name: `user-${id}`,
    admin,
  });
  return { user, token: (await t.server.auth.createToken(user, 'tests')).token };
}

/** A response body as a JSON object. */
export const responseJson = (r: JsonResponse): Record<string, unknown> => r.body as Record<string, unknown>;

/** The message of an error in fAIr's shape (`{error: {code, message, details}}`). */
export const errorMessage = (r: JsonResponse): string =>
  (r.body as { error: { message: string } }).error.message;

/**
 * A request function for one server acting as a person: `send(method, path, payload?, who?)`, where `who` defaults to
 * `defaultWho()` and null is anonymous.
 * @param url - the server's base URL (read at each call: servers start in `beforeAll`)
 * @param defaultWho - who asks when the call names nobody
 */
export function personSender(
  url: () => string,
  defaultWho: () => Person | null,
): (method: string, path: string, payload?: unknown, who?: Person | null) => Promise<JsonResponse> {
  return (method, path, payload, who = defaultWho()) =>
    call(`${url()}${path}`, {
      method,
      ...(payload === undefined ? {} : { body: payload }),
      ...(who === null ? {} : { token: who.token }),
    });
}

/** Zoom of the synthetic fixture (64 px tiles: about 0.6 m per pixel). */
export const ZOOM = 20;
/** Chip size of the fixture's datasets. */
export const CHIP_SIZE = 64;

/** Synthetic imagery and areas. */
export type SyntheticFixture = {
  server: SyntheticTileServer;
  /** 4 × 4 tiles at the scene centre. */
  trainBBox: BBox;
  /** 3 × 3 tiles east of the training area. */
  predictBBox: BBox;
  /** The training area's buildings. */
  labels: FeatureCollection;
  close(): Promise<void>;
};

function blockBBox(x: number, y: number, side: number): BBox {
  const first = tileBounds({ x, y, z: ZOOM });
  const last = tileBounds({ x: x + side - 1, y: y + side - 1, z: ZOOM });
  return [
    (first[0] + first[2]) / 2,
    (last[1] + last[3]) / 2,
    (last[0] + last[2]) / 2,
    (first[1] + first[3]) / 2,
  ];
}

/** Starts the synthetic tile server (seed 42, 64 px tiles). */
export async function startSyntheticFixture(): Promise<SyntheticFixture> {
  const server = await startSyntheticTileServer({ seed: 42, tileSize: CHIP_SIZE });
  const [lon, lat] = server.scene.center;
  const centre = lonLatToTile(lon, lat, ZOOM);
  const trainBBox = blockBBox(centre.x - 2, centre.y - 2, 4);
  return {
    server,
    trainBBox,
    predictBBox: blockBBox(centre.x + 3, centre.y - 1, 3),
    labels: syntheticBuildings(server.scene, trainBBox) as FeatureCollection,
    close: () => server.close(),
  };
}

/** The Banepa bbox of the recorded Overpass response. */
export const BANEPA: BBox = [85.5188, 27.6292, 85.5233, 27.6344];

/** A local Overpass stand-in: replays the recorded Banepa response, or fails with `status`. */
export type OverpassReplay = { endpoint: string; requests: number; status: number; close(): Promise<void> };

/** Starts the Overpass stand-in. */
export async function startOverpassReplay(): Promise<OverpassReplay> {
  const recorded = readFileSync(
    path.resolve(import.meta.dirname, '../../../src/labels/fixtures/overpass-banepa-buildings.json'),
  );
  const replay: OverpassReplay = { endpoint: '', requests: 0, status: 200, close: async () => undefined };
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      replay.requests += 1;
      if (replay.status !== 200) {
        response.writeHead(replay.status, { 'content-type': 'text/plain' }).end('runtime error: overloaded');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(recorded);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  replay.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/interpreter`;
  replay.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return replay;
}

/**
 * Reads an SSE stream to its end.
 * @param url - the stream URL
 * @param token - bearer token, optional
 * @returns the events' data, parsed
 */
export async function readEvents(
  url: string,
  token?: string,
): Promise<{ type: string; data: Record<string, unknown> }[]> {
  const response = await fetch(
    url,
    token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
  );
  if (response.status !== 200)
    throw new Error(`events answered ${response.status}: ${await response.text()}`);
  const text = await response.text();
  return text
    .split('\n\n')
    .map((frame) => frame.split('\n').find((line) => line.startsWith('data: ')))
    .filter((line): line is string => line !== undefined)
    .map(
      (line) => JSON.parse(line.slice('data: '.length)) as { type: string; data: Record<string, unknown> },
    );
}

/**
 * Polls until `check` returns a value other than undefined.
 * @param check - the probe
 * @param timeoutMs - give up after this long
 */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
