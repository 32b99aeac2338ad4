import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../shared/index.ts';
import { DatasetLayout, openDatasetFolder } from './dataset-folder.ts';

let work: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'fair-dataset-folder-'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const files = {
  manifest: { format: 'fair-dataset', chips: [] },
  stacItem: { type: 'Feature' },
  labels: { type: 'FeatureCollection', features: [] },
};

describe('openDatasetFolder', () => {
  it('creates a missing folder and writes dataset.json last, dropping the marker', async () => {
    const dir = path.join(work, 'new', 'nested');
    const writer = await openDatasetFolder(dir);
    expect((await readdir(dir)).sort()).toEqual([DatasetLayout.incomplete, 'chips', 'masks']);
    await writer.commit(files);
    expect((await readdir(dir)).sort()).toEqual([
      'chips',
      'dataset.json',
      'labels.geojson',
      'masks',
      'stac-item.json',
    ]);
    expect(JSON.parse(await readFile(path.join(dir, 'dataset.json'), 'utf8'))).toEqual(files.manifest);
  });

  it('refuses a folder holding other files, and leaves it untouched', async () => {
    await writeFile(path.join(work, 'thesis.docx'), 'precious');
    let error: unknown;
    try {
      await openDatasetFolder(work);
    } catch (e) {
      error = e;
    }
    expect(isAppError(error, 'CONFLICT')).toBe(true);
    expect((error as Error).message).toContain(work);
    expect(await readdir(work)).toEqual(['thesis.docx']);
  });

  it('refuses a dataset.json that is not a fAIr manifest', async () => {
    await writeFile(path.join(work, 'dataset.json'), '{"format":"coco"}');
    await expect(openDatasetFolder(work)).rejects.toThrow(/holds no fAIr dataset/);
  });

  it('refuses a file as the output', async () => {
    const file = path.join(work, 'file');
    await writeFile(file, '');
    await expect(openDatasetFolder(file)).rejects.toThrow(/is not a folder/);
  });

  it('replaces an earlier dataset but keeps files it does not own', async () => {
    const first = await openDatasetFolder(work);
    await writeFile(path.join(work, 'chips', 'old.png'), 'x');
    await first.commit(files);
    await writeFile(path.join(work, 'README.txt'), 'mine');
    const second = await openDatasetFolder(work);
    expect((await readdir(work)).sort()).toEqual([DatasetLayout.incomplete, 'README.txt', 'chips', 'masks']);
    expect(await readdir(path.join(work, 'chips'))).toEqual([]);
    await second.commit(files);
  });

  it('takes over the folder of an interrupted run (marker, no manifest)', async () => {
    await openDatasetFolder(work);
    await writeFile(path.join(work, 'chips', 'half.png'), 'x');
    const again = await openDatasetFolder(work);
    expect(await readdir(path.join(work, 'chips'))).toEqual([]);
    await again.abandon();
  });

  it('abandon removes what the run wrote and a folder it created', async () => {
    const dir = path.join(work, 'made');
    const writer = await openDatasetFolder(dir);
    await mkdir(path.join(dir, 'chips', 'x'), { recursive: true });
    await writer.abandon();
    expect(await readdir(work)).toEqual([]);
    await writeFile(path.join(work, 'keep.txt'), '');
    await mkdir(path.join(work, 'existing'));
    const other = await openDatasetFolder(path.join(work, 'existing'));
    await other.abandon();
    expect((await readdir(work)).sort()).toEqual(['existing', 'keep.txt']);
    expect(await readdir(path.join(work, 'existing'))).toEqual([]);
  });
});
