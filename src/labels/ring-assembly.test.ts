/** @module labels/ring-assembly.test — multipolygon ring assembly from OSM ways. */
import { describe, expect, it } from 'vitest';
import { assembleRings, groupRings } from './ring-assembly.ts';
import { squareRing } from '../geo/test-support/square-ring.ts';

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
      squareRing(5, 5, 1),
      [
        [0, 0],
        [1, 0],
      ],
      [
        [1, 0],
        [1, 1],
      ],
    ]);
    expect(rings).toEqual([squareRing(5, 5, 1)]);
    expect(unclosed).toBe(1);
  });

  it('puts each inner ring into the smallest outer ring holding it', () => {
    const big = squareRing(0, 0, 10);
    const small = squareRing(20, 0, 2);
    const courtyard = squareRing(20.5, 0.5, 1);
    expect(groupRings([big, small], [courtyard])).toEqual([[big], [small, courtyard]]);
    expect(groupRings([small], [squareRing(50, 50, 1)])).toBeUndefined();
  });
});
