/** @module labels/ring-geometry.test — ring predicates, self-intersection search and multipolygon ring assembly. */
import { describe, expect, it } from 'vitest';
import { assembleRings, groupRings } from './ring-assembly.ts';
import { pointInRing, signedArea } from './ring-geometry.ts';
import { findSelfIntersection } from './ring-self-intersection.ts';

const square = (x: number, y: number, d: number): number[][] => [
  [x, y],
  [x + d, y],
  [x + d, y + d],
  [x, y + d],
  [x, y],
];

describe('ring predicates', () => {
  it('gives counter-clockwise rings a positive area', () => {
    expect(signedArea(square(0, 0, 2))).toBe(4);
    expect(signedArea(square(0, 0, 2).reverse())).toBe(-4);
  });

  it('places points inside, outside and on the boundary', () => {
    const ring = square(0, 0, 2);
    expect(pointInRing([1, 1], ring)).toBe('inside');
    expect(pointInRing([3, 1], ring)).toBe('outside');
    expect(pointInRing([2, 1], ring)).toBe('boundary');
  });
});

describe('findSelfIntersection', () => {
  it('finds nothing in a simple ring of many vertices', () => {
    const ring = Array.from({ length: 5000 }, (_, i) => {
      const a = (i / 5000) * 2 * Math.PI;
      return [Math.cos(a) * (1 + 0.1 * Math.sin(7 * a)), Math.sin(a) * (1 + 0.1 * Math.sin(7 * a))];
    });
    ring.push(ring[0] ?? []);
    expect(findSelfIntersection(ring)).toBeUndefined();
  });

  it('finds a crossing, and a spike that folds back', () => {
    const crossing = [
      [0, 0],
      [2, 2],
      [2, 0],
      [0, 2],
      [0, 0],
    ];
    expect(findSelfIntersection(crossing)).toMatchObject({ first: 0, second: 2 });
    expect(
      findSelfIntersection([
        [0, 0],
        [2, 0],
        [2, 2],
        [2, 1],
        [0, 2],
        [0, 0],
      ]),
    ).toBeDefined();
    const simpleSliver = [
      [0, 0],
      [2, 0],
      [3, 0],
      [2, 0.0000001],
      [2, 2],
      [0, 2],
      [0, 0],
    ];
    expect(findSelfIntersection(simpleSliver)).toBeUndefined();
  });
});

describe('assembleRings', () => {
  it('joins ways end to end, reversing one when needed', () => {
    const a = [
      [0, 0],
      [1, 0],
      [1, 1],
    ];
    const b = [
      [0, 0],
      [0, 1],
      [1, 1],
    ];
    const { rings, unclosed } = assembleRings([a, b]);
    expect(unclosed).toBe(0);
    expect(rings).toEqual([
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 0],
      ],
    ]);
  });

  it('keeps closed ways as they are and counts chains that do not close', () => {
    const { rings, unclosed } = assembleRings([
      square(5, 5, 1),
      [
        [0, 0],
        [1, 0],
      ],
      [
        [1, 0],
        [1, 1],
      ],
    ]);
    expect(rings).toEqual([square(5, 5, 1)]);
    expect(unclosed).toBe(1);
  });

  it('puts each inner ring into the smallest outer ring holding it', () => {
    const big = square(0, 0, 10);
    const small = square(20, 0, 2);
    const courtyard = square(20.5, 0.5, 1);
    expect(groupRings([big, small], [courtyard])).toEqual([[big], [small, courtyard]]);
    expect(groupRings([small], [square(50, 50, 1)])).toBeUndefined();
  });
});
