import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { lonLatToTile, parseChipName, tileBounds } from '../geo/index.ts';
import { createSyntheticScene, exportSyntheticChips, renderSyntheticTile } from './index.ts';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('exportSyntheticChips', () => {
  it('writes OAM chips and the footprints of their extent', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fair-synthetic-'));
    const scene = createSyntheticScene({ seed: 42 });
    const tile = lonLatToTile(36.8, -1.3, 19);
    const [w, s] = tileBounds(tile);
    const [, , e, n] = tileBounds({ ...tile, x: tile.x + 1 });
    const ticks: number[] = [];
    const result = await exportSyntheticChips(scene, {
      bbox: [w + 1e-7, s + 1e-7, e - 1e-7, n - 1e-7],
      zoom: 19,
      outDir: dir,
      progress: {
        start: (total) => ticks.push(total),
        tick: () => ticks.push(-1),
        done: () => ticks.push(0),
      },
    });
    expect(result.tiles).toHaveLength(2);
    expect(ticks).toEqual([2, -1, -1, 0]);
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(
      [
        'OAM-' + tile.x + '-' + tile.y + '-19.png',
        'OAM-' + (tile.x + 1) + '-' + tile.y + '-19.png',
        'buildings.geojson',
      ].sort(),
    );
    const chip = parseChipName(names.find((name) => name.startsWith(`OAM-${tile.x}-`))!)!;
    const pixels = await sharp(join(dir, `OAM-${chip.x}-${chip.y}-19.png`))
      .raw()
      .toBuffer();
    expect(pixels.equals(Buffer.from(renderSyntheticTile(scene, tile).data))).toBe(true);
    const geojson = JSON.parse(await readFile(join(dir, 'buildings.geojson'), 'utf8')) as {
      features: unknown[];
    };
    expect(geojson.features.length).toBe(result.buildingCount);
    expect(result.buildingCount).toBeGreaterThan(10);
  });

  it('refuses an export of more than the chip limit', async () => {
    const scene = createSyntheticScene({ seed: 1 });
    await expect(
      exportSyntheticChips(scene, { bbox: [36, -2, 37, -1], zoom: 19, outDir: '/nonexistent' }),
    ).rejects.toThrow(/chips \(limit 50000\)/);
  });
});
