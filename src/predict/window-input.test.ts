import { describe, expect, it } from 'vitest';
import type { RasterRGB } from '../imagery/index.ts';
import { fillWindow, inputScaling } from './window-input.ts';

const T = 4;
const S = 4;
const scaling = inputScaling({ mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] });
const geometry = { tileSize: T, inputSize: S, tilesWide: 2, tilesHigh: 1 };

/** A T×T tile whose red value is `red` everywhere, green 0, blue 255. */
function tile(red: number): RasterRGB {
  const data = new Uint8Array(T * T * 3);
  for (let p = 0; p < T * T; p++) data.set([red, 0, 255], p * 3);
  return { width: T, height: T, data };
}

const black = -scaling.shift[0];
const scaled = (v: number): number => Math.fround(v * scaling.scale[0] - scaling.shift[0]);

describe('fillWindow', () => {
  it('copies every channel of the tiles under the window, normalised', () => {
    const batch = new Float32Array(2 * 3 * S * S).fill(NaN);
    const tiles = [tile(10), tile(200)];
    expect(fillWindow(batch, 1, geometry, 2, 0, (col) => tiles[col], scaling)).toBe(true);
    const slot = batch.subarray(3 * S * S);
    expect(Array.from(slot.subarray(0, S), (v) => v)).toEqual([
      scaled(10),
      scaled(10),
      scaled(200),
      scaled(200),
    ]);
    expect(slot[S * S]).toBeCloseTo(-scaling.shift[1], 6);
    expect(slot[2 * S * S]).toBeCloseTo(255 * scaling.scale[2] - scaling.shift[2], 5);
    expect(batch.subarray(0, 3 * S * S).every(Number.isNaN)).toBe(true);
  });

  it('is black where a tile is missing or the window passes the grid edge', () => {
    const batch = new Float32Array(3 * S * S).fill(NaN);
    expect(fillWindow(batch, 0, geometry, 2, 0, (col) => (col === 0 ? tile(10) : undefined), scaling)).toBe(
      true,
    );
    expect(Array.from(batch.subarray(0, S))).toEqual([scaled(10), scaled(10), black, black]);
    const past = new Float32Array(3 * S * S).fill(NaN);
    expect(fillWindow(past, 0, geometry, 6, 0, () => tile(10), scaling)).toBe(true);
    expect(Array.from(past.subarray(0, S))).toEqual([scaled(10), scaled(10), black, black]);
    expect(past.some(Number.isNaN)).toBe(false);
  });

  it('reports a window with no imagery under it', () => {
    const batch = new Float32Array(3 * S * S);
    expect(fillWindow(batch, 0, geometry, 0, 0, () => undefined, scaling)).toBe(false);
  });
});
