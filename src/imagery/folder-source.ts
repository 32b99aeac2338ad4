/**
 * @module imagery/folder-source — an ImagerySource over a folder of fAIr chips `OAM-{x}-{y}-{z}.{ext}`, decoded by
 * content (Banepa's `.tif` chips are JPEGs) and cross-checked against their GDAL `.aux.xml` sidecars.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseChipName, tileBounds, tileKey } from '../geo/index.ts';
import type { BBox, Tile } from '../geo/index.ts';
import { AppError, invalid } from '../shared/index.ts';
import { checkChipCorner, checkChipExtent, parseAuxXml } from './aux-xml.ts';
import type { Georeference } from './aux-xml.ts';
import type { ImagerySource } from './imagery-source.ts';
import { decodeImage } from './raster.ts';
import type { RasterRGB } from './raster.ts';

/** One chip of a folder: its tile, file and (when it has a sidecar) georeference. */
export type ChipEntry = { tile: Tile; path: string; georeference: Georeference | undefined };

const CHIP_PATTERN = 'OAM-{x}-{y}-{z}.{png,jpg,jpeg,tif,tiff,webp}';

/**
 * Indexes chip files: parses names, rejects two files for one tile, reads and checks each `.aux.xml` sidecar.
 * @param dir - the folder
 * @param names - file names in it (other names are ignored)
 * @returns the chips in name order
 * @throws AppError INVALID_PARAMETER_VALUE naming the file when two chips claim one tile or a sidecar disagrees with
 *   the tile its name implies
 */
export async function indexChips(dir: string, names: readonly string[]): Promise<ChipEntry[]> {
  const present = new Set(names);
  const byTile = new Map<string, ChipEntry>();
  for (const name of [...names].sort()) {
    const parsed = parseChipName(name);
    if (!parsed) continue;
    const tile: Tile = { x: parsed.x, y: parsed.y, z: parsed.z };
    const path = join(dir, name);
    const earlier = byTile.get(tileKey(tile));
    if (earlier) invalid(`${path} and ${earlier.path} are both chips of tile ${tileKey(tile)}`);
    const sidecar = `${name}.aux.xml`;
    const georeference = present.has(sidecar) ? await readSidecar(join(dir, sidecar), tile, path) : undefined;
    byTile.set(tileKey(tile), { tile, path, georeference });
  }
  return [...byTile.values()];
}

async function readSidecar(
  sidecarPath: string,
  tile: Tile,
  chipPath: string,
): Promise<Georeference | undefined> {
  const georeference = parseAuxXml(await readFile(sidecarPath, 'utf8'), sidecarPath);
  if (georeference) checkChipCorner(georeference, tile, chipPath);
  return georeference;
}

/** Chips from a local folder, each at its native size (Banepa: 512×512 per z19 tile). */
export class FolderSource implements ImagerySource {
  readonly kind = 'folder';
  readonly label: string;
  readonly minzoom: number;
  readonly maxzoom: number;
  readonly bounds: BBox;
  readonly #chips: Map<string, ChipEntry>;

  /**
   * @param label - the folder path
   * @param chips - indexed chips ({@link indexChips}), at least one
   * @throws AppError INVALID_PARAMETER_VALUE when `chips` is empty
   */
  constructor(label: string, chips: readonly ChipEntry[]) {
    if (chips.length === 0) invalid(`${label} has no chips named ${CHIP_PATTERN}`);
    this.label = label;
    this.#chips = new Map(chips.map((c) => [tileKey(c.tile), c]));
    const zooms = chips.map((c) => c.tile.z);
    this.minzoom = Math.min(...zooms);
    this.maxzoom = Math.max(...zooms);
    this.bounds = chips.map((c) => tileBounds(c.tile)).reduce(unionBBox);
  }

  /** The tiles the folder holds, in file-name order. */
  listTiles(): Tile[] {
    return [...this.#chips.values()].map((c) => ({ ...c.tile }));
  }

  /** The chip entry of a tile, when the folder has it. */
  chipOf(tile: Tile): ChipEntry | undefined {
    return this.#chips.get(tileKey(tile));
  }

  /**
   * Reads and decodes one chip by content.
   * @throws AppError RESOURCE_DOES_NOT_EXIST when the folder has no chip for the tile; INVALID_PARAMETER_VALUE naming
   *   the file when it is not an image or its sidecar extent disagrees with its pixel size
   */
  async readTile(tile: Tile, signal?: AbortSignal): Promise<RasterRGB> {
    const chip = this.#chips.get(tileKey(tile));
    if (!chip)
      throw new AppError('RESOURCE_DOES_NOT_EXIST', `tile ${tileKey(tile)} has no chip in ${this.label}`);
    let bytes: Buffer;
    try {
      bytes = await readFile(chip.path, signal ? { signal } : {});
    } catch (error) {
      if (signal?.aborted && signal.reason instanceof Error) throw signal.reason;
      const code = (error as { code?: unknown }).code;
      throw new AppError(
        'RESOURCE_DOES_NOT_EXIST',
        `cannot read chip ${chip.path}: ${String(code ?? error)}`,
      );
    }
    const image = await decodeImage(bytes, chip.path);
    if (chip.georeference) checkChipExtent(chip.georeference, tile, image, chip.path);
    return image;
  }
}

function unionBBox(a: BBox, b: BBox): BBox {
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

/**
 * Opens a folder of chips.
 * @param dir - the folder
 * @throws AppError INVALID_PARAMETER_VALUE when it holds no chip named `OAM-{x}-{y}-{z}.ext`, or as {@link indexChips}
 */
export async function openFolderSource(dir: string): Promise<FolderSource> {
  const names = await readdir(dir);
  return new FolderSource(dir, await indexChips(dir, names));
}

/**
 * Opens a single chip file (named `OAM-{x}-{y}-{z}.ext`) as a one-tile folder source.
 * @param path - the chip path
 * @throws AppError INVALID_PARAMETER_VALUE when the name does not follow the chip convention, or as {@link indexChips}
 */
export async function openChipFileSource(path: string): Promise<FolderSource> {
  const name = basename(path);
  if (!parseChipName(name)) invalid(`${path} is not named ${CHIP_PATTERN}`);
  const dir = dirname(path);
  const siblings = await readdir(dir);
  const names = siblings.filter((n) => n === name || n === `${name}.aux.xml`);
  return new FolderSource(path, await indexChips(dir, names));
}
