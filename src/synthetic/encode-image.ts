/** @module synthetic/encode-image — encodes a raster as PNG or JPEG through sharp. */
import sharp from 'sharp';
import type { RasterRGB } from '../imagery/index.ts';

/** Image formats the synthetic tiles are served in. */
export type SyntheticImageFormat = 'png' | 'jpeg';

/** Media type of a format. */
export function mediaTypeOf(format: SyntheticImageFormat): string {
  return format === 'png' ? 'image/png' : 'image/jpeg';
}

/**
 * Encodes a raster.
 * @param raster - RGB raster
 * @param format - `png` (lossless, zlib level 4 for speed) or `jpeg` (quality 88, like typical imagery services)
 * @returns the encoded bytes
 */
export async function encodeRaster(raster: RasterRGB, format: SyntheticImageFormat): Promise<Buffer> {
  const image = sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 3 } });
  return format === 'png'
    ? image.png({ compressionLevel: 4, adaptiveFiltering: false }).toBuffer()
    : image.jpeg({ quality: 88, chromaSubsampling: '4:2:0' }).toBuffer();
}
