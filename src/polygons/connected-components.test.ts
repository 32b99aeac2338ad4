import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/index.ts';
import { instanceAreas, labelComponents } from './connected-components.ts';
import { LabelWorkspace } from './label-workspace.ts';
import { picture } from './test-support/raster.ts';
import { floodLabels, randomClassMap } from './test-support/reference-labelling.ts';

describe('labelComponents', () => {
  it('keeps diagonal neighbours apart with 4-connectivity and joins them with 8', () => {
    const { mask, width, height } = picture(['x...', '.x..', '..xx', '....']);
    expect(labelComponents(mask, { width, height }).count).toBe(3);
    expect(labelComponents(mask, { width, height }, { connectivity: 8 }).count).toBe(1);
  });

  it('numbers instances in raster order of their first pixel and labels concave shapes whole', () => {
    const { mask } = picture(['x.x.y', 'x.x.y', 'xxx.y', '.....', 'zzzzz']);
    const { labels, count } = labelComponents(mask, 5);
    expect(count).toBe(3);
    expect([labels[0], labels[2], labels[4], labels[20]]).toEqual([1, 1, 2, 3]);
    expect([...instanceAreas({ labels, width: 5, height: 5, count })]).toEqual([10, 7, 3, 5]);
  });

  it('labels a spiral as one component', () => {
    const { mask } = picture(['xxxxxxx', '......x', 'xxxxx.x', 'x...x.x', 'x.xxx.x', 'x.....x', 'xxxxxxx']);
    expect(labelComponents(mask, 7).count).toBe(1);
  });

  it('labels only the classes asked for', () => {
    const { mask } = picture(['11.22', '11.22', '.....', '33333', '.....']);
    expect(labelComponents(mask, 5, { positive: [1, 2] }).count).toBe(2);
    expect(labelComponents(mask, 5, { positive: 3 }).count).toBe(1);
  });

  it('handles an empty mask, a full mask and non-square rasters', () => {
    expect(labelComponents(new Uint8Array(6), { width: 3, height: 2 }).count).toBe(0);
    expect(labelComponents(new Uint8Array(6).fill(1), { width: 3, height: 2 }).count).toBe(1);
  });

  it('labels a 512x512 chessboard of single pixels (many small instances) exactly', () => {
    const size = 512;
    const mask = Uint8Array.from({ length: size * size }, (_, i) => ((i % size) + Math.floor(i / size)) % 2);
    expect(labelComponents(mask, size).count).toBe((size * size) / 2);
    expect(labelComponents(mask, size, { connectivity: 8 }).count).toBe(1);
  });

  it('matches a pixel-by-pixel flood fill on random masks, with and without a reused workspace', () => {
    const workspace = new LabelWorkspace();
    const sizes = [
      [64, 48],
      [37, 23],
      [1, 40],
      [40, 1],
      [5, 7],
    ] as const;
    sizes.forEach(([width, height], seed) => {
      const dense = randomClassMap(seed, width, height, [0, 1, 2]);
      const sparse = randomClassMap(seed, width, height, [0, 0, 0, 0, 0, 0, 0, 1]);
      // A mask not aligned to 4 bytes is read pixel by pixel, an aligned one skips background 4 pixels at a time.
      const unaligned = new Uint8Array(sparse.length + 1).subarray(1);
      unaligned.set(sparse);
      for (const mask of [dense, sparse, unaligned])
        for (const connectivity of [4, 8] as const) {
          const expected = floodLabels(mask, width, height, [1], connectivity);
          const options = { positive: 1, connectivity };
          expect(labelComponents(mask, { width, height }, options)).toEqual(expected);
          const reused = labelComponents(mask, { width, height }, { ...options, workspace });
          expect({ ...reused, labels: [...reused.labels] }).toEqual({
            ...expected,
            labels: [...expected.labels],
          });
        }
    });
  });

  it('rejects a size that does not match the mask and a bad connectivity', () => {
    expect(() => labelComponents(new Uint8Array(10), 3)).toThrow(/10 pixels; 3x3 needs 9/);
    expect(() => labelComponents(new Uint8Array(9), 3, { connectivity: 6 as 4 })).toThrow(AppError);
  });
});
