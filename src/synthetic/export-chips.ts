/**
 * @module synthetic/export-chips — writes a synthetic scene over a bbox as fAIr chips (`OAM-{x}-{y}-{z}.png`) plus
 * the truth footprints of the chips' extent as `buildings.geojson`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chipName, tileBounds, tilesInBBox, type BBox, type Tile } from '../geo/index.ts';
import { AppError, silentProgress, type Progress } from '../shared/index.ts';
import { encodeRaster, type SyntheticImageFormat } from './encode-image.ts';
import { assertBBox, syntheticBuildings } from './footprints.ts';
import { renderSyntheticTile } from './render-tile.ts';
import type { SyntheticScene } from './scene.ts';

/** Most chips one export writes. */
export const MAX_EXPORT_CHIPS = 50_000;

/** What an export wrote. */
export type SyntheticExport = {
  /** The chips, in row order. */
  tiles: Tile[];
  /** Extent of the chips `[w, s, e, n]`; `buildings.geojson` holds every building meeting it. */
  extent: BBox;
  buildingCount: number;
  buildingsFile: string;
};

/**
 * Renders every tile of `zoom` meeting `bbox` into `outDir` and writes the footprints meeting the tiles' extent.
 * @param scene - the scene
 * @param options - bbox `[w, s, e, n]`, zoom, outDir, tileSize (default 256), format (default png), progress
 *   (default silent)
 * @returns the tiles written and the footprint count
 * @throws AppError INVALID_PARAMETER_VALUE for a bad bbox or zoom; LIMIT_EXCEEDED above 50 000 chips
 */
export async function exportSyntheticChips(
  scene: SyntheticScene,
  options: {
    bbox: BBox;
    zoom: number;
    outDir: string;
    tileSize?: number;
    format?: SyntheticImageFormat;
    progress?: Progress;
  },
): Promise<SyntheticExport> {
  const { bbox, zoom, outDir } = options;
  const format = options.format ?? 'png';
  const progress = options.progress ?? silentProgress;
  assertBBox(bbox);
  const tiles = tilesInBBox(bbox, zoom);
  if (tiles.length > MAX_EXPORT_CHIPS)
    throw new AppError(
      'LIMIT_EXCEEDED',
      `bbox ${bbox.join(',')} at zoom ${zoom} is ${tiles.length} chips (limit ${MAX_EXPORT_CHIPS})`,
    );
  await mkdir(outDir, { recursive: true });
  progress.start(tiles.length, 'chips');
  for (const tile of tiles) {
    const raster = renderSyntheticTile(scene, tile, options.tileSize ?? 256);
    await writeFile(
      join(outDir, chipName(tile, format === 'png' ? 'png' : 'jpg')),
      await encodeRaster(raster, format),
    );
    progress.tick();
  }
  const first = tileBounds(tiles[0] as Tile);
  const last = tileBounds(tiles[tiles.length - 1] as Tile);
  const extent: BBox = [first[0], last[1], last[2], first[3]];
  const buildings = syntheticBuildings(scene, extent);
  const buildingsFile = join(outDir, 'buildings.geojson');
  await writeFile(buildingsFile, JSON.stringify(buildings));
  progress.done(`${buildings.features.length} buildings`);
  return { tiles, extent, buildingCount: buildings.features.length, buildingsFile };
}
