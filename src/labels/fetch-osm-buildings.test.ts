/**
 * @module labels/fetch-osm-buildings.test — the Overpass client against a local server that replays a recorded
 * Overpass response: the request it sends, retries on 429/5xx, timeouts, malformed and error responses.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchOsmBuildings, fetchOsmBuildingsReport } from './fetch-osm-buildings.ts';
import type { FetchOsmOptions } from './fetch-osm-buildings.ts';
import { failure } from '../shared/test-support/app-error-failure.ts';

const recorded = readFileSync(path.join(import.meta.dirname, 'fixtures', 'overpass-banepa-buildings.json'));
const banepa: [number, number, number, number] = [85.5188, 27.6292, 85.5233, 27.6344];

type Request = { method: string; contentType: string; query: string };
type Reply = (res: ServerResponse, request: Request, count: number) => void;

const servers: Server[] = [];

/** Starts a local Overpass stand-in; `reply` answers each request (count starts at 1). */
async function overpass(reply: Reply): Promise<{ endpoint: string; requests: Request[] }> {
  const requests: Request[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const request = {
        method: req.method ?? '',
        contentType: req.headers['content-type'] ?? '',
        query: form.get('data') ?? '',
      };
      requests.push(request);
      reply(res, request, requests.length);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/interpreter`, requests };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const replayFixture: Reply = (res, request) => {
  if (request.method !== 'POST' || !request.query.startsWith('[out:json]')) {
    res.writeHead(400, { 'content-type': 'text/html' }).end('<p><strong>Error</strong>: no query</p>');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(recorded);
};

const options = (endpoint: string, extra: Partial<FetchOsmOptions> = {}): FetchOsmOptions => ({
  endpoint,
  allowPrivateNetwork: true,
  backoffMs: 1,
  ...extra,
});

describe('fetchOsmBuildings', () => {
  it('POSTs the query as a form and converts the replayed response', async () => {
    const { endpoint, requests } = await overpass(replayFixture);
    const labels = await fetchOsmBuildings(banepa, options(endpoint));
    expect(requests).toEqual([
      {
        method: 'POST',
        contentType: 'application/x-www-form-urlencoded',
        query:
          '[out:json][timeout:180];(way["building"](27.6292,85.5188,27.6344,85.5233);' +
          'relation["building"]["type"="multipolygon"](27.6292,85.5188,27.6344,85.5233););out geom;',
      },
    ]);
    expect(labels.type).toBe('FeatureCollection');
    expect(labels.features).toHaveLength(5);
    expect(labels.features[0]?.properties).toMatchObject({
      osm_id: 'way/206057139',
      osm_type: 'way',
      building: 'yes',
    });
  });

  it('reports skipped elements, attempts and size, and drops buildings inside a hole of the AOI', async () => {
    const { endpoint, requests } = await overpass(replayFixture);
    const outer = [
      [85.518, 27.629],
      [85.524, 27.629],
      [85.524, 27.635],
      [85.518, 27.635],
      [85.518, 27.629],
    ];
    const hole = [
      [85.5209, 27.6299],
      [85.5209, 27.6304],
      [85.5214, 27.6304],
      [85.5214, 27.6299],
      [85.5209, 27.6299],
    ];
    const report = await fetchOsmBuildingsReport(
      { type: 'Polygon', coordinates: [outer, hole] },
      options(endpoint),
    );
    expect(requests[0]?.query).toContain(
      'way["building"](poly:"27.629 85.518 27.629 85.524 27.635 85.524 27.635 85.518");',
    );
    expect(report.labels.features.map((f) => f.id)).not.toContain('relation/15000001');
    expect(report.labels.features).toHaveLength(4);
    expect(report.skipped).toEqual({
      openWays: 1,
      incompleteRelations: 0,
      invalidGeometries: 0,
      notBuildings: 2,
      otherElements: 1,
      outsideAoi: 1,
    });
    expect(report.attempts).toBe(1);
    expect(report.bytes).toBe(recorded.length);
  });

  it('retries after a 429 and then succeeds', async () => {
    const { endpoint, requests } = await overpass((res, request, count) => {
      if (count === 1) res.writeHead(429, { 'retry-after': '0' }).end('rate limited');
      else replayFixture(res, request, count);
    });
    const notes: string[] = [];
    const progress = {
      start: () => undefined,
      tick: (_n?: number, info?: string) => notes.push(info ?? ''),
      done: (info?: string) => notes.push(info ?? ''),
    };
    const report = await fetchOsmBuildingsReport(banepa, options(endpoint, { progress }));
    expect(report.attempts).toBe(2);
    expect(report.labels.features).toHaveLength(5);
    expect(requests).toHaveLength(2);
    expect(notes[0]).toMatch(/^retry 1\/3 in 0\.0s: Overpass endpoint .* is rate-limiting/);
    expect(notes.at(-1)).toBe('5 buildings');
  });

  it('retries after a 504 gateway timeout', async () => {
    const { endpoint } = await overpass((res, request, count) => {
      if (count < 3) res.writeHead(504).end('<html><body>Gateway Timeout</body></html>');
      else replayFixture(res, request, count);
    });
    expect((await fetchOsmBuildingsReport(banepa, options(endpoint))).attempts).toBe(3);
  });

  it('gives up on a server that keeps answering 429, with a clear error', async () => {
    const { endpoint, requests } = await overpass((res) => res.writeHead(429, { 'retry-after': '0' }).end());
    const error = await failure(fetchOsmBuildings(banepa, options(endpoint, { retries: 2 })));
    expect(error.code).toBe('UPSTREAM_FAILURE');
    expect(error.message).toBe(
      `Overpass endpoint ${endpoint} is rate-limiting requests (HTTP 429, 3 attempts); wait a few minutes or use another endpoint (FAIR_OVERPASS_URL)`,
    );
    expect(requests).toHaveLength(3);
  });

  it('caps a long Retry-After at maxRetryDelayMs', async () => {
    const { endpoint } = await overpass((res, request, count) => {
      if (count === 1) res.writeHead(429, { 'retry-after': '3600' }).end();
      else replayFixture(res, request, count);
    });
    const report = await fetchOsmBuildingsReport(banepa, options(endpoint, { maxRetryDelayMs: 10 }));
    expect(report.attempts).toBe(2);
  });

  it('reports a timeout when the server never answers', async () => {
    const { endpoint, requests } = await overpass(() => undefined);
    const error = await failure(fetchOsmBuildings(banepa, options(endpoint, { timeoutMs: 200, retries: 1 })));
    expect(error).toEqual({
      code: 'TIMEOUT',
      message: `Overpass endpoint ${endpoint} did not answer within 200 ms (2 attempts); try a smaller area or a longer timeout`,
    });
    expect(requests).toHaveLength(2);
    expect(requests[0]?.query).toMatch(/^\[out:json\]\[timeout:1\];/);
  });

  it('refuses malformed JSON naming the endpoint, without retrying', async () => {
    const { endpoint, requests } = await overpass((res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(recorded.subarray(0, 500)),
    );
    const error = await failure(fetchOsmBuildings(banepa, options(endpoint)));
    expect(error.code).toBe('UPSTREAM_FAILURE');
    expect(error.message).toMatch(new RegExp(`^Overpass endpoint ${endpoint} returned malformed JSON \\(`));
    expect(requests).toHaveLength(1);
  });

  it('refuses a 200 response whose remark reports a runtime error', async () => {
    const body = {
      version: 0.6,
      generator: 'Overpass API 0.7.62.1 084b4234',
      osm3s: { timestamp_osm_base: '2024-05-14T10:21:39Z', copyright: 'ODbL' },
      elements: [],
      remark: 'runtime error: Query timed out in "query" at line 1 after 26 seconds.',
    };
    const { endpoint } = await overpass((res) => res.writeHead(200).end(JSON.stringify(body)));
    const error = await failure(fetchOsmBuildings(banepa, options(endpoint)));
    expect(error).toEqual({
      code: 'UPSTREAM_FAILURE',
      message: `Overpass endpoint ${endpoint} reported "runtime error: Query timed out in "query" at line 1 after 26 seconds."; try a smaller area or a longer timeout`,
    });
  });

  it('reports a 400 with the text of its HTML body, without retrying', async () => {
    const { endpoint, requests } = await overpass((res) =>
      res
        .writeHead(400, { 'content-type': 'text/html' })
        .end('<p><strong style="color:#FF0000">Error</strong>: line 1: parse error: unknown filter</p>'),
    );
    const error = await failure(fetchOsmBuildings(banepa, options(endpoint)));
    expect(error.message).toBe(
      `Overpass endpoint ${endpoint} answered HTTP 400: Error : line 1: parse error: unknown filter`,
    );
    expect(requests).toHaveLength(1);
  });

  it('refuses a loopback endpoint unless private networks are allowed', async () => {
    const { endpoint, requests } = await overpass(replayFixture);
    const error = await failure(fetchOsmBuildings(banepa, options(endpoint, { allowPrivateNetwork: false })));
    expect(error.code).toBe('PERMISSION_DENIED');
    expect(requests).toHaveLength(0);
  });

  it('refuses an area over the limit before sending anything', async () => {
    const { endpoint, requests } = await overpass(replayFixture);
    const error = await failure(fetchOsmBuildings([85, 27, 86, 28], options(endpoint)));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toMatch(/^AOI area \d+\.\d km² is over the limit of 100 km²$/);
    expect(requests).toHaveLength(0);
  });

  it('stops waiting between attempts when aborted', async () => {
    const { endpoint } = await overpass((res) => res.writeHead(503).end());
    const controller = new AbortController();
    const fetching = fetchOsmBuildings(
      banepa,
      options(endpoint, { backoffMs: 60_000, signal: controller.signal }),
    );
    setTimeout(() => controller.abort(new Error('cancelled by the user')), 100);
    await expect(fetching).rejects.toThrow('cancelled by the user');
  });
});
