/** @module imagery/geotiff-pixels — reads a window of a GeoTIFF image as 8-bit RGB, whatever its bands and depth. */
import type { GeoTIFFImage } from 'geotiff';
import { invalid } from '../shared/index.ts';

type Samples = ArrayLike<number> & { BYTES_PER_ELEMENT?: number };

/**
 * Reads pixels `[left, top, right, bottom)` of a GeoTIFF image as interleaved 8-bit RGB. Photometric conversions
 * (YCbCr, palette, CMYK, grey) are geotiff.js's; extra bands (alpha, near-infrared) are dropped; 16-bit samples keep
 * their high byte; float samples are clamped to 0..255.
 * @param image - the image (full resolution or an overview)
 * @param window - the pixel window
 * @param name - the file, for messages
 * @param signal - aborts the read
 * @returns width × height × 3 bytes
 * @throws AppError INVALID_PARAMETER_VALUE naming the file when its pixels cannot be decoded
 */
export async function readWindowRgb(
  image: GeoTIFFImage,
  window: [number, number, number, number],
  name: string,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  let raster: Samples;
  try {
    raster = (await image.readRGB({ window, interleave: true, ...(signal ? { signal } : {}) })) as Samples;
  } catch (error) {
    if (signal?.aborted && signal.reason instanceof Error) throw signal.reason;
    invalid(`${name} pixels cannot be decoded: ${error instanceof Error ? error.message : String(error)}`);
  }
  const pixels = (window[2] - window[0]) * (window[3] - window[1]);
  const channels = Math.round(raster.length / pixels);
  if (channels < 1 || channels * pixels !== raster.length)
    invalid(`${name} returned ${raster.length} samples for ${pixels} pixels`);
  return toRgb8(raster, channels, pixels, sampleShift(image));
}

/** Right shift that brings integer samples to 8 bits (8 for 16-bit, 24 for 32-bit); -1 for floats (clamp). */
function sampleShift(image: GeoTIFFImage): number {
  const format = image.getSampleFormat(0);
  if (format === 3) return -1;
  return Math.max(0, image.getBitsPerSample(0) - 8);
}

function toRgb8(raster: Samples, channels: number, pixels: number, shift: number): Uint8Array {
  if (channels === 3 && raster instanceof Uint8Array) return raster;
  const out = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    for (let b = 0; b < 3; b++) {
      const v = raster[p * channels + Math.min(b, channels - 1)] ?? 0;
      out[p * 3 + b] = shift < 0 ? Math.max(0, Math.min(255, Math.round(v))) : v >>> shift;
    }
  }
  return out;
}
