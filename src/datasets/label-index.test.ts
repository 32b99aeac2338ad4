import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { lonLatToTileFraction, tileToLonLat } from '../geo/index.ts';
import { framesOfTile } from './chip-frame.ts';
import { buildingsInFrame, createLabelIndex } from './label-index.ts';

const z = 18;

/** A square building in tile-fraction space at zoom z, as lon/lat. */
function square(x: number, y: number, side: number): Polygon {
  const corner = (fx: number, fy: number): [number, number] => tileToLonLat(fx, fy, z);
  return {
    type: 'Polygon',
    coordinates: [
      [
        corner(x, y + side),
        corner(x + side, y + side),
        corner(x + side, y),
        corner(x, y),
        corner(x, y + side),
      ],
    ],
  };
}

describe('createLabelIndex', () => {
  const geometries = [
    square(100.2, 200.2, 0.1),
    square(100.95, 200.5, 0.1),
    square(105.5, 205.5, 0.1),
    square(90, 190, 40),
  ];
  const index = createLabelIndex(geometries, z);

  it('returns the buildings whose extent meets the query, each once, in label order', () => {
    expect(index.query([100, 200, 101, 201], 0).map((b) => b.index)).toEqual([0, 1, 3]);
    expect(index.query([105, 205, 106, 206], 0).map((b) => b.index)).toEqual([2, 3]);
  });

  it('widens the query by the margin', () => {
    expect(index.query([101.1, 200, 102, 201], 0).map((b) => b.index)).toEqual([3]);
    expect(index.query([101.1, 200, 102, 201], 0.1).map((b) => b.index)).toEqual([1, 3]);
  });

  it('applies the label offset before projecting', () => {
    const shifted = createLabelIndex([square(100.2, 200.2, 0.1)], z, [150, 0]);
    const [building] = shifted.query([100, 200, 102, 201], 0);
    // 150 m at zoom 18 is 150 / (40075016.69 / 2^18) = 0.98 tiles.
    expect(building?.extent[0]).toBeCloseTo(100.2 + 0.981, 2);
  });

  it('projects with web-mercator tile fractions', () => {
    const [lon, lat] = tileToLonLat(100.2, 200.2, z);
    const f = lonLatToTileFraction(lon, lat, z);
    const [building] = index.query([100, 200, 100.5, 200.5], 0);
    expect(building?.extent[0]).toBeCloseTo(f.x, 9);
    expect(building?.extent[1]).toBeCloseTo(f.y, 9);
  });
});

describe('buildingsInFrame', () => {
  it('gives buildings near a window in its pixel space', () => {
    const index = createLabelIndex([square(100.25, 200.25, 0.25)], z);
    const frames = framesOfTile({ x: 100, y: 200, z }, { of: 2, resampleTo: 512 }, 256);
    const [nw, ne, sw, se] = frames.map((f) => buildingsInFrame(index, f, 0));
    expect(nw?.[0]?.[0]?.[0]?.map((p) => p.map((v) => Math.round(v * 1e6) / 1e6))).toEqual([
      [128, 256],
      [256, 256],
      [256, 128],
      [128, 128],
      [128, 256],
    ]);
    expect([ne?.length, sw?.length, se?.length]).toEqual([1, 1, 1]);
    const far = framesOfTile({ x: 102, y: 200, z }, { of: 1, resampleTo: 256 }, 256)[0];
    expect(buildingsInFrame(index, far as never, 4)).toEqual([]);
  });
});
