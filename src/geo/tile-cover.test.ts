import type { MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { tileBounds, tileToLonLat } from './tile-math.ts';
import { tilesCoveringGeometry } from './tile-cover.ts';

const z = 10;
/** A polygon in tile space (corners given as fractional tile coordinates) at zoom z. */
function polygonInTileSpace(rings: [number, number][][]): Polygon {
  return { type: 'Polygon', coordinates: rings.map((r) => r.map(([x, y]) => tileToLonLat(x, y, z))) };
}
const keys = (tiles: { x: number; y: number }[]): string[] => tiles.map((t) => `${t.x},${t.y}`).sort();

describe('tilesCoveringGeometry', () => {
  it('covers a triangle exactly, not its bbox', () => {
    const tri = polygonInTileSpace([
      [
        [100.5, 200.5],
        [103.7, 200.5],
        [100.5, 203.7],
        [100.5, 200.5],
      ],
    ]);
    const got = keys(tilesCoveringGeometry(tri, z));
    expect(got).toHaveLength(13); // 4 + 4 + 3 + 2 under the hypotenuse; the bbox has 16
    expect(got).not.toContain('103,203');
    expect(got).not.toContain('103,202');
    expect(got).toContain('100,203');
  });

  it('respects holes that contain whole tiles', () => {
    const square = polygonInTileSpace([
      [
        [0.5, 0.5],
        [0.5, 6.5],
        [6.5, 6.5],
        [6.5, 0.5],
        [0.5, 0.5],
      ],
      [
        [2.2, 2.2],
        [4.8, 2.2],
        [4.8, 4.8],
        [2.2, 4.8],
        [2.2, 2.2],
      ],
    ]);
    const got = keys(tilesCoveringGeometry(square, z));
    expect(got).toHaveLength(49 - 1); // the tile 3,3 lies wholly inside the hole
    expect(got).not.toContain('3,3');
  });

  it('merges the tiles of multipolygon parts', () => {
    const aligned = polygonInTileSpace([
      [
        [10.3, 10.3],
        [11.7, 10.3],
        [11.7, 11.7],
        [10.3, 11.7],
        [10.3, 10.3],
      ],
    ]);
    expect(keys(tilesCoveringGeometry(aligned, z))).toEqual(['10,10', '10,11', '11,10', '11,11']);
    const multi: MultiPolygon = {
      type: 'MultiPolygon',
      coordinates: [
        aligned.coordinates,
        polygonInTileSpace([
          [
            [10.5, 10.5],
            [20.5, 10.5],
            [20.5, 10.7],
            [10.5, 10.5],
          ],
        ]).coordinates,
      ],
    };
    expect(tilesCoveringGeometry(multi, z).length).toBe(4 + 9);
  });

  it('covers exactly the tiles of an AOI drawn on tile bounds', () => {
    const [w] = tileBounds({ x: 386690, y: 220241, z: 19 });
    const [, s, e, n] = tileBounds({ x: 386691, y: 220242, z: 19 });
    const [, , , top] = tileBounds({ x: 386690, y: 220241, z: 19 });
    const aoi: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [w, s],
          [e, s],
          [e, top],
          [w, top],
          [w, s],
        ],
      ],
    };
    expect(tilesCoveringGeometry(aoi, 19)).toHaveLength(4);
    expect(n).toBeLessThan(top);
  });

  it('covers a small polygon inside a single tile', () => {
    const [w, s, e, n] = tileBounds({ x: 386690, y: 220241, z: 19 });
    const dx = (e - w) / 4;
    const dy = (n - s) / 4;
    const small: Polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [w + dx, s + dy],
          [e - dx, s + dy],
          [e - dx, n - dy],
          [w + dx, n - dy],
          [w + dx, s + dy],
        ],
      ],
    };
    expect(tilesCoveringGeometry(small, 19)).toEqual([{ x: 386690, y: 220241, z: 19 }]);
  });
});
