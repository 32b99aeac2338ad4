/**
 * @module datasets/chip-raster — cuts a decoded tile into chip rasters (windows at native resolution, or one
 * resampled chip) and writes chips and masks as PNG with sharp.
 */
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { RasterRGB } from '../imagery/index.ts';
import { tileKey, type Tile } from '../geo/index.ts';
import { invalid } from '../shared/index.ts';
import type { TileSplit } from './chip-frame.ts';

/**
 * zlib levels for written PNGs, chosen by measurement on the Banepa chips (issue 2 §8): photo chips barely shrink past
 * level 1 while costing several times the CPU; masks are long runs that compress well even at a fast level.
 */
const CHIP_PNG = { compressionLevel: 1, adaptiveFiltering: true } as const;
const MASK_PNG = { compressionLevel: 6, adaptiveFiltering: false } as const;

/**
 * Cuts a tile raster into the chip rasters of `split`, row by row from the north-west (the order of
 * `framesOfTile`). The tile is resampled first when `split.resampleTo` differs from its size.
 * @param tile - the tile (for error messages)
 * @param image - the decoded tile; must be square
 * @param split - windows per side and the size to resample to
 * @returns `split.of²` rasters of `resampleTo / of` pixels square
 * @throws AppError INVALID_PARAMETER_VALUE when the tile is not square
 */
export async function cutTile(tile: Tile, image: RasterRGB, split: TileSplit): Promise<RasterRGB[]> {
  if (image.width !== image.height)
    invalid(`imagery tile ${tileKey(tile)} is ${image.width}x${image.height} pixels, expected a square tile`);
  const source = split.resampleTo === image.width ? image : await resample(image, split.resampleTo);
  if (split.of === 1) return [source];
  const size = split.resampleTo / split.of;
  const chips: RasterRGB[] = [];
  for (let row = 0; row < split.of; row++)
    for (let col = 0; col < split.of; col++) chips.push(window(source, col * size, row * size, size));
  return chips;
}

function window(image: RasterRGB, left: number, top: number, size: number): RasterRGB {
  const data = new Uint8Array(size * size * 3);
  const rowBytes = size * 3;
  for (let y = 0; y < size; y++) {
    const from = ((top + y) * image.width + left) * 3;
    data.set(image.data.subarray(from, from + rowBytes), y * rowBytes);
  }
  return { width: size, height: size, data };
}

async function resample(image: RasterRGB, size: number): Promise<RasterRGB> {
  const { data, info } = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .resize(size, size, { fit: 'fill', kernel: size < image.width ? 'lanczos3' : 'cubic' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}

/**
 * Writes an RGB chip as PNG.
 * @param path - the file to write
 * @param image - the chip raster
 */
export async function writeChipPng(path: string, image: RasterRGB): Promise<void> {
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .png(CHIP_PNG)
    .toBuffer();
  await writeFile(path, png);
}

/**
 * Writes a mask as a single-channel 8-bit PNG whose pixel values are the class values.
 * @param path - the file to write
 * @param mask - row-major class values
 * @param size - mask width and height in pixels
 */
export async function writeMaskPng(path: string, mask: Uint8Array, size: number): Promise<void> {
  // Without b-w, sharp widens a one-band raw input to sRGB on output.
  const png = await sharp(mask, { raw: { width: size, height: size, channels: 1 } })
    .toColourspace('b-w')
    .png(MASK_PNG)
    .toBuffer();
  await writeFile(path, png);
}
