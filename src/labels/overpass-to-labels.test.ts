/** @module labels/overpass-to-labels.test — the Overpass query text and the conversion of a recorded response. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../shared/index.ts';
import { buildOverpassQuery, queriesByBBox } from './overpass-query.ts';
import { overpassRuntimeError, overpassToLabels } from './overpass-to-labels.ts';
import { signedArea } from '../geo/index.ts';

const fixture = (): unknown =>
  JSON.parse(
    readFileSync(path.join(import.meta.dirname, 'fixtures', 'overpass-banepa-buildings.json'), 'utf8'),
  );

describe('buildOverpassQuery', () => {
  it('queries building ways and multipolygon relations in a bbox given as south,west,north,east', () => {
    expect(buildOverpassQuery([85.5188, 27.6292, 85.5233, 27.6344], 180)).toBe(
      '[out:json][timeout:180];(way["building"](27.6292,85.5188,27.6344,85.5233);' +
        'relation["building"]["type"="multipolygon"](27.6292,85.5188,27.6344,85.5233););out geom;',
    );
  });

  it('sends each polygon outline of an AOI as a poly filter of "lat lon" pairs', () => {
    const query = buildOverpassQuery(
      {
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [85.51, 27.62],
              [85.52, 27.62],
              [85.52, 27.63],
              [85.51, 27.62],
            ],
          ],
          [
            [
              [86, 28],
              [86.1, 28],
              [86.1, 28.1],
              [86, 28],
            ],
          ],
        ],
      },
      25,
    );
    expect(query).toBe(
      '[out:json][timeout:25];(' +
        'way["building"](poly:"27.62 85.51 27.62 85.52 27.63 85.52");' +
        'relation["building"]["type"="multipolygon"](poly:"27.62 85.51 27.62 85.52 27.63 85.52");' +
        'way["building"](poly:"28 86 28 86.1 28.1 86.1");' +
        'relation["building"]["type"="multipolygon"](poly:"28 86 28 86.1 28.1 86.1");' +
        ');out geom;',
    );
  });

  it('falls back to the bbox for outlines of more than 2000 vertices', () => {
    const ring = Array.from({ length: 2500 }, (_, i) => {
      const a = (i / 2500) * 2 * Math.PI;
      return [85.5 + 0.01 * Math.cos(a), 27.6 + 0.01 * Math.sin(a)];
    });
    ring.push(ring[0] ?? []);
    const aoi = { type: 'Polygon' as const, coordinates: [ring] };
    expect(queriesByBBox(aoi)).toBe(true);
    expect(buildOverpassQuery(aoi, 60)).toContain('way["building"](27.59,85.49,27.61,85.51);');
  });

  it('rejects a timeout that is not a whole positive number of seconds', () => {
    try {
      buildOverpassQuery([0, 0, 1, 1], 0.5);
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error, 'INVALID_PARAMETER_VALUE')).toBe(true);
    }
  });
});

describe('overpassToLabels on a recorded response', () => {
  it('keeps building ways and the multipolygon relation, and counts what it skipped', () => {
    const { labels, skipped } = overpassToLabels(fixture());
    expect(labels.features.map((f) => f.id)).toEqual([
      'way/206057139',
      'way/206057140',
      'way/206057145',
      'relation/15000001',
      'way/209333373',
    ]);
    expect(skipped).toEqual({
      openWays: 1,
      incompleteRelations: 0,
      invalidGeometries: 0,
      notBuildings: 2,
      otherElements: 1,
    });
  });

  it('keeps the OSM id, type and tags, with each tag also at the top level', () => {
    const way = overpassToLabels(fixture()).labels.features[0];
    expect(way?.properties).toEqual({
      building: 'yes',
      green_roof: 'yes',
      'roof:material': 'concrete',
      'roof:shape': 'mixed',
      osm_id: 'way/206057139',
      osm_type: 'way',
      tags: { building: 'yes', green_roof: 'yes', 'roof:material': 'concrete', 'roof:shape': 'mixed' },
    });
    expect(way?.geometry.type).toBe('Polygon');
    expect(way?.geometry.coordinates[0]).toHaveLength(14);
  });

  it('assembles the relation outer from two ways, one reversed, with its courtyard as a hole', () => {
    const relation = overpassToLabels(fixture()).labels.features.find((f) => f.id === 'relation/15000001');
    expect(relation?.properties['building']).toBe('school');
    expect(relation?.properties['osm_type']).toBe('relation');
    expect(relation?.geometry).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [85.521, 27.63],
          [85.5213, 27.63],
          [85.5213, 27.6303],
          [85.521, 27.6303],
          [85.521, 27.63],
        ],
        [
          [85.5211, 27.6301],
          [85.5211, 27.6302],
          [85.5212, 27.6302],
          [85.5212, 27.6301],
          [85.5211, 27.6301],
        ],
      ],
    });
    const [outer, hole] = relation?.geometry.coordinates as number[][][];
    expect(signedArea(outer ?? [])).toBeGreaterThan(0);
    expect(signedArea(hole ?? [])).toBeLessThan(0);
  });

  it('turns a relation with two separate outers into a MultiPolygon and skips one that does not close', () => {
    const member = (role: string, ring: number[][]): unknown => ({
      type: 'way',
      ref: 1,
      role,
      geometry: ring.map(([lon, lat]) => ({ lat, lon })),
    });
    const sq = (x: number): number[][] => [
      [x, 0],
      [x + 1, 0],
      [x + 1, 1],
      [x, 1],
      [x, 0],
    ];
    const tags = { building: 'yes', type: 'multipolygon' };
    const response = {
      elements: [
        { type: 'relation', id: 1, members: [member('outer', sq(0)), member('outer', sq(5))], tags },
        { type: 'relation', id: 2, members: [member('outer', sq(0).slice(0, 3))], tags },
        { type: 'relation', id: 3, members: [member('outer', sq(0)), member('inner', sq(9))], tags },
        {
          type: 'way',
          id: 4,
          nodes: [1, 2, 3, 4, 1],
          geometry: [{ lat: 0, lon: 0 }, null, { lat: 1, lon: 1 }],
          tags,
        },
        { type: 'way', id: 5, nodes: [1, 2, 3, 4, 1], geometry: sq(0).map(([lon, lat]) => ({ lat, lon })) },
      ],
    };
    const { labels, skipped } = overpassToLabels(response);
    expect(labels.features.map((f) => [f.id, f.geometry.type])).toEqual([['relation/1', 'MultiPolygon']]);
    expect(skipped).toMatchObject({
      incompleteRelations: 1,
      invalidGeometries: 1,
      openWays: 1,
      notBuildings: 1,
    });
  });

  it('skips a self-intersecting building way as an invalid geometry', () => {
    const bowtie = [
      [0, 0],
      [1, 1],
      [1, 0],
      [0, 1],
      [0, 0],
    ].map(([lon, lat]) => ({ lat, lon }));
    const { labels, skipped } = overpassToLabels({
      elements: [{ type: 'way', id: 9, nodes: [1, 2, 3, 4, 1], geometry: bowtie, tags: { building: 'yes' } }],
    });
    expect(labels.features).toEqual([]);
    expect(skipped.invalidGeometries).toBe(1);
  });

  it('reads runtime errors from the remark and refuses a response without elements', () => {
    expect(
      overpassRuntimeError({
        remark: 'runtime error: Query timed out in "query" at line 1 after 2 seconds.',
      }),
    ).toMatch(/timed out/);
    expect(overpassRuntimeError(fixture())).toBeUndefined();
    expect(() => overpassToLabels({ version: 0.6 })).toThrow('Overpass response has no "elements" array');
  });
});
