import { describe, expect, it } from 'vitest';
import { tileBounds } from '../geo/index.ts';
import { signedRingArea } from './pixel-polygon.ts';
import { gridOfTile, lonLatToPixel, pixelPolygonToLonLat, pixelToLonLat } from './pixel-grid.ts';

const tile = { x: 386695, y: 220244, z: 19 };

describe('pixel grid', () => {
  it('puts raster corners on the tile bounds of geo', () => {
    const [w, s, e, n] = tileBounds(tile);
    for (const size of [256, 512]) {
      const grid = gridOfTile(tile, size);
      expect(pixelToLonLat(grid, 0, 0)).toEqual([w, n]);
      const [lon, lat] = pixelToLonLat(grid, size, size);
      expect(lon).toBeCloseTo(e, 12);
      expect(lat).toBeCloseTo(s, 12);
    }
  });

  it('addresses a mosaic of several tiles from its top-left tile', () => {
    const grid = { z: 19, originX: (tile.x - 1) * 256, originY: (tile.y - 2) * 256, tileSize: 256 };
    const [w, , , n] = tileBounds(tile);
    const [lon, lat] = pixelToLonLat(grid, 256, 512);
    expect(lon).toBeCloseTo(w, 12);
    expect(lat).toBeCloseTo(n, 12);
  });

  it('inverts lon/lat back to pixels', () => {
    const grid = gridOfTile(tile, 256);
    const [lon, lat] = pixelToLonLat(grid, 17.25, 201.5);
    const [x, y] = lonLatToPixel(grid, lon, lat);
    expect(x).toBeCloseTo(17.25, 6);
    expect(y).toBeCloseTo(201.5, 6);
  });

  it('turns traced rings into RFC 7946 winding (outer counter-clockwise, holes clockwise)', () => {
    const polygon: [number, number][][] = [
      [
        [0, 0],
        [10, 0],
        [10, 10],
        [0, 10],
        [0, 0],
      ],
      [
        [2, 2],
        [2, 4],
        [4, 4],
        [4, 2],
        [2, 2],
      ],
    ];
    const rings = pixelPolygonToLonLat(gridOfTile(tile), polygon);
    expect(signedRingArea(rings[0] ?? [])).toBeGreaterThan(0);
    expect(signedRingArea(rings[1] ?? [])).toBeLessThan(0);
  });

  it('rejects a bad zoom or tile size', () => {
    expect(() => gridOfTile({ x: 0, y: 0, z: 31 })).toThrow(/zoom 31/);
    expect(() => gridOfTile(tile, 0)).toThrow(/tile size 0/);
  });
});
