/**
 * @module datasets/read-dataset — reads a dataset folder back: the validated manifest and each chip's image and
 * mask, checked against the manifest (what the training engine consumes).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RasterRGB } from '../imagery/index.ts';
import { AppError, invalid } from '../shared/index.ts';
import { DatasetLayout } from './dataset-folder.ts';
import { datasetManifestSchema, maxClassValue, type ChipEntry, type DatasetManifest } from './manifest.ts';

/**
 * Reads and validates `<dir>/dataset.json`.
 * @param dir - the dataset folder
 * @returns the manifest
 * @throws AppError RESOURCE_DOES_NOT_EXIST when the folder has no dataset.json; AppError INVALID_PARAMETER_VALUE
 *   naming the file and the first bad field when it is not JSON or not a fAIr dataset manifest
 * @example
 * const manifest = await readDataset('datasets/banepa');
 * for (const entry of manifest.chips) { const { image, mask } = await loadChip('datasets/banepa', entry); }
 */
export async function readDataset(dir: string): Promise<DatasetManifest> {
  const path = join(dir, DatasetLayout.manifest);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new AppError(
      'RESOURCE_DOES_NOT_EXIST',
      `${path} does not exist: ${dir} is not a fAIr dataset folder`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    invalid(`${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = datasetManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? issue.path.join('.') : '(root)';
    invalid(`${path}: field ${field}: ${issue?.message ?? 'invalid'}`);
  }
  const manifest = parsed.data as DatasetManifest;
  checkConsistency(manifest, path);
  return manifest;
}

function checkConsistency(manifest: DatasetManifest, path: string): void {
  const ids = new Set<string>();
  const values = new Set(manifest.classes.map((c) => c.value));
  if (!values.has(0)) invalid(`${path}: field classes: has no background class 0`);
  manifest.chips.forEach((chip, i) => {
    if (ids.has(chip.id)) invalid(`${path}: field chips.${i}.id: duplicate chip id ${chip.id}`);
    ids.add(chip.id);
    if (!manifest.zooms.includes(chip.tile.z))
      invalid(`${path}: field chips.${i}.tile.z: zoom ${chip.tile.z} is not among the dataset zooms`);
  });
}

/**
 * Loads one chip: its RGB image and its mask, both `chipSize` square.
 * @param dir - the dataset folder
 * @param entry - the chip's manifest entry
 * @param chipSize - expected size; default: the image's own size, which the mask must match
 * @returns the image and the mask (`size²` class values, row-major)
 * @throws AppError RESOURCE_DOES_NOT_EXIST when a file is missing; AppError INVALID_PARAMETER_VALUE naming the file
 *   when it is not a PNG, has the wrong size, or a mask is not single-band
 */
export async function loadChip(
  dir: string,
  entry: ChipEntry,
  chipSize?: number,
): Promise<{ image: RasterRGB; mask: Uint8Array }> {
  const [image, mask] = await Promise.all([
    decodeFile(join(dir, entry.image), 3),
    decodeFile(join(dir, entry.mask), 1),
  ]);
  const size = chipSize ?? image.width;
  for (const [what, raster] of [
    [entry.image, image],
    [entry.mask, mask],
  ] as const)
    if (raster.width !== size || raster.height !== size)
      invalid(`chip ${entry.id}: ${what} is ${raster.width}x${raster.height}, expected ${size}x${size}`);
  return { image, mask: mask.data };
}

/**
 * Loads a chip of a dataset and checks it against the manifest (size, and mask values among its classes).
 * @param dir - the dataset folder
 * @param manifest - the dataset's manifest
 * @param entry - one of `manifest.chips`
 * @returns the image and the mask
 * @throws AppError as `loadChip`, plus INVALID_PARAMETER_VALUE when a mask value is not a class of the dataset
 */
export async function loadDatasetChip(
  dir: string,
  manifest: DatasetManifest,
  entry: ChipEntry,
): Promise<{ image: RasterRGB; mask: Uint8Array }> {
  const chip = await loadChip(dir, entry, manifest.chipSize);
  const max = maxClassValue(manifest);
  for (const value of chip.mask)
    if (value > max)
      invalid(`chip ${entry.id}: ${entry.mask} has value ${value}, above the largest class ${max}`);
  return chip;
}

async function decodeFile(path: string, channels: 1 | 3): Promise<RasterRGB> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    throw new AppError('RESOURCE_DOES_NOT_EXIST', `dataset file ${path} does not exist`);
  }
  try {
    const image = sharp(bytes, { failOn: 'error' });
    const { channels: stored } = await image.metadata();
    if (channels === 1 && stored !== 1) invalid(`mask ${path} has ${stored} bands, expected 1`);
    // sharp widens one-band images to sRGB on raw output unless told to stay b-w.
    const pipeline = channels === 3 ? image.removeAlpha().toColourspace('srgb') : image.toColourspace('b-w');
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== channels)
      invalid(`${path} decoded to ${info.channels} bands, expected ${channels}`);
    return {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    };
  } catch (error) {
    if (error instanceof AppError) throw error;
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    return invalid(`dataset file ${path} is not a readable image: ${reason}`);
  }
}
