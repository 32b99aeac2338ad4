/**
 * @module datasets/dataset-folder — the layout of a dataset folder and its safe (re)writing: refuses folders holding
 * unrelated data, replaces an earlier fAIr dataset, and writes `dataset.json` last through a rename so that a crash
 * never leaves a manifest pointing at missing files.
 */
import { mkdir, readdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../shared/index.ts';

/** File and folder names inside a dataset folder. */
export const DatasetLayout = {
  manifest: 'dataset.json',
  stacItem: 'stac-item.json',
  labels: 'labels.geojson',
  chips: 'chips',
  masks: 'masks',
  /** Present while a dataset is being written; marks the folder as ours even before `dataset.json` exists. */
  incomplete: '.fair-dataset-incomplete',
} as const;

const OWNED = [DatasetLayout.stacItem, DatasetLayout.labels, DatasetLayout.chips, DatasetLayout.masks];

/** A dataset folder being written: call `commit` after every chip is on disk, or `abandon` on failure. */
export type DatasetWriter = {
  dir: string;
  /** Writes the side files, then `dataset.json` (through a temporary file and a rename), then drops the marker. */
  commit(files: { manifest: unknown; stacItem: unknown; labels: unknown }): Promise<void>;
  /** Removes what this run wrote (and the folder itself when this run created it). Never throws. */
  abandon(): Promise<void>;
};

/**
 * Opens `dir` for writing a dataset: creates it when missing, accepts it when empty, and clears an earlier fAIr
 * dataset in it (its manifest first, then chips, masks and side files; other files are left alone).
 * @param dir - the output folder
 * @returns a writer with `chips/` and `masks/` created
 * @throws AppError CONFLICT when `dir` is a file, or a non-empty folder that is not a fAIr dataset
 */
export async function openDatasetFolder(dir: string): Promise<DatasetWriter> {
  const created = await ensureFolder(dir);
  if (!created) await clearEarlierDataset(dir);
  await writeFile(join(dir, DatasetLayout.incomplete), 'fAIr dataset being written\n');
  await mkdir(join(dir, DatasetLayout.chips), { recursive: true });
  await mkdir(join(dir, DatasetLayout.masks), { recursive: true });
  return {
    dir,
    async commit({ manifest, stacItem, labels }) {
      await writeFile(join(dir, DatasetLayout.labels), JSON.stringify(labels));
      await writeFile(join(dir, DatasetLayout.stacItem), `${JSON.stringify(stacItem, null, 2)}\n`);
      const temporary = join(dir, `${DatasetLayout.manifest}.tmp`);
      await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
      await rename(temporary, join(dir, DatasetLayout.manifest));
      await rm(join(dir, DatasetLayout.incomplete), { force: true });
    },
    async abandon() {
      await removeOwned(dir).catch(() => undefined);
      await rm(join(dir, `${DatasetLayout.manifest}.tmp`), { force: true }).catch(() => undefined);
      await rm(join(dir, DatasetLayout.incomplete), { force: true }).catch(() => undefined);
      if (created) await rmdir(dir).catch(() => undefined);
    },
  };
}

/** Creates the folder when missing; true when this call created it. */
async function ensureFolder(dir: string): Promise<boolean> {
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined) {
    await mkdir(dir, { recursive: true });
    return true;
  }
  if (!info.isDirectory()) throw new AppError('CONFLICT', `output ${dir} exists and is not a folder`);
  return false;
}

async function clearEarlierDataset(dir: string): Promise<void> {
  const names = await readdir(dir);
  if (names.length === 0) return;
  if (!(await isFairDatasetFolder(dir, names)))
    throw new AppError(
      'CONFLICT',
      `output folder ${dir} is not empty and holds no fAIr dataset; choose an empty or new folder`,
    );
  await rm(join(dir, DatasetLayout.manifest), { force: true });
  await removeOwned(dir);
}

async function removeOwned(dir: string): Promise<void> {
  for (const name of OWNED) await rm(join(dir, name), { recursive: true, force: true });
}

/** A folder is ours when it has a fAIr manifest or the marker of an interrupted run. */
async function isFairDatasetFolder(dir: string, names: readonly string[]): Promise<boolean> {
  if (names.includes(DatasetLayout.incomplete)) return true;
  if (!names.includes(DatasetLayout.manifest)) return false;
  try {
    const manifest = JSON.parse(await readFile(join(dir, DatasetLayout.manifest), 'utf8')) as {
      format?: unknown;
    };
    return manifest.format === 'fair-dataset';
  } catch {
    return false;
  }
}
