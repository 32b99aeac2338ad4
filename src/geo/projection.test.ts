import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import {
  bboxOfGeometry,
  geodesicArea,
  lonLatToMercator,
  mercatorToLonLat,
  offsetGeometry,
} from './projection.ts';
import { parseChipName, chipName } from './chip-name.ts';

const square: Polygon = {
  type: 'Polygon',
  coordinates: [
    [
      [85.52, 27.63],
      [85.5201, 27.63],
      [85.5201, 27.6301],
      [85.52, 27.6301],
      [85.52, 27.63],
    ],
  ],
};

describe('projection', () => {
  it('round-trips EPSG:4326 through EPSG:3857', () => {
    const [x, y] = lonLatToMercator(85.52, 27.63);
    const [lon, lat] = mercatorToLonLat(x, y);
    expect(lon).toBeCloseTo(85.52, 10);
    expect(lat).toBeCloseTo(27.63, 10);
  });

  it('shifts a geometry by metres in EPSG:3857 (east and north positive)', () => {
    const moved = offsetGeometry(square, [10, -5]);
    const [x0, y0] = lonLatToMercator(85.52, 27.63);
    const [lon, lat] = moved.coordinates[0]?.[0] ?? [];
    const [x1, y1] = lonLatToMercator(lon ?? 0, lat ?? 0);
    expect(x1 - x0).toBeCloseTo(10, 6);
    expect(y1 - y0).toBeCloseTo(-5, 6);
    expect(offsetGeometry(square, [0, 0])).toBe(square);
  });

  it('measures geodesic area in square metres and subtracts holes', () => {
    // 0.0001° × 0.0001° at 27.63°N ≈ 9.86 m × 11.07 m.
    expect(geodesicArea(square)).toBeCloseTo(109.2, 0);
    const withHole: Polygon = {
      type: 'Polygon',
      coordinates: [
        square.coordinates[0] ?? [],
        (square.coordinates[0] ?? []).map(([a = 0, b = 0]) => [
          85.52 + (a - 85.52) / 2,
          27.63 + (b - 27.63) / 2,
        ]),
      ],
    };
    expect(geodesicArea(withHole)).toBeCloseTo(109.2 * 0.75, 0);
    expect(bboxOfGeometry(square)).toEqual([85.52, 27.63, 85.5201, 27.6301]);
  });
});

describe('chip names', () => {
  it('parses fAIr chip names and rejects others', () => {
    expect(parseChipName('OAM-386690-220241-19.tif')).toEqual({ x: 386690, y: 220241, z: 19, ext: 'tif' });
    expect(parseChipName('OAM-1-2-3.JPEG')?.ext).toBe('jpeg');
    expect(parseChipName('OAM-1-2-3.tif.aux.xml')).toBeUndefined();
    expect(chipName({ x: 1, y: 2, z: 3 })).toBe('OAM-1-2-3.png');
  });
});
