/** @module labels/label-files.test — reading label and AOI files (size checked first) and writing labels. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LabelCollection } from './label-types.ts';
import { readAoiFile } from './parse-aoi.ts';
import { readLabelFile } from './read-label-file.ts';
import { formatLabelGeoJson, writeLabelFile } from './write-label-file.ts';
import { failure } from '../shared/test-support/app-error-failure.ts';

const banepaLabels = path.resolve(
  import.meta.dirname,
  '../..',
  '../shared/data/banepa/train/osm/osm_features_ac7e343eb1faacd2.geojson',
);

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fair-labels-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readLabelFile', () => {
  it('reads the Banepa labels', async () => {
    const { labels } = await readLabelFile(banepaLabels);
    expect(labels.features).toHaveLength(1466);
  });

  it('refuses a file over maxBytes from its size alone', async () => {
    const error = await failure(readLabelFile(banepaLabels, { maxBytes: 1_000_000 }));
    expect(error).toEqual({
      code: 'LIMIT_EXCEEDED',
      message: `${banepaLabels} has 1958161 bytes, over the limit of 1000000 bytes`,
    });
  });

  it('names a missing file, a folder, and the file of a bad feature', async () => {
    expect(await failure(readLabelFile(path.join(dir, 'nope.geojson')))).toEqual({
      code: 'RESOURCE_DOES_NOT_EXIST',
      message: `file ${path.join(dir, 'nope.geojson')} does not exist`,
    });
    expect((await failure(readLabelFile(dir))).message).toBe(`${dir} is not a regular file`);
    const bad = path.join(dir, 'bad.geojson');
    await writeFile(
      bad,
      '{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[]}}',
    );
    expect((await failure(readLabelFile(bad))).message).toMatch(
      new RegExp(`^${bad}: feature 0: geometry type LineString`),
    );
  });
});

describe('readAoiFile', () => {
  it('reads an AOI and names the file when it is too large', async () => {
    const file = path.join(dir, 'aoi.geojson');
    await writeFile(
      file,
      JSON.stringify({
        type: 'Polygon',
        coordinates: [
          [
            [85, 27],
            [86, 27],
            [86, 28],
            [85, 28],
            [85, 27],
          ],
        ],
      }),
    );
    expect((await readAoiFile(file, { maxAreaKm2: 20_000 })).type).toBe('Polygon');
    const error = await failure(readAoiFile(file));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toMatch(new RegExp(`^${file}: AOI area .* over the limit of 100 km²$`));
  });
});

describe('writeLabelFile', () => {
  const labels: LabelCollection = {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        id: 'way/1',
        properties: { building: 'yes' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 0],
            ],
          ],
        },
      },
      {
        type: 'Feature',
        properties: {},
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [2, 0],
              [3, 0],
              [3, 1],
              [2, 0],
            ],
          ],
        },
      },
    ],
  };

  it('writes one feature per line, creating folders, and reads back the same labels', async () => {
    const file = path.join(dir, 'a', 'b', 'labels.geojson');
    await writeLabelFile(file, labels);
    const text = await readFile(file, 'utf8');
    expect(text.split('\n')).toHaveLength(5);
    expect(JSON.parse(text)).toEqual(labels);
    expect((await readLabelFile(file)).labels).toEqual(labels);
  });

  it('formats an empty collection as valid GeoJSON', () => {
    expect(JSON.parse(formatLabelGeoJson({ type: 'FeatureCollection', features: [] }))).toEqual({
      type: 'FeatureCollection',
      features: [],
    });
  });

  it('names the path it cannot write', async () => {
    const blocker = path.join(dir, 'file');
    await writeFile(blocker, 'x');
    const error = await failure(writeLabelFile(path.join(blocker, 'labels.geojson'), labels));
    expect(error.message).toMatch(new RegExp(`^cannot write ${blocker}/labels.geojson: E`));
  });
});
