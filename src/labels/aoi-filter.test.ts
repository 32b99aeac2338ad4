/** @module labels/aoi-filter.test — dropping labels that lie in an AOI hole or outside its outline. */
import { describe, expect, it } from 'vitest';
import type { Polygonal } from '../geo/index.ts';
import { keepLabelsInAoi, needsAoiFilter } from './aoi-filter.ts';
import type { LabelCollection } from './label-types.ts';
import { squareRing } from '../geo/test-support/square-ring.ts';

const labels = (...rings: number[][][]): LabelCollection => ({
  type: 'FeatureCollection',
  features: rings.map((ring, i) => ({
    type: 'Feature',
    id: i,
    properties: {},
    geometry: { type: 'Polygon', coordinates: [ring] },
  })),
});
const ids = (collection: LabelCollection): unknown[] => collection.features.map((f) => f.id);

describe('keepLabelsInAoi', () => {
  const withHole: Polygonal = {
    type: 'Polygon',
    coordinates: [squareRing(0, 0, 10), squareRing(4, 4, 2).reverse()],
  };

  it('drops labels inside a hole and keeps those inside, straddling, or holding an AOI vertex', () => {
    const inside = squareRing(1, 1, 1);
    const inHole = squareRing(4.5, 4.5, 1);
    const straddling = squareRing(9.5, 9.5, 1);
    const aroundCorner = [
      [-1, -1],
      [1, -1],
      [-1, 1],
      [-1, -1],
    ];
    const outside = squareRing(20, 20, 1);
    expect(ids(keepLabelsInAoi(labels(inside, inHole, straddling, aroundCorner, outside), withHole))).toEqual(
      [0, 2, 3],
    );
  });

  it('is needed only for AOIs with holes or queried by bbox', () => {
    expect(needsAoiFilter(withHole, false)).toBe(true);
    expect(needsAoiFilter({ type: 'Polygon', coordinates: [squareRing(0, 0, 1)] }, false)).toBe(false);
    expect(needsAoiFilter({ type: 'Polygon', coordinates: [squareRing(0, 0, 1)] }, true)).toBe(true);
  });
});
