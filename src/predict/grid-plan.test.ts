/** @module predict/grid-plan.test — grid extent, stripes with margins, tile order. */
import { describe, expect, it } from 'vitest';
import type { Tile } from '../geo/index.ts';
import { planGrid, windowTileRange } from './grid-plan.ts';

function block(x0: number, y0: number, w: number, h: number, z = 19): Tile[] {
  const tiles: Tile[] = [];
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) tiles.push({ x, y, z });
  return tiles;
}

describe('planGrid', () => {
  it('spans the tiles bounding rectangle and places windows over it', () => {
    const plan = planGrid(block(10, 20, 3, 2), { tileSize: 256, inputSize: 256, overlap: 32 });
    expect([plan.tileX0, plan.tileY0, plan.width, plan.height]).toEqual([10, 20, 768, 512]);
    expect(plan.windowYs).toEqual([0, 224, 256]);
    expect(plan.stripes).toHaveLength(1);
    expect(plan.stripes[0]).toMatchObject({
      coreX0: 0,
      coreX1: 768,
      extX0: 0,
      extX1: 768,
      computeX0: 0,
      computeX1: 768,
    });
  });

  it('cuts wide grids into stripes whose margins overlap their neighbours', () => {
    const plan = planGrid(block(0, 0, 10, 1), {
      tileSize: 256,
      inputSize: 256,
      overlap: 0,
      maxStripeWidth: 1024,
    });
    expect(plan.stripes.map((s) => [s.coreX0, s.coreX1, s.extX0, s.extX1])).toEqual([
      [0, 1024, 0, 1280],
      [1024, 2048, 768, 2304],
      [2048, 2560, 1792, 2560],
    ]);
    expect(plan.stripes[1]?.windowXs).toEqual([768, 1024, 1280, 1536, 1792, 2048]);
    // Tiles of a margin are planned once per stripe that reads them.
    expect(plan.tileOrder).toHaveLength(5 + 6 + 3);
  });

  it('marks grid tiles outside the area as no-data', () => {
    const tiles = block(0, 0, 2, 2).filter((t) => !(t.x === 1 && t.y === 1));
    const plan = planGrid(tiles, { tileSize: 256, inputSize: 128, overlap: 0 });
    expect(plan.areaTiles.has('19/1/1')).toBe(false);
    expect(plan.areaTiles.size).toBe(3);
  });

  it('refuses mixed zooms and empty areas', () => {
    expect(() => planGrid([], { tileSize: 256, inputSize: 256, overlap: 0 })).toThrow(/no tiles/);
    expect(() =>
      planGrid(
        [
          { x: 0, y: 0, z: 18 },
          { x: 0, y: 0, z: 19 },
        ],
        { tileSize: 256, inputSize: 256, overlap: 0 },
      ),
    ).toThrow(/zoom 18 and 19/);
  });
});

describe('windowTileRange', () => {
  it('lists the tiles under a window straddling tile edges', () => {
    const plan = { tileSize: 256, inputSize: 256, tilesWide: 4, tilesHigh: 4 };
    expect(windowTileRange(plan, 224, 0)).toEqual({ col0: 0, col1: 2, row0: 0, row1: 1 });
  });
});
