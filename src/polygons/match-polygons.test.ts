import type { Polygon, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { createLocalFrame } from './local-metres.ts';
import { matchPolygons } from './match-polygons.ts';
import { polygonIoU } from './polygon-overlap.ts';

const frame = createLocalFrame(85.52, 27.63);

/** A w × h metre rectangle with its south-west corner at (x, y) metres, as lon/lat Polygon coordinates. */
function rect(x: number, y: number, w: number, h: number): Position[][] {
  return [
    [
      [x, y],
      [x + w, y],
      [x + w, y + h],
      [x, y + h],
      [x, y],
    ].map((p) => frame.toLonLat(p)),
  ];
}

describe('polygonIoU', () => {
  it('measures intersection over union in ground metres', () => {
    expect(polygonIoU(rect(0, 0, 10, 10), rect(0, 0, 10, 10))).toBeCloseTo(1, 9);
    expect(polygonIoU(rect(0, 0, 10, 10), rect(5, 0, 10, 10))).toBeCloseTo(50 / 150, 6);
    expect(polygonIoU(rect(0, 0, 10, 10), rect(10, 0, 10, 10))).toBe(0);
  });

  it('takes geometries with holes and multipolygons', () => {
    const withHole: Polygon = {
      type: 'Polygon',
      coordinates: [...rect(0, 0, 10, 10), (rect(2, 2, 6, 6)[0] ?? []).reverse()],
    };
    expect(polygonIoU(withHole, rect(0, 0, 10, 10))).toBeCloseTo(64 / 100, 6);
    const two = { type: 'MultiPolygon' as const, coordinates: [rect(0, 0, 10, 10), rect(20, 0, 10, 10)] };
    expect(polygonIoU(two, rect(0, 0, 10, 10))).toBeCloseTo(0.5, 6);
  });
});

describe('matchPolygons', () => {
  it('matches one-to-one at IoU ≥ 0.5 and scores precision, recall and F1', () => {
    const truth = [rect(0, 0, 10, 10), rect(20, 0, 10, 10), rect(40, 0, 10, 10)];
    const pred = [rect(0.5, 0, 10, 10), rect(23, 0, 10, 10), rect(60, 0, 5, 5)];
    const m = matchPolygons(pred, truth);
    expect([m.tp, m.fp, m.fn]).toEqual([2, 1, 1]);
    expect(m.precision).toBeCloseTo(2 / 3, 12);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.pairs.map((p) => [p.pred, p.truth])).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });

  it('lets a blob covering two touching buildings match at most one of them', () => {
    const truth = [rect(0, 0, 10, 10), rect(10, 0, 10, 10)];
    const blob = [rect(0, 0, 20, 10)];
    const m = matchPolygons(blob, truth);
    expect([m.tp, m.fp, m.fn]).toEqual([1, 0, 1]);
    const split = matchPolygons([rect(0, 0, 10.2, 10), rect(10.2, 0, 9.8, 10)], truth);
    expect(split.f1).toBe(1);
  });

  it('scores empty sides explicitly and honours the threshold', () => {
    expect(matchPolygons([], []).f1).toBe(1);
    expect(matchPolygons([], [rect(0, 0, 1, 1)]).recall).toBe(0);
    const pred = [rect(3, 0, 10, 10)];
    const truth = [rect(0, 0, 10, 10)];
    expect(matchPolygons(pred, truth).tp).toBe(1);
    expect(matchPolygons(pred, truth, { threshold: 0.6 }).tp).toBe(0);
    expect(() => matchPolygons(pred, truth, { threshold: 0 })).toThrow(/IoU threshold 0/);
  });
});
