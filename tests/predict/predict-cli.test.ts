/**
 * @module tests/predict/predict-cli.test — `fair predict` as the real command line: outputs for JOSM and the summary,
 * and one-line errors with a non-zero exit for bad input.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tileBounds } from '../../src/geo/index.ts';
import { parseXml } from '../../src/predict/test-support/parse-xml.ts';
import { writeRedModel } from './support/red-model.ts';
import { startRectTileServer } from './support/rect-tile-server.ts';
import type { RectTileServer } from './support/rect-tile-server.ts';
import { runFair, type FairRun } from '../../src/cli/test-support/run-fair.ts';

const root = path.resolve(import.meta.dirname, '../..');
const banepaChips = path.resolve(root, '../shared/data/banepa/predict/oam');
const banepaTrain = path.resolve(root, '../shared/data/banepa/train');
const Z = 18;
const [X, Y] = [193_797, 110_122];

function fair(args: string[], env: Record<string, string> = {}): Promise<FairRun> {
  return runFair(['predict', ...args], {
    timeoutMs: 60_000,
    env: { FAIR_ALLOW_PRIVATE_NETWORK: '1', FAIR_TILE_CACHE_DIR: cacheDir, ...env },
  });
}

/** The single error line of a failed run. */
function errorLine(run: FairRun): string {
  expect(run.code).not.toBe(0);
  const lines = run.stderr
    .trim()
    .split('\n')
    .filter((l) => !/^(tiles|\(run with)/.test(l));
  expect(lines).toHaveLength(1);
  return lines[0] as string;
}

let dir = '';
let cacheDir = '';
let model = '';
let model256 = '';
let server: RectTileServer;
let bbox = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fair-predict-cli-'));
  cacheDir = path.join(dir, 'cache');
  model = await writeRedModel(path.join(dir, 'red'), 64);
  model256 = await writeRedModel(path.join(dir, 'red256'), 256);
  // Two buildings across the edge of two z18 tiles.
  server = await startRectTileServer(
    [
      [X * 256 + 200, Y * 256 + 30, X * 256 + 300, Y * 256 + 80],
      [X * 256 + 40, Y * 256 + 150, X * 256 + 90, Y * 256 + 200],
    ],
    { zoom: Z },
  );
  const [w, s, , n] = tileBounds({ x: X, y: Y, z: Z });
  const [, , e] = tileBounds({ x: X + 1, y: Y, z: Z });
  bbox = [w + 1e-6, s + 1e-6, e - 1e-6, n - 1e-6].join(',');
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('fair predict', () => {
  it('writes OSM XML for JOSM, a preview, and prints the summary as JSON', async () => {
    const out = path.join(dir, 'b.osm');
    const preview = path.join(dir, 'b.png');
    const run = await fair([
      '--model',
      model,
      '--imagery',
      server.template,
      '--bbox',
      bbox,
      '--zoom',
      '18',
      '--out',
      out,
      '--preview',
      preview,
      '--json',
    ]);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ features: 2, dropped_small: 0, dropped_conflated: 0 });
    expect(summary['tiles']).toBeGreaterThanOrEqual(2);
    expect(typeof summary['seconds']).toBe('number');
    const osm = parseXml(await readFile(out, 'utf8'));
    expect(osm.children.filter((c) => c.name === 'way')).toHaveLength(2);
    expect((await readFile(preview)).subarray(1, 4).toString()).toBe('PNG');
  });

  it('writes points as GeoJSON and drops buildings in --conflate', async () => {
    const first = path.join(dir, 'all.geojson');
    await fair([
      '--model',
      model,
      '--imagery',
      server.template,
      '--bbox',
      bbox,
      '--zoom',
      '18',
      '--out',
      first,
    ]);
    const all = JSON.parse(await readFile(first, 'utf8')) as { features: { geometry: { type: string } }[] };
    expect(all.features.map((f) => f.geometry.type)).toEqual(['Polygon', 'Polygon']);
    const existing = path.join(dir, 'existing.geojson');
    await writeFile(existing, JSON.stringify({ ...all, features: all.features.slice(0, 1) }));
    const out = path.join(dir, 'points.geojson');
    const run = await fair([
      '--model',
      model,
      '--imagery',
      server.template,
      '--bbox',
      bbox,
      '--zoom',
      '18',
      '--out',
      out,
      '--points',
      '--conflate',
      existing,
      '--json',
    ]);
    expect(JSON.parse(run.stdout)).toMatchObject({ features: 1, dropped_conflated: 1 });
    const points = JSON.parse(await readFile(out, 'utf8')) as { features: { geometry: { type: string } }[] };
    expect(points.features.map((f) => f.geometry.type)).toEqual(['Point']);
  });

  it('scores the delivered buildings against --reference buildings in the area', async () => {
    const all = JSON.parse(await readFile(path.join(dir, 'all.geojson'), 'utf8')) as {
      features: { geometry: { type: string; coordinates: [number, number][][] } }[];
    };
    const mapped = all.features[0]!;
    // One mapped building of the two predicted, and one far outside the area (not scored).
    const far = mapped.geometry.coordinates.map((ring) => ring.map(([x, y]) => [x + 0.1, y] as const));
    const reference = path.join(dir, 'reference.geojson');
    await writeFile(
      reference,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          mapped,
          { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: far } },
        ],
      }),
    );
    const args = ['--model', model, '--imagery', server.template, '--bbox', bbox, '--zoom', '18'];
    const run = await fair([...args, '--out', path.join(dir, 'scored.geojson'), '--reference', reference]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'against 1 reference buildings: 1 matched at IoU ≥ 0.5, precision 0.500, recall 1.000, F1 0.667',
    );
    const json = await fair([
      ...args,
      '--out',
      path.join(dir, 'scored.osm'),
      '--reference',
      reference,
      '--json',
    ]);
    expect((JSON.parse(json.stdout) as { reference: unknown }).reference).toEqual({
      reference_buildings: 1,
      predicted_buildings: 2,
      matched: 1,
      precision: 0.5,
      recall: 1,
      f1: 0.6667,
    });
    expect(
      errorLine(
        await fair([
          ...args,
          '--out',
          path.join(dir, 'x.geojson'),
          '--reference',
          path.join(dir, 'none.geojson'),
        ]),
      ),
    ).toMatch(/none\.geojson/);
  });

  it('predicts every chip of a folder when no area is given', async () => {
    const out = path.join(dir, 'banepa.geojson');
    // A 256 px red model, no overlap and a high threshold keep this run short: it checks the folder mode.
    const run = await fair([
      '--model',
      model256,
      '--imagery',
      banepaChips,
      '--out',
      out,
      '--overlap',
      '0',
      '--confidence',
      '0.99',
      '--json',
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ tiles: 16, zoom: 19, tile_size: 512 });
  });

  it('scores a chip folder predicted without an area against the reference buildings on its tiles', async () => {
    // One real Banepa chip (z19 tile 386690/220241) in a folder of its own, against all 1,466 OSM buildings.
    const folder = path.join(dir, 'one-chip');
    await mkdir(folder);
    for (const suffix of ['', '.aux.xml'])
      await symlink(
        path.join(banepaTrain, 'oam', `OAM-386690-220241-19.tif${suffix}`),
        path.join(folder, `OAM-386690-220241-19.tif${suffix}`),
      );
    const osm = path.join(banepaTrain, 'osm', 'osm_features_ac7e343eb1faacd2.geojson');
    const run = await fair([
      '--model',
      model256,
      '--imagery',
      folder,
      '--out',
      path.join(dir, 'one.geojson'),
      '--overlap',
      '0',
      '--reference',
      osm,
      '--json',
    ]);
    expect(run.code).toBe(0);
    const scored = (JSON.parse(run.stdout) as { reference: { reference_buildings: number } }).reference;
    // The buildings whose first vertex lies on the tile, and those whose bbox meets it, bound the count.
    const [w, s, e, n] = tileBounds({ x: 386690, y: 220241, z: 19 });
    const features = (
      JSON.parse(await readFile(osm, 'utf8')) as { features: { geometry: { coordinates: number[][][] } }[] }
    ).features;
    const rings = features.map((f) => f.geometry.coordinates[0]!);
    const firstInside = rings.filter((r) => {
      const [x = NaN, y = NaN] = r[0] ?? [];
      return x >= w && x <= e && y >= s && y <= n;
    }).length;
    const bboxMeets = rings.filter(
      (r) =>
        r.some(([x]) => x! >= w) &&
        r.some(([x]) => x! <= e) &&
        r.some(([, y]) => y! >= s) &&
        r.some(([, y]) => y! <= n),
    ).length;
    expect(firstInside).toBeGreaterThan(10);
    expect(scored.reference_buildings).toBeGreaterThanOrEqual(firstInside);
    expect(scored.reference_buildings).toBeLessThanOrEqual(bboxMeets);
  });

  it('refuses an inverted bbox', async () => {
    const [w, s, e, n] = bbox.split(',');
    const line = errorLine(
      await fair([
        '--model',
        model,
        '--imagery',
        server.template,
        '--bbox',
        [e, s, w, n].join(','),
        '--out',
        path.join(dir, 'x.geojson'),
      ]),
    );
    expect(line).toMatch(/^fair: error: bbox .* is not \[west, south, east, north\] .* west < east/);
  });

  it('refuses an area over the limit', async () => {
    const run = await fair(
      [
        '--model',
        model,
        '--imagery',
        server.template,
        '--bbox',
        '85.4,27.5,85.6,27.7',
        '--out',
        path.join(dir, 'x.geojson'),
      ],
      { FAIR_MAX_AOI_KM2: '5' },
    );
    expect(errorLine(run)).toMatch(/^fair: error: AOI area \d+(\.\d)? km² is over the limit of 5 km²$/);
  });

  it('refuses a zoom outside 0..30 and outside the imagery', async () => {
    const usage = await fair([
      '--model',
      model,
      '--imagery',
      server.template,
      '--bbox',
      bbox,
      '--zoom',
      '31',
      '--out',
      path.join(dir, 'x.geojson'),
    ]);
    expect(usage.code).not.toBe(0);
    expect(usage.stderr).toMatch(/zoom "31" is not an integer 0..30/);
    const line = errorLine(
      await fair([
        '--model',
        model,
        '--imagery',
        banepaChips,
        '--zoom',
        '18',
        '--out',
        path.join(dir, 'x.geojson'),
      ]),
    );
    expect(line).toMatch(/^fair: error: zoom 18 is outside the zooms 19..19 of imagery /);
  });

  it('refuses a model file that is not ONNX', async () => {
    const fake = path.join(dir, 'fake.onnx');
    await writeFile(fake, 'hello, I am not a model\n');
    const line = errorLine(
      await fair([
        '--model',
        fake,
        '--imagery',
        server.template,
        '--bbox',
        bbox,
        '--out',
        path.join(dir, 'x.geojson'),
      ]),
    );
    expect(line).toContain(`fair: error: ${fake} is not an ONNX model`);
  });

  it('refuses imagery that answers 404 for every tile, writing no output', async () => {
    const out = path.join(dir, 'none.geojson');
    const line = errorLine(
      await fair([
        '--model',
        model,
        '--imagery',
        `${server.url}/nothing/{z}/{x}/{y}.png`,
        '--bbox',
        bbox,
        '--zoom',
        '18',
        '--out',
        out,
      ]),
    );
    expect(line).toMatch(/^fair: error: imagery .* has none of the \d+ tiles of the area at zoom 18/);
    await expect(readFile(out)).rejects.toThrow(/ENOENT/);
  });
});
