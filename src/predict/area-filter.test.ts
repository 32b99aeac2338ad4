/** @module predict/area-filter.test — buildings meeting the area are kept, the rest are not. */
import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { createAreaFilter } from './area-filter.ts';
import { poleOfInaccessibility } from './pole-of-inaccessibility.ts';

const box = (w: number, s: number, e: number, n: number): Polygon => ({
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

describe('createAreaFilter', () => {
  // An L-shaped area: the unit square without its north-east quarter.
  const area: Polygon = {
    type: 'Polygon',
    coordinates: [
      [
        [0, 0],
        [1, 0],
        [1, 0.5],
        [0.5, 0.5],
        [0.5, 1],
        [0, 1],
        [0, 0],
      ],
    ],
  };
  const meets = createAreaFilter(area);

  it('keeps buildings inside, across the edge, or around a corner of the area', () => {
    expect(meets(box(0.1, 0.1, 0.2, 0.2))).toBe(true);
    expect(meets(box(0.9, 0.4, 1.1, 0.6))).toBe(true);
    expect(meets(box(-1, -1, 2, 2))).toBe(true);
    // A bar across the L's upper arm: no vertex of either lies inside the other, only edges cross.
    expect(meets(box(-0.1, 0.7, 0.6, 0.71))).toBe(true);
  });

  it('drops buildings outside, including in the notch of the L', () => {
    expect(meets(box(0.6, 0.6, 0.9, 0.9))).toBe(false);
    expect(meets(box(2, 2, 3, 3))).toBe(false);
  });
});

describe('poleOfInaccessibility', () => {
  it('lies inside the polygon, away from its holes', () => {
    const ring = box(0, 0, 0.0003, 0.0003).coordinates[0]!;
    const hole = box(0.0001, 0.0001, 0.0002, 0.0002).coordinates[0]!.slice().reverse();
    const [x, y] = poleOfInaccessibility([ring, hole]);
    const inHole = x > 0.0001 && x < 0.0002 && y > 0.0001 && y < 0.0002;
    expect(x > 0 && x < 0.0003 && y > 0 && y < 0.0003 && !inHole).toBe(true);
    const [cx, cy] = poleOfInaccessibility([ring]);
    expect(cx).toBeCloseTo(0.00015, 6);
    expect(cy).toBeCloseTo(0.00015, 6);
  });
});
