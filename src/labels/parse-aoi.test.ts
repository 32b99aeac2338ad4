/** @module labels/parse-aoi.test — AOI import: merging, area limit, bboxes. */
import { describe, expect, it } from 'vitest';
import { geodesicArea } from '../geo/index.ts';
import { isAppError } from '../shared/index.ts';
import { assertAoiArea, bboxToPolygon, parseAoi, parseBBoxText } from './parse-aoi.ts';

const rect = (w: number, s: number, e: number, n: number): number[][][] => [
  [
    [w, s],
    [e, s],
    [e, n],
    [w, n],
    [w, s],
  ],
];
const polygonFeature = (coordinates: number[][][]): unknown => ({
  type: 'Feature',
  properties: {},
  geometry: { type: 'Polygon', coordinates },
});

function failure(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a failure');
}

describe('parseAoi', () => {
  it('returns a lone polygon as a Polygon, rewound to RFC 7946', () => {
    const clockwise = rect(85.51, 27.62, 85.53, 27.64).map((ring) => ring.reverse());
    const aoi = parseAoi(JSON.stringify({ type: 'Polygon', coordinates: clockwise }));
    expect(aoi).toEqual({ type: 'Polygon', coordinates: rect(85.51, 27.62, 85.53, 27.64) });
  });

  it('unions overlapping polygons of a collection so their area counts once', () => {
    const text = JSON.stringify({
      type: 'FeatureCollection',
      features: [polygonFeature(rect(0, 0, 0.02, 0.01)), polygonFeature(rect(0.01, 0, 0.03, 0.01))],
    });
    const aoi = parseAoi(text);
    expect(aoi.type).toBe('Polygon');
    expect(geodesicArea(aoi)).toBeCloseTo(
      geodesicArea({ type: 'Polygon', coordinates: rect(0, 0, 0.03, 0.01) }),
      0,
    );
  });

  it('keeps separate polygons as a MultiPolygon', () => {
    const text = JSON.stringify({
      type: 'MultiPolygon',
      coordinates: [rect(0, 0, 0.01, 0.01), rect(0.05, 0, 0.06, 0.01)],
    });
    const aoi = parseAoi(text);
    expect(aoi.type).toBe('MultiPolygon');
    expect(aoi.coordinates).toHaveLength(2);
  });

  it('refuses an AOI over the area limit, naming the area and the limit', () => {
    const text = JSON.stringify(polygonFeature(rect(85, 27, 86, 28)));
    const error = failure(() => parseAoi(text));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toMatch(/^AOI area 109\d\d\.\d km² is over the limit of 100 km²$/);
    expect(
      failure(() => parseAoi(JSON.stringify(polygonFeature(rect(0, 0, 0.1, 0.1))), { maxAreaKm2: 50 })),
    ).toEqual({ code: 'LIMIT_EXCEEDED', message: 'AOI area 123.6 km² is over the limit of 50 km²' });
  });

  it('accepts an AOI under a raised limit', () => {
    const aoi = parseAoi(JSON.stringify(polygonFeature(rect(85, 27, 86, 28))), { maxAreaKm2: 20_000 });
    expect(aoi.type).toBe('Polygon');
  });

  it.each([
    ['a Point', { type: 'Point', coordinates: [0, 0] }, /AOI feature 0: geometry type Point is not Polygon/],
    [
      'a null geometry',
      { type: 'Feature', properties: {}, geometry: null },
      /AOI feature 0: geometry is null/,
    ],
    ['no polygon', { type: 'FeatureCollection', features: [] }, /AOI GeoJSON has no polygon/],
    ['broken JSON', '{"type":', /AOI GeoJSON is not valid JSON/],
  ])('rejects %s', (_name, input, message) => {
    const text = typeof input === 'string' ? input : JSON.stringify(input);
    expect(failure(() => parseAoi(text)).message).toMatch(message);
  });
});

describe('bboxes', () => {
  it('parses w,s,e,n text and turns a bbox into a counter-clockwise polygon', () => {
    expect(parseBBoxText(' 85.5188, 27.6292,85.5233 ,27.6344')).toEqual([85.5188, 27.6292, 85.5233, 27.6344]);
    expect(bboxToPolygon([0, 0, 1, 1])).toEqual({ type: 'Polygon', coordinates: rect(0, 0, 1, 1) });
  });

  it.each(['1,2,3', '1,2,3,x', '3,0,1,1', '0,0,1,91', ''])('rejects the bbox %j', (text) => {
    expect(failure(() => parseBBoxText(text)).code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('measures a bbox against the area limit', () => {
    expect(assertAoiArea(bboxToPolygon([85.5188, 27.6292, 85.5233, 27.6344]))).toBeCloseTo(0.257, 2);
    expect(failure(() => assertAoiArea(bboxToPolygon([80, 20, 90, 30]))).code).toBe('LIMIT_EXCEEDED');
  });
});
