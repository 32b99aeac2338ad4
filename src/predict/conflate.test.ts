/** @module predict/conflate.test — predictions already mapped are dropped at the covered-share threshold. */
import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { squareRing } from '../geo/test-support/square-ring.ts';
import type { LabelCollection } from '../labels/index.ts';
import { createConflator } from './conflate.ts';

/** A square of side `s` degrees (1e-5° ≈ 1.1 m) with its south-west corner at (x, y). */
const square = (x: number, y: number, s = 0.0001): Polygon => ({
  type: 'Polygon',
  coordinates: [squareRing(x, y, s)],
});

const existing: LabelCollection = {
  type: 'FeatureCollection',
  features: [square(85.5, 27.6), square(85.51, 27.6)].map((geometry) => ({
    type: 'Feature',
    geometry,
    properties: {},
  })),
};

describe('createConflator', () => {
  const conflator = createConflator(existing, 0.3);

  it('measures the share of a prediction covered by existing buildings', () => {
    expect(conflator.size).toBe(2);
    expect(conflator.coveredShare(square(85.5, 27.6))).toBeCloseTo(1, 3);
    expect(conflator.coveredShare(square(85.50005, 27.6))).toBeCloseTo(0.5, 2);
    expect(conflator.coveredShare(square(85.5001, 27.6))).toBe(0);
    expect(conflator.coveredShare(square(85.52, 27.6))).toBe(0);
  });

  it('drops predictions at or above the threshold and keeps the rest', () => {
    const predictions = [
      square(85.5, 27.6),
      square(85.50002, 27.60002),
      square(85.50008, 27.6),
      square(85.505, 27.6),
    ];
    expect(predictions.map((p) => conflator.isMapped(p))).toEqual([true, true, false, false]);
  });

  it('keeps everything when nothing is mapped and refuses a bad threshold', () => {
    expect(createConflator({ type: 'FeatureCollection', features: [] }).isMapped(square(85.5, 27.6))).toBe(
      false,
    );
    expect(() => createConflator(existing, 0)).toThrow(/conflate threshold 0 must be in \(0, 1\]/);
  });
});
