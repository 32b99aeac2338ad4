import { describe, expect, it } from 'vitest';
import { buildMask, MaskValue, type PixelBuilding } from './build-mask.ts';
import { rasterizePolygons, type PixelPolygonLike } from '../polygons/index.ts';
import { isAppError } from '../shared/index.ts';

const rect = (x0: number, y0: number, x1: number, y1: number): PixelPolygonLike[number] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
];

function count(mask: Uint8Array, value: number): number {
  return mask.reduce((n, v) => n + (v === value ? 1 : 0), 0);
}

function at(mask: Uint8Array, width: number, x: number, y: number): number {
  return mask[y * width + x] as number;
}

describe('rasterizePolygons', () => {
  it('fills pixels whose centre is inside, with the half-open rule on edges', () => {
    const mask = rasterizePolygons([[rect(2, 3, 6, 5)]], 8, 8);
    expect(count(mask, 1)).toBe(4 * 2);
    expect(at(mask, 8, 2, 3)).toBe(1);
    expect(at(mask, 8, 6, 3)).toBe(0);
    expect(at(mask, 8, 5, 4)).toBe(1);
  });

  it('leaves holes empty', () => {
    const mask = rasterizePolygons([[rect(0, 0, 10, 10), rect(3, 3, 7, 7)]], 10, 10, { value: 7 });
    expect(count(mask, 7)).toBe(100 - 16);
    expect(at(mask, 10, 5, 5)).toBe(0);
    expect(at(mask, 10, 2, 5)).toBe(7);
  });

  it('clips polygons crossing the raster edge', () => {
    const mask = rasterizePolygons([[rect(-5, -5, 3, 20)]], 10, 10);
    expect(count(mask, 1)).toBe(3 * 10);
  });

  it('matches the exact area of a triangle at pixel-centre sampling', () => {
    const triangle: PixelPolygonLike = [
      [
        [0, 0],
        [100, 0],
        [0, 100],
      ],
    ];
    const filled = count(rasterizePolygons([triangle], 100, 100), 1);
    expect(Math.abs(filled - 5000)).toBeLessThan(100);
  });

  it('paints shared edges exactly once, with no gap', () => {
    const mask = rasterizePolygons([[rect(0.3, 0, 4.5, 4)], [rect(4.5, 0, 9.2, 4)]], 10, 4);
    expect(count(mask, 1)).toBe(9 * 4);
  });

  it('rejects a bad raster size', () => {
    expect(() => rasterizePolygons([], 0, 10)).toThrow(/raster size 0x10/);
  });
});

describe('buildMask', () => {
  it('writes a binary footprint and counts painted buildings', () => {
    const buildings: PixelBuilding[] = [[[rect(1, 1, 5, 5)]], [[rect(20, 20, 30, 30)]]];
    const { mask, buildings: n } = buildMask(buildings, 16, 16);
    expect(n).toBe(1);
    expect(count(mask, 1)).toBe(16);
    expect(Math.max(...mask)).toBe(1);
  });

  it('marks a boundary of the given width inside the outline', () => {
    const { mask } = buildMask([[[rect(10, 10, 30, 30)]]], 40, 40, {
      kind: 'multi',
      boundaryWidth: 2,
      contactSpacing: 0,
    });
    expect(count(mask, MaskValue.boundary)).toBe(20 * 20 - 16 * 16);
    expect(count(mask, MaskValue.footprint)).toBe(16 * 16);
    expect(at(mask, 40, 10, 20)).toBe(MaskValue.boundary);
    expect(at(mask, 40, 11, 20)).toBe(MaskValue.boundary);
    expect(at(mask, 40, 12, 20)).toBe(MaskValue.footprint);
  });

  it('draws a wider boundary for a wider width', () => {
    const thin = buildMask([[[rect(10, 10, 30, 30)]]], 40, 40, {
      kind: 'multi',
      boundaryWidth: 1,
      contactSpacing: 0,
    });
    const thick = buildMask([[[rect(10, 10, 30, 30)]]], 40, 40, {
      kind: 'multi',
      boundaryWidth: 3,
      contactSpacing: 0,
    });
    expect(count(thin.mask, MaskValue.boundary)).toBe(20 * 20 - 18 * 18);
    expect(count(thick.mask, MaskValue.boundary)).toBe(20 * 20 - 14 * 14);
  });

  it('draws a boundary around holes too', () => {
    const courtyard = [[rect(0, 0, 30, 30), rect(10, 10, 20, 20)]];
    const { mask } = buildMask([courtyard], 30, 30, { kind: 'multi', boundaryWidth: 1, contactSpacing: 0 });
    expect(at(mask, 30, 15, 15)).toBe(MaskValue.background);
    expect(at(mask, 30, 9, 15)).toBe(MaskValue.boundary);
    expect(at(mask, 30, 8, 15)).toBe(MaskValue.footprint);
  });

  it('draws no boundary along the chip edge where a building is cut', () => {
    const { mask } = buildMask([[[rect(-10, 5, 10, 15)]]], 20, 20, {
      kind: 'multi',
      boundaryWidth: 2,
      contactSpacing: 0,
    });
    expect(at(mask, 20, 0, 10)).toBe(MaskValue.footprint);
    expect(at(mask, 20, 9, 10)).toBe(MaskValue.boundary);
  });

  it('gives touching buildings contact pixels along the shared wall', () => {
    const { mask } = buildMask([[[rect(2, 2, 10, 12)]], [[rect(10, 2, 18, 12)]]], 20, 14, {
      kind: 'multi',
      boundaryWidth: 2,
      contactSpacing: 2,
    });
    expect(at(mask, 20, 9, 7)).toBe(MaskValue.contact);
    expect(at(mask, 20, 10, 7)).toBe(MaskValue.contact);
    expect(at(mask, 20, 3, 7)).toBe(MaskValue.boundary);
    expect(at(mask, 20, 5, 7)).toBe(MaskValue.footprint);
  });

  it('fills the gap between nearby buildings with contact, but not around a lone building', () => {
    const pair = buildMask([[[rect(2, 2, 10, 12)]], [[rect(13, 2, 21, 12)]]], 24, 14, {
      kind: 'multi',
      contactSpacing: 4,
    });
    expect(at(pair.mask, 24, 11, 7)).toBe(MaskValue.contact);
    expect(at(pair.mask, 24, 12, 7)).toBe(MaskValue.contact);
    const far = buildMask([[[rect(2, 2, 10, 12)]], [[rect(40, 2, 48, 12)]]], 50, 14, {
      kind: 'multi',
      contactSpacing: 4,
    });
    expect(count(far.mask, MaskValue.contact)).toBe(0);
  });

  it('counts a building outside the raster towards contact near the border', () => {
    const { mask, buildings } = buildMask([[[rect(2, 2, 9, 8)]], [[rect(11, 2, 20, 8)]]], 10, 10, {
      kind: 'multi',
      contactSpacing: 3,
    });
    expect(buildings).toBe(1);
    expect(at(mask, 10, 9, 5)).toBe(MaskValue.contact);
  });

  it('treats the parts of a MultiPolygon as one building', () => {
    const twoParts: PixelBuilding = [[rect(2, 2, 10, 12)], [rect(12, 2, 20, 12)]];
    const { mask, buildings } = buildMask([twoParts], 24, 14, { kind: 'multi', contactSpacing: 4 });
    expect(buildings).toBe(1);
    expect(count(mask, MaskValue.contact)).toBe(0);
  });

  it('rejects a negative boundary width', () => {
    let error: unknown;
    try {
      buildMask([], 10, 10, { kind: 'multi', boundaryWidth: -1 });
    } catch (e) {
      error = e;
    }
    expect(isAppError(error, 'INVALID_PARAMETER_VALUE')).toBe(true);
    expect((error as Error).message).toMatch(/boundary width -1/);
  });
});
