/** @module labels/ring-assembly.test — multipolygon ring assembly from OSM ways. */
import { describe, expect, it } from 'vitest';
import { assembleRings, groupRings } from './ring-assembly.ts';

const square = (x: number, y: number, d: number): number[][] => [
  [x, y],
  [x + d, y],
  [x + d, y + d],
  [x, y + d],
  [x, y],
];

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
