/**
 * End-to-end `fair dataset prepare` / `fair dataset info` in a child process (issue 2 §7): one good run on a slice of
 * Banepa, then bad input — malformed GeoJSON, wrong geometry types, an AOI over the configured area limit, a private
 * tile address, a chip that is not an image, bad flags. Each bad run must exit non-zero with a one-line error.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDataset } from '../../src/datasets/index.ts';
import { runFair, type FairRun } from '../../src/cli/test-support/run-fair.ts';

const root = path.resolve(import.meta.dirname, '../..');
const banepa = path.resolve(root, '../shared/data/banepa');
const chips = path.join(banepa, 'train/oam');
const osm = path.join(banepa, 'train/osm/osm_features_ac7e343eb1faacd2.geojson');
/** Two z19 tiles in the middle of the Banepa sample, as w,s,e,n. */
const smallAoi = '85.5205,27.6318,85.5212,27.6322';

let work: string;

function fair(args: string[], env: Record<string, string> = {}): Promise<FairRun> {
  return runFair(args, { env: { FAIR_ALLOW_PRIVATE_NETWORK: '0', ...env } });
}

/** The error line of a failed run (the progress lines a run may have drawn before it are skipped). */
function errorLine(run: FairRun): string {
  const lines = run.stderr.trim().split('\n');
  return lines.filter((l) => l.startsWith('fair: error:')).join('\n');
}

function expectOneLineError(run: FairRun, pattern: RegExp): void {
  expect(run.code, run.stderr).not.toBe(0);
  const line = errorLine(run);
  expect(line.split('\n')).toHaveLength(1);
  expect(line).toMatch(pattern);
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'fair-cli-dataset-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('fair dataset prepare', () => {
  it('prepares a dataset and prints a JSON summary that `fair dataset info` repeats', async () => {
    const out = path.join(work, 'good');
    const run = await fair([
      'dataset',
      'prepare',
      '--imagery',
      chips,
      '--labels',
      osm,
      '--aoi',
      smallAoi,
      '--zoom',
      '19',
      '--out',
      out,
      '--mask',
      'multi',
      '--offset=-0.5,1',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { chips: number; maskKind: string; offset: number[] };
    const manifest = await readDataset(out);
    expect(summary.chips).toBe(manifest.chips.length);
    expect(summary.chips % 4).toBe(0);
    expect(summary.maskKind).toBe('multi');
    expect(manifest.offset).toEqual([-0.5, 1]);
    const info = await fair(['dataset', 'info', out, '--json']);
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout)).toEqual(summary);
  });

  it("fetches OSM buildings for the chips' extent with --osm (Overpass replayed by a local server)", async () => {
    const geojson = JSON.parse(await readFile(osm, 'utf8')) as {
      features: { properties: { osm_id: number }; geometry: { coordinates: number[][][] } }[];
    };
    const elements = geojson.features.map((f) => ({
      type: 'way',
      id: f.properties.osm_id,
      tags: { building: 'yes' },
      geometry: (f.geometry.coordinates[0] ?? []).map(([lon, lat]) => ({ lat, lon })),
    }));
    const queries: string[] = [];
    const overpass: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        queries.push(decodeURIComponent(body.replace(/\+/g, ' ')));
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ version: 0.6, elements }));
      });
    });
    await new Promise<void>((resolve) => overpass.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(overpass.address() as AddressInfo).port}/api/interpreter`;
      const out = path.join(work, 'osm');
      const run = await fair(
        ['dataset', 'prepare', '--imagery', chips, '--osm', '--zoom', '19', '--out', out, '--json'],
        {
          FAIR_OVERPASS_URL: endpoint,
          FAIR_ALLOW_PRIVATE_NETWORK: '1',
        },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(queries).toHaveLength(1);
      expect(queries[0]).toMatch(/27\.6293\d*.*85\.5189\d*/s);
      const summary = JSON.parse(run.stdout) as { chips: number; chipsWithBuildings: number };
      expect(summary).toMatchObject({ chips: 192, chipsWithBuildings: 190 });
    } finally {
      overpass.close();
    }
  });

  it('names a malformed labels GeoJSON', async () => {
    const file = path.join(work, 'broken.geojson');
    await writeFile(file, '{"type": "FeatureCollection", "features": [');
    const run = await fair([
      'dataset',
      'prepare',
      '--imagery',
      chips,
      '--labels',
      file,
      '--zoom',
      '19',
      '--out',
      path.join(work, 'o1'),
    ]);
    expectOneLineError(run, /broken\.geojson/);
  });

  it('refuses labels of the wrong geometry type', async () => {
    const file = path.join(work, 'points.geojson');
    const point = {
      type: 'Feature',
      properties: {},
      geometry: { type: 'Point', coordinates: [85.52, 27.63] },
    };
    await writeFile(file, JSON.stringify({ type: 'FeatureCollection', features: [point] }));
    const run = await fair([
      'dataset',
      'prepare',
      '--imagery',
      chips,
      '--labels',
      file,
      '--zoom',
      '19',
      '--out',
      path.join(work, 'o2'),
    ]);
    expectOneLineError(run, /Point/);
  });

  it('refuses an AOI over the configured area limit', async () => {
    const run = await fair(
      [
        'dataset',
        'prepare',
        '--imagery',
        chips,
        '--labels',
        osm,
        '--aoi',
        smallAoi,
        '--zoom',
        '19',
        '--out',
        path.join(work, 'o3'),
      ],
      { FAIR_MAX_AOI_KM2: '0.001' },
    );
    expectOneLineError(run, /over the limit of 0\.001 km²/);
    await expect(readdir(path.join(work, 'o3'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a tile server on a private address unless FAIR_ALLOW_PRIVATE_NETWORK is set', async () => {
    const server: Server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const template = `http://127.0.0.1:${(server.address() as AddressInfo).port}/{z}/{x}/{y}.png`;
      const run = await fair([
        'dataset',
        'prepare',
        '--imagery',
        template,
        '--labels',
        osm,
        '--aoi',
        smallAoi,
        '--zoom',
        '19',
        '--out',
        path.join(work, 'o4'),
      ]);
      expectOneLineError(run, /loopback address/);
    } finally {
      server.close();
    }
  });

  it('names a chip file that is not an image', async () => {
    const folder = path.join(work, 'chips-text');
    await mkdir(folder);
    await writeFile(
      path.join(folder, 'OAM-386692-220244-19.tif'),
      'GDAL would say: not recognized as a supported file format',
    );
    const run = await fair([
      'dataset',
      'prepare',
      '--imagery',
      folder,
      '--labels',
      osm,
      '--zoom',
      '19',
      '--out',
      path.join(work, 'o5'),
    ]);
    expectOneLineError(run, /OAM-386692-220244-19\.tif is not a PNG, JPEG, WebP or TIFF image/);
  });

  it('refuses --labels with --osm, and a bad zoom', async () => {
    const both = await fair([
      'dataset',
      'prepare',
      '--imagery',
      chips,
      '--labels',
      osm,
      '--osm',
      '--zoom',
      '19',
      '--out',
      path.join(work, 'o6'),
    ]);
    expectOneLineError(both, /exactly one of --labels <geojson> or --osm/);
    const zoom = await fair([
      'dataset',
      'prepare',
      '--imagery',
      chips,
      '--labels',
      osm,
      '--zoom',
      'nineteen',
      '--out',
      path.join(work, 'o7'),
    ]);
    expect(zoom.code).toBe(2);
    expect(zoom.stderr).toMatch(/zoom "nineteen" is not a comma-separated list of integers/);
  });

  it('names a folder that is not a dataset', async () => {
    const run = await fair(['dataset', 'info', work]);
    expectOneLineError(run, /dataset\.json does not exist/);
  });
});
