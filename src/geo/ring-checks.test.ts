/** @module geo/ring-checks.test — ring predicates and the self-intersection search on single rings. */
import { describe, expect, it } from 'vitest';
import { findRingDefect, pointInRing, signedArea } from './ring-checks.ts';
import { squareRing } from './test-support/square-ring.ts';

describe('ring predicates', () => {
  it('gives counter-clockwise rings a positive area', () => {
    expect(signedArea(squareRing(0, 0, 2))).toBe(4);
    expect(signedArea(squareRing(0, 0, 2).reverse())).toBe(-4);
  });

  it('places points inside, outside and on the boundary', () => {
    const ring = squareRing(0, 0, 2);
    expect(pointInRing([1, 1], ring)).toBe('inside');
    expect(pointInRing([3, 1], ring)).toBe('outside');
    expect(pointInRing([2, 1], ring)).toBe('boundary');
  });
});

describe('findRingDefect on one ring', () => {
  it('finds nothing in a simple ring of many vertices', () => {
    const ring = Array.from({ length: 5000 }, (_, i) => {
      const a = (i / 5000) * 2 * Math.PI;
      return [Math.cos(a) * (1 + 0.1 * Math.sin(7 * a)), Math.sin(a) * (1 + 0.1 * Math.sin(7 * a))];
    });
    ring.push(ring[0] ?? []);
    expect(findRingDefect([ring])).toBeUndefined();
  });

  it('finds a crossing, and a spike that folds back', () => {
    const crossing = [
      [0, 0],
      [2, 2],
      [2, 0],
      [0, 2],
      [0, 0],
    ];
    expect(findRingDefect([crossing])).toMatchObject({
      kind: 'self-intersection',
      segments: [0, 2],
      near: [2, 0],
    });
    expect(
      findRingDefect([
        [
          [0, 0],
          [2, 0],
          [2, 2],
          [2, 1],
          [0, 2],
          [0, 0],
        ],
      ]),
    ).toMatchObject({ kind: 'self-intersection' });
    const simpleSliver = [
      [0, 0],
      [2, 0],
      [3, 0],
      [2, 0.0000001],
      [2, 2],
      [0, 2],
      [0, 0],
    ];
    expect(findRingDefect([simpleSliver])).toBeUndefined();
  });
});

describe('findRingDefect across rings', () => {
  it('names the two rings, their segments and a vertex where they cross, and lets rings touch at a point', () => {
    const shell = squareRing(0, 0, 4);
    const crossingHole = squareRing(3, 1, 2);
    expect(findRingDefect([shell, crossingHole])).toEqual({
      kind: 'rings-cross',
      rings: [0, 1],
      segments: [1, 0],
      near: [3, 1],
    });
    const touchingHole = [
      [4, 2],
      [2, 1],
      [2, 3],
      [4, 2],
    ];
    expect(findRingDefect([shell, touchingHole])).toBeUndefined();
  });
});
