import { describe, expect, it } from 'vitest';
import {
  lonLatToTile,
  metresPerPixel,
  quadkeyToTile,
  tileBounds,
  tileBounds3857,
  tileToLonLat,
  tileToQuadkey,
  tilesInBBox,
  xyzToTmsY,
} from './tile-math.ts';
import { lonLatToMercator } from './projection.ts';

describe('tile math', () => {
  it('maps a Banepa chip corner to its tile', () => {
    // OAM-386690-220241-19: the NW corner from the sample's GDAL sidecar lies inside tile 386690/220241.
    const [lon, lat] = tileToLonLat(386690, 220241, 19);
    expect(lonLatToTile(lon + 1e-7, lat - 1e-7, 19)).toEqual({ x: 386690, y: 220241, z: 19 });
    expect(lon).toBeCloseTo(85.5189514, 6); // the sidecar's GeoTransform origin
  });

  it('round-trips lon/lat through fractional tile coordinates', () => {
    for (const [lon, lat] of [
      [0, 0],
      [-122.4194, 37.7749],
      [151.2, -33.86],
    ] as const) {
      const t = lonLatToTile(lon, lat, 16);
      const [w, s, e, n] = tileBounds(t);
      expect(lon).toBeGreaterThanOrEqual(w);
      expect(lon).toBeLessThan(e);
      expect(lat).toBeGreaterThan(s);
      expect(lat).toBeLessThanOrEqual(n);
    }
  });

  it('converts XYZ rows to TMS rows and back', () => {
    expect(xyzToTmsY(0, 1)).toBe(1);
    expect(xyzToTmsY(xyzToTmsY(220241, 19), 19)).toBe(220241);
  });

  it('encodes and decodes quadkeys (Bing example)', () => {
    expect(tileToQuadkey({ x: 3, y: 5, z: 3 })).toBe('213');
    expect(quadkeyToTile('213')).toEqual({ x: 3, y: 5, z: 3 });
    expect(() => quadkeyToTile('2a4')).toThrow(/character other than 0-3/);
  });

  it('gives EPSG:3857 bounds consistent with the projection', () => {
    const tile = { x: 386690, y: 220241, z: 19 };
    const [w, , , n] = tileBounds(tile);
    const [minX, , , maxY] = tileBounds3857(tile);
    const [x, y] = lonLatToMercator(w, n);
    expect(minX).toBeCloseTo(x, 3);
    expect(maxY).toBeCloseTo(y, 3);
  });

  it('lists the tiles of a bbox and rejects bad zooms', () => {
    expect(tilesInBBox([-180, -85, 180, 85], 1)).toHaveLength(4);
    expect(() => tilesInBBox([0, 0, 1, 1], 31)).toThrow(/zoom 31 is out of range/);
    expect(() => lonLatToTile(0, 0, 2.5)).toThrow(/zoom 2.5/);
  });

  it('computes ground resolution', () => {
    expect(metresPerPixel(0, 0)).toBeCloseTo(156543.03, 1);
    expect(metresPerPixel(27.63, 19, 512)).toBeCloseTo(0.1323, 3);
  });
});
