/** @module predict/window-grid.test — window placement and blend weights. */
import { describe, expect, it } from 'vitest';
import { blendRamp, originsTouching, windowOrigins } from './window-grid.ts';

describe('windowOrigins', () => {
  it('steps by size minus overlap and ends flush with the axis', () => {
    expect(windowOrigins(600, 256, 32)).toEqual([0, 224, 344]);
    expect(windowOrigins(512, 256, 0)).toEqual([0, 256]);
    expect(windowOrigins(768, 256, 32)).toEqual([0, 224, 448, 512]);
  });

  it('covers every pixel and never reaches past the end', () => {
    for (const [length, size, overlap] of [
      [1000, 256, 32],
      [257, 256, 0],
      [4096, 64, 16],
    ] as const) {
      const origins = windowOrigins(length, size, overlap);
      const covered = new Uint8Array(length);
      for (const o of origins) covered.fill(1, o, o + size);
      expect(covered.every((c) => c === 1)).toBe(true);
      expect(Math.max(...origins) + size).toBe(length);
      expect(new Set(origins).size).toBe(origins.length);
    }
  });

  it('uses one padded window for an axis shorter than a window', () => {
    expect(windowOrigins(100, 256, 32)).toEqual([0]);
  });

  it('refuses an overlap as large as the window', () => {
    expect(() => windowOrigins(600, 256, 256)).toThrow(/overlap 256 px must be an integer from 0 to 255/);
  });
});

describe('originsTouching', () => {
  it('keeps the windows that meet a range', () => {
    expect(originsTouching([0, 224, 448, 512], 256, 460, 470)).toEqual([224, 448]);
  });
});

describe('blendRamp', () => {
  it('is flat without overlap and ramps linearly over the overlap', () => {
    expect([...blendRamp(4, 0)]).toEqual([1, 1, 1, 1]);
    const ramp = blendRamp(10, 3);
    expect([...ramp].map((v) => Math.round(v * 100) / 100)).toEqual([
      0.25, 0.5, 0.75, 1, 1, 1, 1, 0.75, 0.5, 0.25,
    ]);
  });
});
