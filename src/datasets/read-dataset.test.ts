import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../shared/index.ts';
import { writeChipPng, writeMaskPng } from './chip-raster.ts';
import { classesOf, type DatasetManifest } from './manifest.ts';
import { loadChip, loadDatasetChip, readDataset } from './read-dataset.ts';

let dir: string;

function manifest(): DatasetManifest {
  return {
    format: 'fair-dataset',
    version: 1,
    created: '2026-01-01T00:00:00.000Z',
    chipSize: 8,
    maskKind: 'binary',
    classes: classesOf('binary'),
    zooms: [19],
    offset: [0, 0],
    imagery: 'chips/',
    boundaryWidth: 2,
    contactSpacing: 4,
    bounds: [0, 0, 1, 1],
    chips: [
      {
        id: 'a',
        tile: { x: 1, y: 2, z: 19 },
        bounds: [0, 0, 1, 1],
        image: 'chips/a.png',
        mask: 'masks/a.png',
        buildings: 1,
      },
    ],
  };
}

async function writeManifest(value: unknown): Promise<void> {
  await writeFile(path.join(dir, 'dataset.json'), typeof value === 'string' ? value : JSON.stringify(value));
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fair-read-dataset-'));
  await mkdir(path.join(dir, 'chips'));
  await mkdir(path.join(dir, 'masks'));
  const image = new Uint8Array(8 * 8 * 3).map((_, i) => i % 251);
  const mask = new Uint8Array(64).map((_, i) => (i % 3 === 0 ? 1 : 0));
  await writeChipPng(path.join(dir, 'chips/a.png'), { width: 8, height: 8, data: image });
  await writeMaskPng(path.join(dir, 'masks/a.png'), mask, 8);
  await writeManifest(manifest());
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readDataset', () => {
  it('reads a valid manifest', async () => {
    expect(await readDataset(dir)).toEqual(manifest());
  });

  it('names a folder without dataset.json', async () => {
    let error: unknown;
    try {
      await readDataset(path.join(dir, 'chips'));
    } catch (e) {
      error = e;
    }
    expect(isAppError(error, 'RESOURCE_DOES_NOT_EXIST')).toBe(true);
    expect((error as Error).message).toMatch(/chips\/dataset\.json does not exist/);
  });

  it('names the file when it is not JSON', async () => {
    await writeManifest('{"format": ');
    await expect(readDataset(dir)).rejects.toThrow(/dataset\.json is not valid JSON/);
  });

  it('names the first bad field', async () => {
    const bad = manifest() as unknown as { chips: { bounds: unknown }[] };
    (bad.chips[0] as { bounds: unknown }).bounds = [0, 0, 1];
    await writeManifest(bad);
    await expect(readDataset(dir)).rejects.toThrow(/dataset\.json: field chips\.0\.bounds/);
    await writeManifest({ ...manifest(), format: 'coco' });
    await expect(readDataset(dir)).rejects.toThrow(/field format/);
  });

  it('refuses chip paths outside the folder and duplicate ids', async () => {
    const escaping = manifest();
    (escaping.chips[0] as { image: string }).image = '../../etc/passwd';
    await writeManifest(escaping);
    await expect(readDataset(dir)).rejects.toThrow(
      /chips\.0\.image: must be a path inside the dataset folder/,
    );
    const twice = manifest();
    twice.chips.push({ ...(twice.chips[0] as DatasetManifest['chips'][number]) });
    await writeManifest(twice);
    await expect(readDataset(dir)).rejects.toThrow(/duplicate chip id a/);
  });
});

describe('loadChip', () => {
  it('loads the image and the single-band mask with their values', async () => {
    const m = await readDataset(dir);
    const { image, mask } = await loadDatasetChip(dir, m, m.chips[0] as never);
    expect(image.width).toBe(8);
    expect(image.data[5]).toBe(5);
    expect([...mask.subarray(0, 4)]).toEqual([1, 0, 0, 1]);
  });

  it('refuses a mask whose size differs from the image', async () => {
    await writeMaskPng(path.join(dir, 'masks/a.png'), new Uint8Array(16), 4);
    await expect(loadChip(dir, manifest().chips[0] as never)).rejects.toThrow(
      /chip a: masks\/a\.png is 4x4, expected 8x8/,
    );
  });

  it('refuses a chip of the wrong size for the dataset', async () => {
    const m = { ...manifest(), chipSize: 16 };
    await expect(loadDatasetChip(dir, m, m.chips[0] as never)).rejects.toThrow(
      /chips\/a\.png is 8x8, expected 16x16/,
    );
  });

  it('refuses an RGB mask, a file that is not an image, and a missing file', async () => {
    await sharp(new Uint8Array(64 * 3), { raw: { width: 8, height: 8, channels: 3 } })
      .png()
      .toFile(path.join(dir, 'masks/a.png'));
    await expect(loadChip(dir, manifest().chips[0] as never)).rejects.toThrow(
      /masks\/a\.png has 3 bands, expected 1/,
    );
    await writeFile(path.join(dir, 'masks/a.png'), 'not a png');
    await expect(loadChip(dir, manifest().chips[0] as never)).rejects.toThrow(
      /masks\/a\.png is not a readable image/,
    );
    await rm(path.join(dir, 'chips/a.png'));
    await expect(loadChip(dir, manifest().chips[0] as never)).rejects.toThrow(/chips\/a\.png does not exist/);
  });

  it('refuses mask values above the largest class', async () => {
    await writeMaskPng(path.join(dir, 'masks/a.png'), new Uint8Array(64).fill(3), 8);
    const m = manifest();
    await expect(loadDatasetChip(dir, m, m.chips[0] as never)).rejects.toThrow(
      /has value 3, above the largest class 1/,
    );
  });
});
