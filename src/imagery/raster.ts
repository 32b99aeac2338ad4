/** @module imagery/raster — the RGB raster type, image decoding by content (magic bytes) and PNG encoding. */
import sharp from 'sharp';
import { AppError, invalid } from '../shared/index.ts';

/** An 8-bit RGB image: interleaved, row-major, 3 bytes per pixel (`data.length === width * height * 3`). */
export type RasterRGB = { width: number; height: number; data: Uint8Array };

/** A single-band 8-bit image (a mask or a grey image), row-major, one byte per pixel. */
export type RasterGrey = { width: number; height: number; channels: 1; data: Uint8Array };

/** Image container formats recognised by their first bytes. */
export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'tiff';

/** Largest image decoded, in pixels (a guard against decompression bombs): 16384 × 16384. */
export const MAX_DECODED_PIXELS = 16384 * 16384;

/**
 * The image format of `bytes`, judged by content (magic bytes), never by file name.
 * @param bytes - the file or response body
 * @returns the format, or undefined when the bytes start like none of PNG, JPEG, WebP, TIFF/BigTIFF
 */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  const b = (i: number): number => bytes[i] ?? -1;
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47 && b(4) === 0x0d && b(5) === 0x0a)
    return 'png';
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'jpeg';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  const tiffMagic = ascii(bytes, 0, 2);
  if (
    (tiffMagic === 'II' && (b(2) === 42 || b(2) === 43) && b(3) === 0) ||
    (tiffMagic === 'MM' && b(2) === 0 && (b(3) === 42 || b(3) === 43))
  )
    return 'tiff';
  return undefined;
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

/** A short printable preview of the first bytes, for error messages about content that is not an image. */
export function describeBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'it is empty';
  const head = Buffer.from(bytes.subarray(0, 24)).toString('latin1');
  const printable = head.replace(/[^\x20-\x7e]/g, '.');
  return `${bytes.length} bytes starting with ${JSON.stringify(printable)}`;
}

/**
 * Decodes a PNG, JPEG, WebP or TIFF by its content into 8-bit RGB. Alpha is composited on black (transparent
 * no-data becomes black, not whatever colour hides under it); grey becomes RGB; 16-bit samples are reduced to 8 bits.
 * @param bytes - the encoded image
 * @param name - what the bytes are (file path or URL) for error messages, default `image`
 * @returns the raster at its native size
 * @throws AppError INVALID_PARAMETER_VALUE naming `name` when the bytes are not an image or cannot be decoded
 * @example
 * const image = await decodeImage(await readFile('OAM-386690-220241-19.tif'), 'OAM-386690-220241-19.tif');
 */
export async function decodeImage(bytes: Uint8Array, name = 'image'): Promise<RasterRGB> {
  const format = sniffImageFormat(bytes);
  if (format === undefined)
    invalid(`${name} is not a PNG, JPEG, WebP or TIFF image (${describeBytes(bytes)})`, { name });
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_DECODED_PIXELS, failOn: 'error' })
      .flatten({ background: '#000000' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) invalid(`${name} decoded to ${info.channels} channels, expected RGB`);
    return {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    };
  } catch (error) {
    if (error instanceof AppError) throw error;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new AppError(
      'INVALID_PARAMETER_VALUE',
      `${name} looks like a ${format.toUpperCase()} but cannot be decoded: ${reason}`,
      { name },
    );
  }
}

/**
 * Encodes an RGB raster, or a one-channel raster (mask), as PNG.
 * @param image - the raster; `data.length` must equal width × height × channels
 * @returns the PNG bytes
 * @throws AppError INVALID_PARAMETER_VALUE when the size does not match the data length
 */
export async function encodePng(image: RasterRGB | RasterGrey): Promise<Buffer> {
  const channels = 'channels' in image ? 1 : 3;
  checkRaster(image, channels);
  const raw = sharp(image.data, { raw: { width: image.width, height: image.height, channels } });
  return (channels === 1 ? raw.toColourspace('b-w') : raw).png().toBuffer();
}

/**
 * Checks that a raster's size and data length agree.
 * @param image - the raster
 * @param channels - bytes per pixel, default 3
 * @throws AppError INVALID_PARAMETER_VALUE when width/height are not positive integers or the length is wrong
 */
export function checkRaster(image: { width: number; height: number; data: Uint8Array }, channels = 3): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0)
    invalid(`raster size ${width}x${height} is not a positive integer size`);
  if (data.length !== width * height * channels)
    invalid(
      `raster data has ${data.length} bytes, expected ${width}x${height}x${channels} = ${width * height * channels}`,
    );
}
