import { describe, expect, it } from 'vitest';
import { tileBounds, tileKey, type Polygonal, type Tile } from '../geo/index.ts';
import { isAppError } from '../shared/index.ts';
import { bboxPolygon } from '../geo/index.ts';
import { extentOfTiles, planTiles, type TileSourceInfo } from './plan-tiles.ts';

function folder(tiles: Tile[]): TileSourceInfo {
  return { label: 'chips/', minzoom: 19, maxzoom: 19, listTiles: () => tiles };
}
const server: TileSourceInfo = {
  label: 'http://tiles/{z}/{x}/{y}',
  minzoom: 0,
  maxzoom: 22,
  listTiles: () => undefined,
};

const held: Tile[] = [
  { x: 11, y: 20, z: 19 },
  { x: 10, y: 20, z: 19 },
  { x: 10, y: 21, z: 19 },
];

describe('planTiles', () => {
  it('takes every chip of a folder when there is no AOI, row by row', () => {
    expect(planTiles(folder(held), undefined, [19]).map(tileKey)).toEqual([
      '19/10/20',
      '19/11/20',
      '19/10/21',
    ]);
  });

  it('keeps only the folder chips that cover the AOI', () => {
    const [w, s, e, n] = tileBounds({ x: 10, y: 21, z: 19 });
    const aoi = bboxPolygon([w + 1e-7, s + 1e-7, e - 1e-7, n - 1e-7]);
    expect(planTiles(folder(held), aoi, [19]).map(tileKey)).toEqual(['19/10/21']);
  });

  it('covers the AOI at each zoom for a tile server, zoom by zoom', () => {
    const [w, s, e, n] = tileBounds({ x: 10, y: 21, z: 19 });
    const aoi = bboxPolygon([w + 1e-7, s + 1e-7, e - 1e-7, n - 1e-7]);
    expect(planTiles(server, aoi, [20, 19]).map(tileKey)).toEqual([
      '19/10/21',
      '20/20/42',
      '20/21/42',
      '20/20/43',
      '20/21/43',
    ]);
  });

  it('needs an AOI for a tile server', () => {
    expect(() => planTiles(server, undefined, [19])).toThrow(/tile server: an AOI is needed/);
  });

  it('refuses a zoom outside the source range, or one with no tiles', () => {
    expect(() => planTiles(folder(held), undefined, [20])).toThrow(
      /zoom 20 is outside the zoom range 19..19 of imagery chips\//,
    );
    expect(() => planTiles(folder(held), bboxPolygon([0, 0, 0.001, 0.001]), [19])).toThrow(
      /no tile at zoom 19 inside the AOI/,
    );
    expect(() => planTiles(folder(held), undefined, [])).toThrow(/no zoom level/);
  });

  it('refuses an AOI needing more tiles than the limit', () => {
    const aoi: Polygonal = bboxPolygon([85.3, 27.6, 85.4, 27.7]);
    let error: unknown;
    try {
      planTiles(server, aoi, [19], 1000);
    } catch (e) {
      error = e;
    }
    expect(isAppError(error, 'LIMIT_EXCEEDED')).toBe(true);
    expect((error as Error).message).toMatch(/more than the limit of 1000/);
  });
});

describe('extentOfTiles', () => {
  it('is the bbox polygon of the tiles', () => {
    const extent = extentOfTiles(held);
    const [w, , , n] = tileBounds({ x: 10, y: 20, z: 19 });
    const [, s, e] = tileBounds({ x: 11, y: 21, z: 19 });
    expect(extent).toEqual(bboxPolygon([w, s, e, n]));
    expect(() => extentOfTiles([])).toThrow(/no tiles/);
  });
});
