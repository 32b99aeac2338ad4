import { describe, expect, it } from 'vitest';
import { lonLatToTile, type Tile } from '../geo/index.ts';
import { isAppError } from '../shared/index.ts';
import type { RasterRGB } from '../imagery/index.ts';
import {
  createSyntheticScene,
  renderSyntheticArea,
  renderSyntheticTile,
  syntheticBuildings,
} from './index.ts';
import { tileBounds } from '../geo/index.ts';

const centreTile = (z: number): Tile => lonLatToTile(36.8, -1.3, z);

/** Columns [x0, x0 + width) of a raster as a new raster. */
function crop(raster: RasterRGB, x0: number, y0: number, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let row = 0; row < height; row++)
    out.set(
      raster.data.subarray(
        ((y0 + row) * raster.width + x0) * 3,
        ((y0 + row) * raster.width + x0 + width) * 3,
      ),
      row * width * 3,
    );
  return out;
}

function differingShare(a: Uint8Array, b: Uint8Array): number {
  let differ = 0;
  for (let i = 0; i < a.length; i += 3)
    if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) differ++;
  return differ / (a.length / 3);
}

describe('renderSyntheticTile', () => {
  it('renders a 256 px RGB tile by default and other sizes on request', () => {
    const scene = createSyntheticScene({ seed: 42 });
    const tile = renderSyntheticTile(scene, centreTile(19));
    expect(tile.width).toBe(256);
    expect(tile.height).toBe(256);
    expect(tile.data.length).toBe(256 * 256 * 3);
    expect(renderSyntheticTile(scene, centreTile(19), 128).data.length).toBe(128 * 128 * 3);
  });

  it('is deterministic: the same seed gives identical bytes, from a fresh scene too', () => {
    const a = renderSyntheticTile(createSyntheticScene({ seed: 42 }), centreTile(19));
    const scene = createSyntheticScene({ seed: 42 });
    renderSyntheticTile(scene, { ...centreTile(19), x: centreTile(19).x + 1 });
    const b = renderSyntheticTile(scene, centreTile(19));
    expect(Buffer.from(b.data).equals(Buffer.from(a.data))).toBe(true);
  });

  it('differs for a different seed', () => {
    const a = renderSyntheticTile(createSyntheticScene({ seed: 42 }), centreTile(19));
    const b = renderSyntheticTile(createSyntheticScene({ seed: 43 }), centreTile(19));
    expect(differingShare(a.data, b.data)).toBeGreaterThan(0.9);
  });

  it('joins neighbouring tiles without a seam: a 2×2 block equals its four tiles', () => {
    const scene = createSyntheticScene({ seed: 42 });
    const { x, y, z } = centreTile(19);
    const block = renderSyntheticArea(scene, z, x * 256, y * 256, 512, 512);
    for (const [dx, dy] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ] as const) {
      const tile = renderSyntheticTile(scene, { x: x + dx, y: y + dy, z });
      expect(Buffer.from(crop(block, dx * 256, dy * 256, 256, 256)).equals(Buffer.from(tile.data))).toBe(
        true,
      );
    }
    // Across the joint the image changes no more than between any two neighbouring columns.
    const step = (c: number): number => {
      let sum = 0;
      for (let row = 0; row < 512; row++)
        for (let k = 0; k < 3; k++)
          sum += Math.abs(
            (block.data[(row * 512 + c) * 3 + k] ?? 0) - (block.data[(row * 512 + c + 1) * 3 + k] ?? 0),
          );
      return sum;
    };
    const typical = [40, 100, 180, 300, 400].map(step).reduce((a, b) => a + b) / 5;
    expect(step(255)).toBeLessThan(typical * 1.6);
  });

  it('renders an offset window equal to the overlapping part of a tile (windows need not be tile-aligned)', () => {
    const scene = createSyntheticScene({ seed: 3 });
    const { x, y, z } = centreTile(18);
    const tile = renderSyntheticTile(scene, { x, y, z });
    const window = renderSyntheticArea(scene, z, x * 256 + 77, y * 256 + 33, 100, 90);
    expect(Buffer.from(window.data).equals(Buffer.from(crop(tile, 77, 33, 100, 90)))).toBe(true);
  });

  it('renders plain textured ground outside the area, with no buildings there', () => {
    const scene = createSyntheticScene({ seed: 42 });
    const tile = lonLatToTile(36.9, -1.3, 19);
    expect(syntheticBuildings(scene, tileBounds(tile)).features).toHaveLength(0);
    const raster = renderSyntheticTile(scene, tile);
    let sum = 0;
    let sumSquares = 0;
    for (let i = 1; i < raster.data.length; i += 3) {
      sum += raster.data[i] ?? 0;
      sumSquares += (raster.data[i] ?? 0) ** 2;
    }
    const n = raster.data.length / 3;
    const mean = sum / n;
    expect(mean).toBeGreaterThan(60);
    expect(mean).toBeLessThan(200);
    expect(Math.sqrt(sumSquares / n - mean * mean)).toBeGreaterThan(3);
  });

  it('renders coarse zooms over the whole area quickly enough to serve (built-up land tinted)', () => {
    const scene = createSyntheticScene({ seed: 42 });
    const raster = renderSyntheticTile(scene, centreTile(12));
    expect(raster.data.length).toBe(256 * 256 * 3);
  });

  it.each([
    [{ x: 0, y: 0, z: 31 }, 'zoom 31'],
    [{ x: 4, y: 0, z: 2 }, 'tile 2/4/0'],
    [{ x: -1, y: 0, z: 2 }, 'tile 2/-1/0'],
    [{ x: 0.5, y: 0, z: 2 }, 'tile 2/0.5/0'],
  ])('rejects tile %j naming it', (tile, named) => {
    const scene = createSyntheticScene({ seed: 42 });
    let error: unknown;
    try {
      renderSyntheticTile(scene, tile);
    } catch (e) {
      error = e;
    }
    expect(isAppError(error, 'INVALID_PARAMETER_VALUE')).toBe(true);
    expect((error as Error).message).toContain(named);
  });

  it('rejects a bad size', () => {
    const scene = createSyntheticScene({ seed: 42 });
    expect(() => renderSyntheticTile(scene, centreTile(19), 0)).toThrow(/tile size 0/);
  });
});
