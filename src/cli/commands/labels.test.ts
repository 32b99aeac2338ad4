/**
 * @module cli/commands/labels.test — `fair labels fetch-osm` against a local Overpass replay server and
 * `fair labels check` on the real Banepa labels, run as the real command line.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFair, type FairRun } from '../test-support/run-fair.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const banepaLabels = path.resolve(
  root,
  '../shared/data/banepa/train/osm/osm_features_ac7e343eb1faacd2.geojson',
);
const recorded = path.join(root, 'src/labels/fixtures/overpass-banepa-buildings.json');

function fair(args: string[], env: Record<string, string> = {}): Promise<FairRun> {
  return runFair(args, { env });
}

let server: Server;
let endpoint = '';
let dir = '';

beforeAll(async () => {
  const body = await readFile(recorded);
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/interpreter`;
  dir = await mkdtemp(path.join(tmpdir(), 'fair-labels-cli-'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('fair labels', () => {
  it('fetch-osm writes the buildings of a bbox and prints a JSON summary', async () => {
    const out = path.join(dir, 'osm.geojson');
    const run = await fair(
      [
        'labels',
        'fetch-osm',
        '--bbox',
        '85.5188,27.6292,85.5233,27.6344',
        '--out',
        out,
        '--endpoint',
        endpoint,
        '--json',
      ],
      { FAIR_ALLOW_PRIVATE_NETWORK: '1' },
    );
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({
      out,
      endpoint,
      attempts: 1,
      features: 5,
      holes: 1,
      skipped: { openWays: 1 },
    });
    const written = JSON.parse(await readFile(out, 'utf8')) as { features: { id: string }[] };
    expect(written.features.map((f) => f.id)).toContain('relation/15000001');
  });

  it('fetch-osm refuses an AOI over the configured limit with a one-line error', async () => {
    const out = path.join(dir, 'none.geojson');
    const aoi = path.join(dir, 'aoi.geojson');
    await writeFile(
      aoi,
      JSON.stringify({
        type: 'Polygon',
        coordinates: [
          [
            [85, 27],
            [85.2, 27],
            [85.2, 27.2],
            [85, 27],
          ],
        ],
      }),
    );
    const tooLarge = await fair(['labels', 'fetch-osm', '--aoi', aoi, '--out', out, '--endpoint', endpoint], {
      FAIR_MAX_AOI_KM2: '25',
    });
    expect(tooLarge.code).toBe(1);
    expect(tooLarge.stderr).toMatch(
      /^fair: error: .*aoi\.geojson: AOI area 2\d\d\.\d km² is over the limit of 25 km²\n$/,
    );
  });

  it('check reports counts, repairs and the extent of the Banepa labels', async () => {
    const run = await fair(['labels', 'check', banepaLabels, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      features: 1466,
      polygons: 1466,
      repairs: 1350,
      bbox: [85.5187821, 27.6291926, 85.5232631, 27.6343511],
    });
  });
});
