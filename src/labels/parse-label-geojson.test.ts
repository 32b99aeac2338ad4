/** @module labels/parse-label-geojson.test — GeoJSON label import: real Banepa labels, repairs, rejections, limits. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../shared/index.ts';
import { parseLabelGeoJson } from './parse-label-geojson.ts';
import { signedArea } from '../geo/index.ts';

const banepaLabels = path.resolve(
  import.meta.dirname,
  '../..',
  '../shared/data/banepa/train/osm/osm_features_ac7e343eb1faacd2.geojson',
);

/** A counter-clockwise unit-ish square near Banepa, closed. */
const square = (x = 85.52, y = 27.63, d = 0.0001): number[][] => [
  [x, y],
  [x + d, y],
  [x + d, y + d],
  [x, y + d],
  [x, y],
];

const feature = (geometry: unknown, properties: unknown = { building: 'yes' }): unknown => ({
  type: 'Feature',
  properties,
  geometry,
});
const collection = (...features: unknown[]): string =>
  JSON.stringify({ type: 'FeatureCollection', features });
const polygon = (...rings: number[][][]): unknown => ({ type: 'Polygon', coordinates: rings });

function failure(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a failure');
}

describe('parseLabelGeoJson on the real Banepa labels', () => {
  const text = readFileSync(banepaLabels, 'utf8');

  it('imports all 1,466 buildings with their OSM tags', () => {
    const { labels, skipped } = parseLabelGeoJson(text);
    expect(labels.features).toHaveLength(1466);
    expect(skipped).toBe(0);
    const first = labels.features[0];
    expect(first?.properties).toMatchObject({
      building: 'yes',
      osm_id: 206057139,
      osm_type: 'way',
      label: 1,
    });
    expect(first?.properties['roof:material']).toBe('concrete');
  });

  it('leaves every outer ring counter-clockwise and counts the rings it rewound', () => {
    const { labels, repairs, repairNotes } = parseLabelGeoJson(text);
    for (const f of labels.features) {
      const outer = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : undefined;
      expect(signedArea(outer ?? [])).toBeGreaterThan(0);
    }
    expect(repairs).toBe(1350);
    expect(repairNotes).toEqual([expect.stringMatching(/^rewound 1350 rings to RFC 7946 winding/)]);
  });
});

describe('parseLabelGeoJson repairs', () => {
  it('closes an unclosed ring and names the feature', () => {
    const open = square().slice(0, 4);
    const { labels, repairs, repairNotes } = parseLabelGeoJson(collection(feature(polygon(open))));
    expect(labels.features[0]?.geometry.coordinates[0]).toEqual(square());
    expect(repairs).toBe(1);
    expect(repairNotes).toEqual(['closed 1 unclosed ring (feature 0)']);
  });

  it('removes duplicate consecutive vertices', () => {
    const [a, b, c, d, e] = square() as [number[], number[], number[], number[], number[]];
    const { labels, repairNotes } = parseLabelGeoJson(collection(feature(polygon([a, b, b, c, c, c, d, e]))));
    expect(labels.features[0]?.geometry.coordinates[0]).toEqual(square());
    expect(repairNotes).toEqual(['removed 3 duplicate consecutive vertices from 1 ring (feature 0)']);
  });

  it('rewinds a clockwise outer ring and a counter-clockwise hole', () => {
    const outer = square(85.52, 27.63, 0.001).reverse();
    const hole = square(85.5202, 27.6302, 0.0002);
    const { labels, repairs } = parseLabelGeoJson(collection(feature(polygon(outer, hole))));
    const [o, h] = labels.features[0]?.geometry.coordinates as number[][][];
    expect(signedArea(o ?? [])).toBeGreaterThan(0);
    expect(signedArea(h ?? [])).toBeLessThan(0);
    expect(repairs).toBe(2);
  });

  it('drops features with a null geometry and counts them', () => {
    const { labels, repairs, repairNotes } = parseLabelGeoJson(
      collection(feature(null), feature(polygon(square())), feature(null)),
    );
    expect(labels.features).toHaveLength(1);
    expect(repairs).toBe(2);
    expect(repairNotes).toEqual(['dropped 2 features with null geometry (features 0, 2)']);
  });

  it('wraps a single Feature and a bare MultiPolygon into a collection, dropping altitudes', () => {
    const single = parseLabelGeoJson(JSON.stringify(feature(polygon(square()), { name: 'x' })));
    expect(single.labels.features[0]?.properties).toEqual({ name: 'x' });
    const withZ = square().map(([x = 0, y = 0]) => [x, y, 1300]);
    const bare = parseLabelGeoJson(
      JSON.stringify({ type: 'MultiPolygon', coordinates: [[withZ], [square(85.53)]] }),
    );
    expect(bare.labels.features).toHaveLength(1);
    expect(bare.labels.features[0]?.properties).toEqual({});
    expect(bare.labels.features[0]?.geometry.coordinates[0]).toEqual([square()]);
  });

  it('keeps feature ids and treats null properties as empty', () => {
    const text = JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', id: 'way/7', properties: null, geometry: polygon(square()) }],
    });
    const { labels } = parseLabelGeoJson(text);
    expect(labels.features[0]?.id).toBe('way/7');
    expect(labels.features[0]?.properties).toEqual({});
  });

  it('accepts the crs names GDAL and QGIS write for lon/lat', () => {
    for (const name of ['urn:ogc:def:crs:OGC:1.3:CRS84', 'EPSG:4326', 'urn:ogc:def:crs:EPSG::4326']) {
      const text = JSON.stringify({
        type: 'FeatureCollection',
        crs: { type: 'name', properties: { name } },
        features: [],
      });
      expect(parseLabelGeoJson(text).labels.features).toEqual([]);
    }
  });

  it('skips non-polygonal features when asked, and counts them', () => {
    const text = collection(
      feature({ type: 'Point', coordinates: [85.52, 27.63] }),
      feature(polygon(square())),
      feature({ type: 'LineString', coordinates: square() }),
    );
    const { labels, skipped, repairs, repairNotes } = parseLabelGeoJson(text, { skipNonPolygonal: true });
    expect(labels.features).toHaveLength(1);
    expect(skipped).toBe(2);
    expect(repairs).toBe(0);
    expect(repairNotes).toEqual(['skipped 2 non-polygonal features (features 0 (Point), 2 (LineString))']);
  });
});

describe('parseLabelGeoJson rejections', () => {
  it.each([
    ['malformed JSON', '{"type": "FeatureCollection", "features": [', /label GeoJSON is not valid JSON/],
    ['a JSON array', '[1, 2]', /not a GeoJSON object/],
    ['an unknown root type', '{"type": "Topology"}', /type "Topology"; expected FeatureCollection/],
    [
      'features that are not an array',
      '{"type": "FeatureCollection", "features": {}}',
      /no "features" array/,
    ],
    [
      'a feature that is not a Feature',
      collection({ type: 'Polygon' }),
      /feature 0 is not a GeoJSON Feature/,
    ],
    [
      'a feature without geometry',
      collection({ type: 'Feature', properties: {} }),
      /feature 0 has no "geometry"/,
    ],
    [
      'properties that are a string',
      collection(feature(polygon(square()), 'x')),
      /feature 0 has "properties"/,
    ],
  ])('rejects %s', (_name, text, message) => {
    const error = failure(() => parseLabelGeoJson(text));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toMatch(message);
  });

  it('rejects a Point feature naming its index and type', () => {
    const text = collection(
      feature(polygon(square())),
      feature({ type: 'Point', coordinates: [85.52, 27.63] }),
    );
    expect(failure(() => parseLabelGeoJson(text)).message).toMatch(
      /^feature 1: geometry type Point is not Polygon or MultiPolygon/,
    );
  });

  it('rejects a GeometryCollection, even of polygons', () => {
    const gc = { type: 'GeometryCollection', geometries: [polygon(square())] };
    expect(failure(() => parseLabelGeoJson(collection(feature(gc)))).message).toMatch(
      /feature 0: geometry type GeometryCollection/,
    );
  });

  it('rejects an unknown geometry type', () => {
    expect(
      failure(() => parseLabelGeoJson(collection(feature({ type: 'Circle', coordinates: [] })))).message,
    ).toBe('feature 0: unknown geometry type "Circle"');
  });

  it('rejects a projected crs by name', () => {
    const text = JSON.stringify({
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3857' } },
      features: [],
    });
    expect(failure(() => parseLabelGeoJson(text)).message).toMatch(
      /crs "urn:ogc:def:crs:EPSG::3857"; only EPSG:4326/,
    );
  });

  it('rejects a ring that has fewer than 4 positions after repair', () => {
    const [a, b] = square();
    const message = failure(() =>
      parseLabelGeoJson(collection(feature(polygon([a ?? [], b ?? [], b ?? []])))),
    ).message;
    expect(message).toBe('feature 0 ring 0: ring has 3 positions after repair, at least 4 are needed');
  });

  it('rejects a self-intersecting (bow-tie) ring, naming the feature and where', () => {
    const bowtie = [
      [0, 0],
      [1, 1],
      [1, 0],
      [0, 1],
      [0, 0],
    ];
    const message = failure(() =>
      parseLabelGeoJson(collection(feature(polygon(square())), feature(polygon(bowtie)))),
    ).message;
    expect(message).toMatch(/^feature 1 ring 0: ring intersects itself \(segments 0 and 2 meet near/);
  });

  it('rejects a ring that only touches itself at a vertex', () => {
    const figureEight = [
      [0, 0],
      [1, 0],
      [1, 1],
      [2, 1],
      [2, 2],
      [1, 2],
      [1, 1],
      [0, 1],
      [0, 0],
    ];
    expect(failure(() => parseLabelGeoJson(collection(feature(polygon(figureEight))))).message).toMatch(
      /ring intersects itself/,
    );
  });

  it('rejects a zero-area ring and a hole outside its outer ring', () => {
    const flat = [
      [0, 0],
      [1, 0],
      [2, 0],
      [0, 0],
    ];
    expect(failure(() => parseLabelGeoJson(collection(feature(polygon(flat))))).message).toMatch(/zero area/);
    const far = square(85.6, 27.7).reverse();
    expect(failure(() => parseLabelGeoJson(collection(feature(polygon(square(), far))))).message).toBe(
      'feature 0 ring 1: hole lies outside the outer ring',
    );
  });

  it('names the feature and position of coordinates that are not numbers or not finite', () => {
    const ring = square() as unknown[];
    ring[2] = ['85.52', 27.63];
    expect(failure(() => parseLabelGeoJson(collection(feature(polygon(ring as number[][]))))).message).toBe(
      'feature 0 ring 0 position 2 has a coordinate that is not a number',
    );
    const text = collection(feature(polygon(square()))).replace('85.5201', '1e999');
    expect(failure(() => parseLabelGeoJson(text)).message).toBe(
      'feature 0 ring 0 position 1 has a non-finite coordinate',
    );
  });

  it('explains out-of-range coordinates that look swapped or projected', () => {
    const swapped = square(110.4, -7.8).map(([x = 0, y = 0]) => [y, x]);
    expect(failure(() => parseLabelGeoJson(collection(feature(polygon(swapped))))).message).toMatch(
      /^feature 0 ring 0 position 0 \[-7.8, 110.4\] is out of range and looks like \[lat, lon\]/,
    );
    const metres = square(9520000, 3200000, 10);
    expect(failure(() => parseLabelGeoJson(collection(feature(polygon(metres))))).message).toMatch(
      /looks like projected metres/,
    );
  });
});

describe('parseLabelGeoJson limits', () => {
  const many = (count: number): string =>
    collection(...Array.from({ length: count }, () => feature(polygon(square()))));

  it('refuses text over maxBytes, naming both sizes', () => {
    const error = failure(() => parseLabelGeoJson(many(10), { maxBytes: 500 }));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toMatch(/^label GeoJSON has \d+ bytes, over the limit of 500 bytes$/);
  });

  it('refuses more features than maxFeatures', () => {
    const error = failure(() => parseLabelGeoJson(many(11), { maxFeatures: 10 }));
    expect(error).toEqual({
      code: 'LIMIT_EXCEEDED',
      message: 'label GeoJSON has 11 features, over the limit of 10 features',
    });
  });

  it('refuses a million-vertex file against a smaller vertex limit before parsing it', () => {
    const ring = Array.from({ length: 999_999 }, (_, i) => `[${85 + i * 1e-7},27.6]`).join(',');
    const text = `{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[${ring},[85,27.6]]]}}`;
    const error = failure(() => parseLabelGeoJson(text, { maxVertices: 100_000 }));
    expect(error).toEqual({
      code: 'LIMIT_EXCEEDED',
      message: 'label GeoJSON has 1000000 vertices, over the limit of 100000 vertices',
    });
  });

  it('rejects a limit that is not a positive number', () => {
    expect(failure(() => parseLabelGeoJson('{}', { maxFeatures: 0 })).message).toBe(
      'label limit maxFeatures must be a positive number, got 0',
    );
  });
});
