import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChipName } from '../../geo/index.ts';
import { AppError } from '../../shared/index.ts';
import { holdOutBlock, spatialSplit } from './split.ts';

type Chip = { file: string; tile: { x: number; y: number; z: number } };

const banepa = resolve(import.meta.dirname, '../../..', '../shared/data/banepa/train/oam');
/** The 48 real Banepa training chips (z19, x 386690..386695, y 220241..220248). */
const chips: Chip[] = readdirSync(banepa).flatMap((file) => {
  const tile = parseChipName(file);
  return tile === undefined ? [] : [{ file, tile: { x: tile.x, y: tile.y, z: tile.z } }];
});
const tileKey = (c: Chip): string => `${c.tile.x}/${c.tile.y}`;
const blockKey = (c: Chip): string => `${Math.floor(c.tile.x / 2)}/${Math.floor(c.tile.y / 2)}`;

describe('spatialSplit', () => {
  it('reads the 48 Banepa chips', () => {
    expect(chips).toHaveLength(48);
  });

  it('is deterministic for a seed and independent of input order', () => {
    const a = spatialSplit(chips, { valRatio: 0.2, seed: 1 });
    const b = spatialSplit([...chips].reverse(), { valRatio: 0.2, seed: 1 });
    expect(a.val.map((c) => c.file).sort()).toEqual(b.val.map((c) => c.file).sort());
    const other = spatialSplit(chips, { valRatio: 0.2, seed: 2 });
    expect(other.val.map((c) => c.file)).not.toEqual(a.val.map((c) => c.file));
  });

  it('keeps whole 2x2 blocks together and no tile on both sides', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { train, val } = spatialSplit(chips, { valRatio: 0.25, seed });
      const trainTiles = new Set(train.map(tileKey));
      expect(val.some((c) => trainTiles.has(tileKey(c)))).toBe(false);
      const trainBlocks = new Set(train.map(blockKey));
      expect(val.some((c) => trainBlocks.has(blockKey(c)))).toBe(false);
      expect(train.length + val.length).toBe(48);
    }
  });

  it('puts at least the ratio in validation, overshooting by less than one block', () => {
    for (const valRatio of [0.1, 0.2, 0.33, 0.5]) {
      const { val } = spatialSplit(chips, { valRatio, seed: 7 });
      expect(val.length).toBeGreaterThanOrEqual(valRatio * 48);
      expect(val.length - 4).toBeLessThan(valRatio * 48);
    }
  });

  it('keeps both sides non-empty at extreme ratios', () => {
    const high = spatialSplit(chips, { valRatio: 0.99, seed: 1 });
    expect(high.train.length).toBeGreaterThan(0);
    const low = spatialSplit(chips, { valRatio: 0.01, seed: 1 });
    expect(low.val.length).toBeGreaterThan(0);
  });

  it('groups several windows of one tile and finer-zoom chips with their parent tile', () => {
    const windows = chips.flatMap((c) => [c, { ...c, file: `${c.file}#2` }]);
    const children = chips
      .slice(0, 4)
      .map((c) => ({ file: `child-${c.file}`, tile: { x: c.tile.x * 2 + 1, y: c.tile.y * 2, z: 20 } }));
    const { train, val } = spatialSplit([...windows, ...children], { valRatio: 0.3, seed: 3, blockSize: 1 });
    const trainTiles = new Set(
      train.map((c) => (c.tile.z === 20 ? `${c.tile.x >> 1}/${c.tile.y >> 1}` : tileKey(c))),
    );
    const valTiles = val.map((c) => (c.tile.z === 20 ? `${c.tile.x >> 1}/${c.tile.y >> 1}` : tileKey(c)));
    expect(valTiles.some((t) => trainTiles.has(t))).toBe(false);
  });

  it('leaves validation empty when everything is in one block', () => {
    const one = chips.filter((c) => blockKey(c) === blockKey(chips[0] as Chip));
    expect(spatialSplit(one, { valRatio: 0.5, seed: 1 }).val).toEqual([]);
  });

  it('rejects an empty list, a bad ratio, a bad block size and a bad tile', () => {
    expect(() => spatialSplit([], { valRatio: 0.2, seed: 1 })).toThrow(/empty list/);
    expect(() => spatialSplit(chips, { valRatio: 1, seed: 1 })).toThrow(/valRatio 1/);
    expect(() => spatialSplit(chips, { valRatio: 0.2, seed: 1, blockSize: 0 })).toThrow(/blockSize/);
    expect(() => spatialSplit([{ tile: { x: 5, y: 0, z: 2 } }], { valRatio: 0.2, seed: 1 })).toThrow(
      AppError,
    );
  });
});

describe('holdOutBlock', () => {
  it('holds out the eastern column and the north end of the next: 10 of 48 tiles for 20%', () => {
    const { train, val } = holdOutBlock(chips, { ratio: 0.2 });
    expect(val).toHaveLength(10);
    expect(val.filter((c) => c.tile.x === 386695)).toHaveLength(8);
    expect(
      val
        .filter((c) => c.tile.x === 386694)
        .map((c) => c.tile.y)
        .sort(),
    ).toEqual([220241, 220242]);
    expect(train).toHaveLength(38);
    expect(val.length / chips.length).toBeGreaterThanOrEqual(0.2);
  });

  it('takes tiles from the side asked for', () => {
    const { val } = holdOutBlock(chips, { ratio: 0.25, side: 'south' });
    expect(val).toHaveLength(12);
    expect(new Set(val.map((c) => c.tile.y))).toEqual(new Set([220248, 220247]));
  });

  it('refuses a hold-out that leaves nothing to train on', () => {
    expect(() => holdOutBlock(chips, { ratio: 0.999 })).toThrow(/no tile for training/);
    expect(() => holdOutBlock([], { ratio: 0.2 })).toThrow(AppError);
  });
});
