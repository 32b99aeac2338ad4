/**
 * @module ml/trainer/dataset-split — the spatial train/validation split of a dataset's chips, shared by training and
 * `fair evaluate --val-ratio` so both score the same validation chips (issue 3 §4).
 */
import type { ChipEntry, DatasetManifest } from '../../datasets/index.ts';
import { invalid } from '../../shared/index.ts';
import { spatialSplit } from '../train/index.ts';

/**
 * Splits chips spatially: whole blocks of 2×2 tiles go to validation in seeded order until `valRatio` of the chips
 * are there; when one block holds every chip, single tiles are used instead. Both sides keep manifest order.
 * @param manifest - the dataset manifest
 * @param dir - the dataset folder (for messages)
 * @param valRatio - share of chips to validate on, in (0, 1)
 * @param seed - seed of the block order
 * @returns training and validation chips, both non-empty
 * @throws AppError INVALID_PARAMETER_VALUE when all chips lie on one tile (no spatial split is possible) or for a bad
 *   ratio or seed
 */
export function splitDatasetChips(
  manifest: DatasetManifest,
  dir: string,
  valRatio: number,
  seed: number,
): { train: ChipEntry[]; val: ChipEntry[] } {
  if (manifest.chips.length === 0) invalid(`dataset ${dir} has no chips`);
  for (const blockSize of [2, 1]) {
    const split = spatialSplit(manifest.chips, { valRatio, seed, blockSize });
    if (split.val.length > 0 && split.train.length > 0) return split;
  }
  return invalid(
    `dataset ${dir}: its ${manifest.chips.length} chips lie on one tile, so no spatial validation split is possible; add tiles`,
  );
}
