/**
 * @module ml/trainer/test-support/synthetic-dataset — small synthetic datasets for the trainer tests: a block of
 * tiles of a seeded synthetic scene rendered at the chip size, its truth footprints, prepared by `prepareDataset`.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { prepareDataset } from '../../../datasets/index.ts';
import type { DatasetManifest, MaskKind } from '../../../datasets/index.ts';
import { lonLatToTile, tileBounds } from '../../../geo/index.ts';
import type { BBox } from '../../../geo/index.ts';
import { openImagerySource } from '../../../imagery/index.ts';
import { readLabelFile } from '../../../labels/index.ts';
import { createSyntheticScene, exportSyntheticChips } from '../../../synthetic/index.ts';

/** Options of {@link createSyntheticDataset}. */
export type SyntheticDatasetOptions = {
  /** Scene seed, default 42 (a built-up centre). */
  seed?: number;
  /** Zoom of the tiles, default 20 (0.6 m per pixel at 64 px). */
  zoom?: number;
  /** Tiles per side of the square block, default 4. */
  tilesPerSide?: number;
  /** Chip (and rendered tile) size, default 64. */
  chipSize?: number;
  maskKind?: MaskKind;
  /** Tile offset of the block's north-west corner from the scene centre's tile, default [0, 0]. */
  shift?: [number, number];
};

/**
 * Renders a block of synthetic tiles and prepares a dataset from them in `<dir>/dataset` (chips in `<dir>/tiles`).
 * @param dir - a scratch folder
 * @param options - see {@link SyntheticDatasetOptions}
 * @returns the dataset folder and its manifest
 */
export async function createSyntheticDataset(
  dir: string,
  options: SyntheticDatasetOptions = {},
): Promise<{ datasetDir: string; manifest: DatasetManifest }> {
  const zoom = options.zoom ?? 20;
  const side = options.tilesPerSide ?? 4;
  const chipSize = options.chipSize ?? 64;
  const scene = createSyntheticScene({ seed: options.seed ?? 42, extentKm: 1 });
  const centre = lonLatToTile(scene.center[0], scene.center[1], zoom);
  const [dx, dy] = options.shift ?? [0, 0];
  const first = tileBounds({ x: centre.x + dx, y: centre.y + dy, z: zoom });
  const last = tileBounds({ x: centre.x + dx + side - 1, y: centre.y + dy + side - 1, z: zoom });
  // Tile centres, so that tilesInBBox takes exactly the side × side block.
  const bbox: BBox = [
    (first[0] + first[2]) / 2,
    (last[1] + last[3]) / 2,
    (last[0] + last[2]) / 2,
    (first[1] + first[3]) / 2,
  ];
  const tilesDir = join(dir, 'tiles');
  await rm(tilesDir, { recursive: true, force: true });
  const exported = await exportSyntheticChips(scene, { bbox, zoom, outDir: tilesDir, tileSize: chipSize });
  const { labels } = await readLabelFile(exported.buildingsFile);
  const imagery = await openImagerySource(tilesDir);
  const datasetDir = join(dir, 'dataset');
  const manifest = await prepareDataset({
    imagery,
    labels,
    zooms: [zoom],
    out: datasetDir,
    chipSize,
    maskKind: options.maskKind ?? 'binary',
  });
  return { datasetDir, manifest };
}
