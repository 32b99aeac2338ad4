/** @module predict/reference-scores.test — whole-building object scores against reference footprints in an area. */
import { describe, expect, it } from 'vitest';
import type { Polygon } from 'geojson';
import { squareRing } from '../geo/test-support/square-ring.ts';
import type { LabelCollection } from '../labels/index.ts';
import { createAreaFilter } from './area-filter.ts';
import { scoreAgainstReference } from './reference-scores.ts';

/** A square of side `d` degrees with its south-west corner at (x, y). */
const square = (x: number, y: number, d = 0.0001): Polygon => ({
  type: 'Polygon',
  coordinates: [squareRing(x, y, d)],
});
const collection = (geometries: (Polygon | { type: 'Point'; coordinates: number[] })[]): LabelCollection =>
  ({
    type: 'FeatureCollection',
    features: geometries.map((geometry) => ({ type: 'Feature', properties: {}, geometry })),
  }) as unknown as LabelCollection;

describe('scoreAgainstReference', () => {
  it('matches whole buildings one to one at IoU 0.5 and counts only reference buildings that meet the area', () => {
    const reference = collection([
      square(85.5, 27.6),
      square(85.501, 27.6),
      square(85.502, 27.6),
      { type: 'Point', coordinates: [85.5, 27.6] },
      square(86, 28), // outside the area
    ]);
    const delivered = [
      square(85.5, 27.6), // exact
      square(85.50102, 27.6), // shifted by a fifth: IoU 0.67
      square(85.50205, 27.6), // shifted by half: IoU 0.33
      square(85.503, 27.6), // nothing there
    ];
    const area = createAreaFilter(square(85.49, 27.59, 0.1));
    expect(scoreAgainstReference(delivered, reference, area)).toEqual({
      reference_buildings: 3,
      predicted_buildings: 4,
      matched: 2,
      precision: 0.5,
      recall: 0.6667,
      f1: 0.5714,
    });
    expect(scoreAgainstReference(delivered, reference).reference_buildings).toBe(4);
  });

  it('scores an empty area as perfect and an empty side as zero', () => {
    expect(scoreAgainstReference([], collection([]))).toMatchObject({ precision: 1, recall: 1, f1: 1 });
    expect(scoreAgainstReference([square(85.5, 27.6)], collection([]))).toMatchObject({ matched: 0, f1: 0 });
  });
});
