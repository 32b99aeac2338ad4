/** @module predict/geojson-writer.test — streamed FeatureCollections: valid JSON, RFC 7946 winding, atomic files. */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FeatureCollection, Polygon, Position } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutputFeature } from './feature-writer.ts';
import { createGeoJsonWriter, formatFeature, windRing, writeGeoJson } from './geojson-writer.ts';

const clockwise: Position[] = [
  [0, 0],
  [0, 1],
  [1, 1],
  [1, 0],
  [0, 0],
];

/** Twice the signed area; positive = counter-clockwise. */
function signed(ring: Position[]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++)
    s += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
  return s;
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fair-geojson-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('windRing', () => {
  it('makes outer rings counter-clockwise and holes clockwise, closing open rings', () => {
    expect(signed(windRing(clockwise, true))).toBeGreaterThan(0);
    expect(signed(windRing(clockwise, false))).toBeLessThan(0);
    const open = windRing(clockwise.slice(0, 4), true);
    expect(open[0]).toEqual(open[open.length - 1]);
  });
});

describe('formatFeature', () => {
  it('rounds coordinates to 7 decimals and keeps properties', () => {
    const text = formatFeature({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [85.123456789, 27.000000049] },
      properties: { building: 'yes', confidence: 0.8 },
    });
    expect(JSON.parse(text)).toEqual({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [85.1234568, 27] },
      properties: { building: 'yes', confidence: 0.8 },
    });
  });
});

describe('createGeoJsonWriter', () => {
  it('writes a FeatureCollection feature by feature with RFC 7946 winding', async () => {
    const file = path.join(dir, 'b.geojson');
    const features: OutputFeature[] = Array.from({ length: 250 }, (_, i) => ({
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [clockwise.map(([x, y]) => [x! + i, y!])] },
      properties: { building: 'yes', n: i },
    }));
    expect(await writeGeoJson(file, features, { foreign: { fair: { model: 'm' } } })).toBe(250);
    const parsed = JSON.parse(await readFile(file, 'utf8')) as FeatureCollection<Polygon> & { fair: unknown };
    expect(parsed.type).toBe('FeatureCollection');
    expect(parsed.fair).toEqual({ model: 'm' });
    expect(parsed.features).toHaveLength(250);
    expect(parsed.features.every((f) => signed(f.geometry.coordinates[0]!) > 0)).toBe(true);
    expect(await readdir(dir)).toEqual(['b.geojson']);
  });

  it('writes an empty collection', async () => {
    const file = path.join(dir, 'empty.geojson');
    const writer = await createGeoJsonWriter(file);
    await writer.close();
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ type: 'FeatureCollection', features: [] });
  });

  it('leaves nothing behind when aborted, and names a missing folder', async () => {
    const file = path.join(dir, 'never.geojson');
    const writer = await createGeoJsonWriter(file);
    await writer.abort();
    expect((await readdir(dir)).filter((f) => f.startsWith('never'))).toEqual([]);
    await expect(createGeoJsonWriter(path.join(dir, 'nope', 'x.geojson'))).rejects.toThrow(
      /folder .*nope does not exist/,
    );
  });
});
