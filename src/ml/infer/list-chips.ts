/**
 * @module ml/infer/list-chips — the chips `predict-chips` reads: the images of a folder (`OAM-{x}-{y}-{z}.png|jpg|tif`
 * or any other image names), or the chips of a fAIr dataset folder (its `dataset.json`) (issue 3, §6).
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { DatasetLayout, readDataset } from '../../datasets/index.ts';
import { parseChipName } from '../../geo/index.ts';
import type { Tile } from '../../geo/index.ts';
import { AppError, invalid } from '../../shared/index.ts';

/** One chip to predict. */
export type ChipSource = {
  /** Output stem: the file name without its extension, or the dataset chip id. */
  id: string;
  /** Path of the image file. */
  path: string;
  /** The XYZ tile the chip stands for, when its name or manifest says so. */
  tile?: Tile;
  /** Window of the tile, for dataset chips cut from a larger tile. */
  window?: { col: number; row: number; of: number };
};

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.webp']);
/** Outputs of an earlier run into the same folder; never read back as chips. */
const OUTPUT_SUFFIXES = ['.prob.png', '.mask.png'];

function isChipFile(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.has(extname(lower)) && !OUTPUT_SUFFIXES.some((s) => lower.endsWith(s));
}

async function listFolder(dir: string): Promise<ChipSource[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const chips: ChipSource[] = [];
  const seen = new Map<string, string>();
  for (const entry of entries
    .filter((e) => e.isFile() && isChipFile(e.name))
    .sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const id = entry.name.slice(0, -extname(entry.name).length);
    const earlier = seen.get(id);
    if (earlier !== undefined)
      invalid(`${dir} holds two chips named ${id} (${earlier} and ${entry.name}); keep one`);
    seen.set(id, entry.name);
    const parsed = parseChipName(entry.name);
    chips.push({
      id,
      path: join(dir, entry.name),
      ...(parsed === undefined ? {} : { tile: { x: parsed.x, y: parsed.y, z: parsed.z } }),
    });
  }
  return chips;
}

async function listDataset(dir: string): Promise<ChipSource[]> {
  const manifest = await readDataset(dir);
  return manifest.chips.map((c) => ({
    id: c.id,
    path: join(dir, c.image),
    tile: { ...c.tile },
    ...(c.window === undefined ? {} : { window: { ...c.window } }),
  }));
}

/**
 * Lists the chips of a folder: the chips of its `dataset.json` when it is a fAIr dataset, otherwise its PNG, JPEG,
 * TIFF and WebP files (by name; `*.prob.png` and `*.mask.png` outputs are left out), sorted by name.
 * @param dir - the folder
 * @returns the chips, at least one
 * @throws AppError RESOURCE_DOES_NOT_EXIST when `dir` is missing or not a folder; INVALID_PARAMETER_VALUE when it holds
 *   no chips, two chips with the same stem, or an invalid `dataset.json`
 */
export async function listChips(dir: string): Promise<ChipSource[]> {
  const info = await stat(dir).catch(() => undefined);
  if (info === undefined || !info.isDirectory())
    throw new AppError('RESOURCE_DOES_NOT_EXIST', `chips folder ${dir} does not exist or is not a folder`);
  const isDataset = await stat(join(dir, DatasetLayout.manifest)).then(
    (s) => s.isFile(),
    () => false,
  );
  const chips = isDataset ? await listDataset(dir) : await listFolder(dir);
  if (chips.length === 0) invalid(`chips folder ${dir} holds no PNG, JPEG, TIFF or WebP chips`);
  return chips;
}
