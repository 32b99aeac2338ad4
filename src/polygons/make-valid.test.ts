import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { makeValid } from './make-valid.ts';
import { signedRingArea } from './pixel-polygon.ts';
import { findRingDefect } from '../geo/index.ts';
import { squareRing } from '../geo/test-support/square-ring.ts';

describe('makeValid', () => {
  it('passes a valid polygon through untouched', () => {
    const rings = [squareRing(0, 0, 10), squareRing(2, 2, 2).reverse()];
    const result = makeValid(rings);
    expect(result).toMatchObject({ repaired: false, dropped: false, problems: [] });
    expect(result.coords).toEqual(rings);
  });

  it('splits a bow-tie into two valid triangles', () => {
    const result = makeValid([
      [
        [0, 0],
        [2, 2],
        [2, 0],
        [0, 2],
        [0, 0],
      ],
    ]);
    expect(result.repaired).toBe(true);
    expect(result.polygons).toHaveLength(2);
    for (const polygon of result.polygons) {
      expect(findRingDefect(polygon)).toBeUndefined();
      expect(signedRingArea(polygon[0] ?? [])).toBeCloseTo(1, 12);
    }
    expect(result.problems).toContain('ring 0 self-intersects');
  });

  it('closes an unclosed ring and removes repeated positions', () => {
    const result = makeValid([
      [
        [0, 0],
        [4, 0],
        [4, 0],
        [4, 4],
        [0, 4],
      ],
    ]);
    expect(result.repaired).toBe(true);
    expect(result.coords).toEqual([squareRing(0, 0, 4)]);
  });

  it('drops a hole that lies outside its shell', () => {
    const result = makeValid([squareRing(0, 0, 4), squareRing(10, 10, 1).reverse()]);
    expect(result.repaired).toBe(true);
    expect(result.problems).toContain('hole 1 outside the outer ring');
    expect(result.polygons).toEqual([[squareRing(0, 0, 4)]]);
  });

  it('fixes the winding to RFC 7946 (outer counter-clockwise, holes clockwise)', () => {
    const result = makeValid([squareRing(0, 0, 10).reverse(), squareRing(2, 2, 2)]);
    expect(result.repaired).toBe(true);
    const [outer, hole] = result.polygons[0] ?? [];
    expect(signedRingArea(outer ?? [])).toBeGreaterThan(0);
    expect(signedRingArea(hole ?? [])).toBeLessThan(0);
  });

  it('accepts a hole touching its shell at one point', () => {
    const hole: Position[] = [
      [0, 5],
      [3, 4],
      [3, 6],
      [0, 5],
    ];
    expect(makeValid([squareRing(0, 0, 10), hole.reverse()]).repaired).toBe(false);
  });

  it('drops degenerate and malformed input instead of throwing', () => {
    const flat: Position[] = [
      [0, 0],
      [1, 1],
      [2, 2],
      [0, 0],
    ];
    expect(makeValid([flat]).dropped).toBe(true);
    expect(
      makeValid([
        [
          [0, 0],
          [1, 0],
          [0, 0],
        ],
      ]).dropped,
    ).toBe(true);
    expect(
      makeValid([
        [
          [0, 0],
          [1, Number.NaN],
          [1, 1],
          [0, 0],
        ],
      ]).dropped,
    ).toBe(true);
    expect(makeValid('nonsense').dropped).toBe(true);
    expect(makeValid([]).dropped).toBe(true);
  });

  it('drops a degenerate hole but keeps the shell', () => {
    const result = makeValid([
      squareRing(0, 0, 10),
      [
        [1, 1],
        [2, 2],
        [3, 3],
        [1, 1],
      ],
    ]);
    expect(result.polygons).toEqual([[squareRing(0, 0, 10)]]);
    expect(result.problems).toEqual(['degenerate hole dropped']);
  });
});
