import { describe, expect, it } from 'vitest';
import { MaskValue } from '../datasets/index.ts';
import { AppError } from '../shared/index.ts';
import {
  MULTICLASS,
  instanceClassMap,
  instancesFromBinary,
  instancesFromMulticlass,
} from './multiclass-instances.ts';
import type { LabelImage } from './connected-components.ts';
import { LabelWorkspace } from './label-workspace.ts';
import { labelPicture, picture } from './test-support/raster.ts';
import { floodLabels, growRounds, randomClassMap } from './test-support/reference-labelling.ts';

/** Two 4x4 buildings sharing a wall: 2 = boundary ring, 3 = contact along the shared wall, 1 = interior. */
const touching = picture([
  '..........',
  '.22233222.',
  '.21133112.',
  '.21133112.',
  '.22233222.',
  '..........',
]);
const truth = labelPicture([
  '..........',
  '.aaaabbbb.',
  '.aaaabbbb.',
  '.aaaabbbb.',
  '.aaaabbbb.',
  '..........',
]);
const size = { width: 10, height: 6 };

/** Seeds of at least `minArea` pixels, renumbered in order. */
function keepLarge(seeds: LabelImage, minArea: number): LabelImage {
  const areas = new Map<number, number>();
  for (const l of seeds.labels) areas.set(l, (areas.get(l) ?? 0) + 1);
  const remap = new Map<number, number>();
  for (let l = 1; l <= seeds.count; l++) if ((areas.get(l) ?? 0) >= minArea) remap.set(l, remap.size + 1);
  return { ...seeds, labels: seeds.labels.map((l) => remap.get(l) ?? 0), count: remap.size };
}

describe('instancesFromMulticlass', () => {
  it('uses the class values the datasets write', () => {
    expect(MULTICLASS).toEqual(MaskValue);
  });

  it('separates touching buildings that binary connected components merge', () => {
    const binary = instancesFromBinary(touching.mask, size);
    expect(binary.count).toBe(1);
    const instances = instancesFromMulticlass(touching.mask, size, { growPx: 2 });
    expect(instances.count).toBe(2);
    expect([...instances.labels]).toEqual([...truth.labels]);
  });

  it('grows seeds back over the boundary and contact pixels', () => {
    const { labels } = instancesFromMulticlass(touching.mask, size, { growPx: 2 });
    expect([...labels.subarray(10, 20)]).toEqual([0, 1, 1, 1, 1, 2, 2, 2, 2, 0]);
  });

  it('grows by at most growPx pixels', () => {
    const strip = picture(['12222']);
    expect([...instancesFromMulticlass(strip.mask, { width: 5, height: 1 }, { growPx: 2 }).labels]).toEqual([
      1, 1, 1, 0, 0,
    ]);
    expect([...instancesFromMulticlass(strip.mask, { width: 5, height: 1 }, { growPx: 0 }).labels]).toEqual([
      1, 0, 0, 0, 0,
    ]);
  });

  it('gives a pixel between two seeds to the nearer one, a tie to the lower label', () => {
    const row = picture(['1222221', '1222221']);
    const { labels } = instancesFromMulticlass(row.mask, { width: 7, height: 2 }, { growPx: 3 });
    expect([...labels.subarray(0, 7)]).toEqual([1, 1, 1, 1, 2, 2, 2]);
  });

  it('drops seeds smaller than minSeedArea', () => {
    const specks = picture(['1.11', '..11']);
    expect(instancesFromMulticlass(specks.mask, { width: 4, height: 2 }, { minSeedArea: 2 }).count).toBe(1);
  });

  it('matches round-by-round growth of flood-filled seeds on random class maps, with a reused workspace too', () => {
    const workspace = new LabelWorkspace();
    const cases = [
      { width: 48, height: 40, growPx: 2, connectivity: 4, minSeedArea: 1 },
      { width: 31, height: 17, growPx: 3, connectivity: 8, minSeedArea: 1 },
      { width: 40, height: 30, growPx: 2, connectivity: 4, minSeedArea: 3 },
      { width: 1, height: 30, growPx: 1, connectivity: 4, minSeedArea: 1 },
      { width: 30, height: 1, growPx: 2, connectivity: 4, minSeedArea: 1 },
    ] as const;
    cases.forEach(({ width, height, growPx, connectivity, minSeedArea }, seed) => {
      const classMap = randomClassMap(seed, width, height, [0, 0, 1, 1, 2, 3]);
      const seeds = keepLarge(floodLabels(classMap, width, height, [1], connectivity), minSeedArea);
      const expected = growRounds(seeds, classMap, [1, 2, 3], growPx);
      const options = { growPx, connectivity, minSeedArea };
      expect(instancesFromMulticlass(classMap, { width, height }, options)).toEqual(expected);
      const reused = instancesFromMulticlass(classMap, { width, height }, { ...options, workspace });
      expect([...reused.labels]).toEqual([...expected.labels]);
    });
  });

  it('rejects bad options', () => {
    expect(() => instancesFromMulticlass(touching.mask, size, { growPx: -1 })).toThrow(/growPx/);
    expect(() => instancesFromMulticlass(touching.mask, 7)).toThrow(AppError);
  });
});

describe('instanceClassMap', () => {
  /** Probabilities of pixels given as [background, footprint, boundary, contact] rows. */
  const pixels = (...rows: number[][]): Float32Array => {
    const out = new Float32Array(4 * rows.length);
    rows.forEach((row, i) => row.forEach((v, c) => (out[c * rows.length + i] = v)));
    return out;
  };

  it('seeds at footprint ≥ 0.5, keeps other building pixels as their most probable foreground class', () => {
    const p = pixels(
      [0.6, 0.3, 0.05, 0.05], // background: building probability 0.4 < 0.5
      [0.1, 0.5, 0.2, 0.2], // seed
      [0.2, 0.45, 0.3, 0.05], // footprint most probable but unsure: boundary, not a seed
      [0.2, 0.3, 0.2, 0.3], // contact only where it beats footprint and boundary: a tie stays boundary
      [0.1, 0.2, 0.3, 0.4], // contact
    );
    expect([...instanceClassMap(p, 4)]).toEqual([0, 1, 2, 2, 3]);
    expect([...instanceClassMap(p, 4, 0.85)]).toEqual([0, 1, 0, 0, 3]);
  });

  it('refuses channels that do not fit and a confidence outside (0, 1]', () => {
    expect(() => instanceClassMap(new Float32Array(9), 4)).toThrow(/do not split into 4 channels/);
    expect(() => instanceClassMap(new Float32Array(4), 1)).toThrow(/2 or more/);
    expect(() => instanceClassMap(new Float32Array(8), 4, 0)).toThrow(/confidence 0/);
  });
});
