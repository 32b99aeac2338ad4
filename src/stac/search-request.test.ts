import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../shared/index.ts';
import { parseDatetimeRange } from './datetime-range.ts';
import { decodePageToken, encodePageToken } from './page-token.ts';
import { checkGeometry, geometriesIntersect } from './search-geometry.ts';
import { parseSearchBody, parseSearchQuery, searchToQueryString } from './search-request.ts';

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected an AppError');
}

const square = (w: number, s: number, e: number, n: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [w, s],
      [e, s],
      [e, n],
      [w, n],
      [w, s],
    ],
  ],
});

describe('search parameters', () => {
  it('reads a GET query: lists, bbox, datetime, limit, filters', () => {
    const search = parseSearchQuery({
      collections: 'local-models,datasets',
      ids: ['a', 'b'],
      bbox: '85,27,86,28',
      datetime: '2026-01-01T00:00:00Z/..',
      limit: '25',
      'mlm:tasks': 'semantic-segmentation',
      keywords: 'building,polygon',
    });
    expect(search).toMatchObject({
      collections: ['local-models', 'datasets'],
      ids: ['a', 'b'],
      bbox: [85, 27, 86, 28],
      datetime: { start: '2026-01-01T00:00:00.000Z' },
      limit: 25,
      tasks: ['semantic-segmentation'],
      keywords: ['building', 'polygon'],
    });
  });

  it('defaults the limit to 10 and reads a 6-number bbox as its horizontal part', () => {
    const search = parseSearchBody({ bbox: [85, 27, 0, 86, 28, 100] });
    expect(search.limit).toBe(10);
    expect(search.bbox).toEqual([85, 27, 86, 28]);
  });

  it('refuses an inverted bbox, one outside WGS84, and one of 5 numbers', () => {
    expect(errorOf(() => parseSearchQuery({ bbox: '85,28,86,27' })).message).toMatch(/bbox .* is inverted/);
    expect(errorOf(() => parseSearchQuery({ bbox: '85,27,186,28' })).message).toMatch(/outside WGS84/);
    expect(errorOf(() => parseSearchBody({ bbox: [1, 2, 3, 4, 5] })).message).toMatch(
      /bbox must be 4 numbers/,
    );
    expect(errorOf(() => parseSearchQuery({ bbox: '1,2,x,4' })).code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('accepts a bbox across the antimeridian (west > east)', () => {
    expect(parseSearchQuery({ bbox: '170,-10,-170,10' }).bbox).toEqual([170, -10, -170, 10]);
  });

  it('refuses a limit out of range or not an integer', () => {
    expect(errorOf(() => parseSearchQuery({ limit: '0' })).message).toMatch(
      /limit 0 must be an integer from 1/,
    );
    expect(errorOf(() => parseSearchQuery({ limit: '10001' })).message).toMatch(/limit 10001/);
    expect(errorOf(() => parseSearchQuery({ limit: '2.5' })).message).toMatch(/limit 2.5 is not an integer/);
    expect(errorOf(() => parseSearchBody({ limit: '5' })).message).toMatch(/limit 5 must be an integer/);
    expect(parseSearchQuery({ limit: '10000' }).limit).toBe(10000);
  });

  it('refuses unknown parameters and fields, naming them', () => {
    expect(errorOf(() => parseSearchQuery({ sortby: 'id' })).message).toMatch(/query parameter sortby/);
    expect(errorOf(() => parseSearchQuery({ collections: 'x' }, 'items')).message).toMatch(/collections/);
    expect(errorOf(() => parseSearchBody({ filter: {} })).message).toMatch(/search field filter/);
    expect(errorOf(() => parseSearchBody([])).message).toMatch(/JSON object/);
  });

  it('refuses bbox together with intersects, and lists of the wrong type', () => {
    expect(
      errorOf(() => parseSearchBody({ bbox: [0, 0, 1, 1], intersects: square(0, 0, 1, 1) })).message,
    ).toMatch(/bbox and intersects/);
    expect(errorOf(() => parseSearchBody({ ids: 'a' })).message).toMatch(/ids must be an array/);
    expect(errorOf(() => parseSearchQuery({ 'mlm:tasks': 'a,,b' })).message).toMatch(/mlm:tasks/);
  });

  it('refuses a token that is not one of this API', () => {
    expect(errorOf(() => parseSearchQuery({ token: 'not-a-token' })).message).toMatch(/not a paging token/);
    expect(errorOf(() => parseSearchQuery({ token: '!!' })).code).toBe('INVALID_PARAMETER_VALUE');
    const token = encodePageToken({ direction: 'prev', collection: 'datasets', id: 'x y' });
    expect(decodePageToken(token)).toEqual({ direction: 'prev', collection: 'datasets', id: 'x y' });
  });

  it('writes a search back as a query string that parses to the same search', () => {
    const search = parseSearchQuery({ ids: 'a,b', datetime: '../2026-01-01T00:00:00Z', limit: '3' });
    const token = encodePageToken({ direction: 'next', collection: 'c', id: 'a' });
    const again = parseSearchQuery(
      Object.fromEntries(new URLSearchParams(searchToQueryString(search, token))),
    );
    expect(again).toEqual({ ...search, token: decodePageToken(token), tokenText: token });
  });
});

describe('datetime', () => {
  it('reads instants and intervals open at either end', () => {
    expect(parseDatetimeRange('2026-01-02T03:04:05Z')).toEqual({
      start: '2026-01-02T03:04:05.000Z',
      end: '2026-01-02T03:04:05.000Z',
    });
    expect(parseDatetimeRange('2026-01-02T00:00:00+02:00/2026-02-01T00:00:00Z')).toEqual({
      start: '2026-01-01T22:00:00.000Z',
      end: '2026-02-01T00:00:00.000Z',
    });
    expect(parseDatetimeRange('../2026-02-01T00:00:00Z')).toEqual({ end: '2026-02-01T00:00:00.000Z' });
    expect(parseDatetimeRange('2026-02-01T00:00:00Z/')).toEqual({ start: '2026-02-01T00:00:00.000Z' });
  });

  it('refuses dates without time, impossible days, open-open and reversed intervals', () => {
    expect(() => parseDatetimeRange('2026-01-02')).toThrow(/not RFC 3339/);
    expect(() => parseDatetimeRange('2026-02-30T00:00:00Z')).toThrow(/out-of-range/);
    expect(() => parseDatetimeRange('../..')).toThrow(/open at both ends/);
    expect(() => parseDatetimeRange('2026-02-01T00:00:00Z/2026-01-01T00:00:00Z')).toThrow(
      /starts after it ends/,
    );
    expect(() => parseDatetimeRange('a/b/c')).toThrow(/not an RFC 3339/);
  });
});

describe('intersects geometry', () => {
  it('refuses a geometry with a million positions as over the limit, naming the limit', () => {
    const ring = Array.from({ length: 1_000_000 }, (_, i) => [Math.cos(i) * 10, Math.sin(i) * 10]);
    ring.push(ring[0] as number[]);
    const error = errorOf(() => parseSearchBody({ intersects: { type: 'Polygon', coordinates: [ring] } }));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toMatch(/intersects has more than 10000 positions/);
  });

  it('names the first bad part of a geometry', () => {
    expect(() =>
      checkGeometry(
        {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [0, 0],
            ],
          ],
        },
        100,
      ),
    ).toThrow(/intersects.coordinates\[0\] is a ring of fewer than 4 positions/);
    expect(() => checkGeometry({ type: 'Circle' }, 100)).toThrow(/not a GeoJSON geometry type/);
    expect(() => checkGeometry({ type: 'Point', coordinates: [200, 0] }, 100)).toThrow(/outside WGS84/);
    expect(() =>
      checkGeometry(
        {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 1],
            ],
          ],
        },
        100,
      ),
    ).toThrow(/is not closed/);
  });

  it('tells touching, crossing, containing and disjoint geometries apart', () => {
    const a = square(0, 0, 10, 10);
    expect(geometriesIntersect(a, square(2, 2, 3, 3))).toBe(true); // inside
    expect(geometriesIntersect(square(2, 2, 3, 3), a)).toBe(true);
    expect(geometriesIntersect(a, square(10, 0, 11, 1))).toBe(true); // shares an edge
    expect(geometriesIntersect(a, square(11, 11, 12, 12))).toBe(false);
    const triangle: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [12, 0],
          [20, 0],
          [20, 8],
          [12, 0],
        ],
      ],
    };
    expect(geometriesIntersect(square(11, 5, 13, 7), triangle)).toBe(false); // bboxes overlap, shapes do not
    expect(geometriesIntersect(a, { type: 'Point', coordinates: [5, 5] })).toBe(true);
    expect(
      geometriesIntersect(a, {
        type: 'LineString',
        coordinates: [
          [-1, 5],
          [11, 5],
        ],
      }),
    ).toBe(true);
    const holed: Polygon = {
      type: 'Polygon',
      coordinates: [...a.coordinates, ...square(2, 2, 8, 8).coordinates],
    };
    expect(geometriesIntersect(holed, { type: 'Point', coordinates: [5, 5] })).toBe(false);
  });
});
