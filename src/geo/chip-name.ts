/** @module geo/chip-name — fAIr's chip file naming convention `OAM-{x}-{y}-{z}.{ext}`. */
import type { Tile } from './tile-math.ts';

const CHIP_NAME = /^OAM-(\d+)-(\d+)-(\d+)\.(png|jpe?g|tiff?|webp)$/i;

/** The tile a chip file name stands for, or undefined when the name does not follow the convention. */
export function parseChipName(fileName: string): (Tile & { ext: string }) | undefined {
  const m = CHIP_NAME.exec(fileName);
  if (!m) return undefined;
  return { x: Number(m[1]), y: Number(m[2]), z: Number(m[3]), ext: (m[4] ?? '').toLowerCase() };
}

/** The chip file name of a tile, e.g. `OAM-386690-220241-19.png`. */
export function chipName(tile: Tile, ext = 'png'): string {
  return `OAM-${tile.x}-${tile.y}-${tile.z}.${ext}`;
}
