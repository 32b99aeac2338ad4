/** @module geo/test-support/square-ring — the closed counter-clockwise square ring tests build polygons from. */
import type { Position } from 'geojson';

/**
 * A closed, counter-clockwise square ring.
 * @param x - west edge
 * @param y - south edge
 * @param size - side length
 * @returns five positions, the first repeated last
 */
export function squareRing(x: number, y: number, size: number): Position[] {
  return [
    [x, y],
    [x + size, y],
    [x + size, y + size],
    [x, y + size],
    [x, y],
  ];
}
