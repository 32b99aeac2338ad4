import { describe, expect, it } from 'vitest';
import type { Position } from 'geojson';
import { polygonizeMask } from './polygonize.ts';
import { rasterizePolygons } from './rasterize.ts';
import type { PixelPolygon } from './pixel-polygon.ts';

function signedArea(ring: Position[]): number {
  let a = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x0 = 0, y0 = 0] = ring[i] as Position;
    const [x1 = 0, y1 = 0] = ring[i + 1] as Position;
    a += x0 * y1 - x1 * y0;
  }
  return a / 2;
}

function polygonArea(polygon: PixelPolygon): number {
  return polygon.reduce((sum, ring, i) => sum + (i === 0 ? 1 : -1) * Math.abs(signedArea(ring)), 0);
}

function grid(rows: string[]): { mask: Uint8Array; width: number; height: number } {
  const width = (rows[0] ?? '').length;
  const mask = new Uint8Array(width * rows.length);
  rows.forEach((row, y) => [...row].forEach((c, x) => (mask[y * width + x] = c === '#' ? 1 : 0)));
  return { mask, width, height: rows.length };
}

describe('polygonizeMask', () => {
  it('traces a rectangle into four corners', () => {
    const { mask, width, height } = grid(['.....', '.###.', '.###.', '.....']);
    const polygons = polygonizeMask(mask, width, height);
    expect(polygons).toEqual([
      [
        [
          [1, 1],
          [4, 1],
          [4, 3],
          [1, 3],
          [1, 1],
        ],
      ],
    ]);
  });

  it('keeps holes, wound opposite to the outer ring', () => {
    const { mask, width, height } = grid(['#####', '#...#', '#.#.#', '#...#', '#####']);
    const polygons = polygonizeMask(mask, width, height);
    expect(polygons).toHaveLength(2);
    const [ring, island] = polygons as [PixelPolygon, PixelPolygon];
    expect(ring).toHaveLength(2);
    expect(signedArea(ring[0] as Position[])).toBe(25);
    expect(signedArea(ring[1] as Position[])).toBe(-9);
    expect(polygonArea(island)).toBe(1);
  });

  it('separates regions that touch only at a corner (4-connectivity)', () => {
    const { mask, width, height } = grid(['##..', '##..', '..##', '..##']);
    const polygons = polygonizeMask(mask, width, height);
    expect(polygons.map(polygonArea)).toEqual([4, 4]);
    expect(polygons.every((p) => p.length === 1)).toBe(true);
  });

  it('handles a diagonal saddle inside one region', () => {
    const { mask, width, height } = grid(['###', '#.#', '##.', '###'].map((r) => r));
    const polygons = polygonizeMask(mask, width, height);
    const total = polygons.reduce((s, p) => s + polygonArea(p), 0);
    expect(total).toBe(mask.reduce((n, v) => n + v, 0));
  });

  it('round-trips a rasterized polygon with a hole to the same pixel area', () => {
    const polygon: PixelPolygon = [
      [
        [3.2, 4.7],
        [40.1, 2.2],
        [45.5, 30.3],
        [8.8, 37.9],
      ],
      [
        [15, 15],
        [25, 15],
        [25, 22],
        [15, 22],
      ],
    ];
    const mask = rasterizePolygons([polygon], 50, 40);
    const traced = polygonizeMask(mask, 50, 40);
    expect(traced).toHaveLength(1);
    expect(traced[0]).toHaveLength(2);
    expect(polygonArea(traced[0] as PixelPolygon)).toBe(mask.reduce((n, v) => n + v, 0));
    expect(rasterizePolygons(traced[0] ? [traced[0]] : [], 50, 40)).toEqual(mask);
  });

  it('uses the foreground predicate for multi-class masks', () => {
    const mask = Uint8Array.from([0, 1, 2, 3, 0, 0]);
    expect(polygonizeMask(mask, 6, 1)).toHaveLength(1);
    expect(polygonizeMask(mask, 6, 1, (v) => v === 1 || v === 2)).toHaveLength(1);
    expect(polygonizeMask(mask, 6, 1, (v) => v === 3).map(polygonArea)).toEqual([1]);
  });

  it('traces regions on the raster border', () => {
    const { mask, width, height } = grid(['##', '##']);
    expect(polygonizeMask(mask, width, height).map(polygonArea)).toEqual([4]);
  });

  it('rejects a mask of the wrong length', () => {
    expect(() => polygonizeMask(new Uint8Array(5), 2, 2)).toThrow(/mask has 5 pixels; 2x2 needs 4/);
  });
});
