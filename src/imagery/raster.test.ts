/** @module imagery/raster.test — decoding by content, alpha and grey handling, PNG encoding. */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../shared/index.ts';
import { decodeImage, encodePng, sniffImageFormat } from './raster.ts';
import { solidImage } from './test-support/test-servers.ts';

async function decodeFailure(bytes: Uint8Array, name: string): Promise<string> {
  try {
    await decodeImage(bytes, name);
  } catch (error) {
    if (isAppError(error, 'INVALID_PARAMETER_VALUE')) return error.message;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('decodeImage', () => {
  it.each(['png', 'jpeg', 'webp', 'tiff'] as const)('decodes %s by its magic bytes', async (format) => {
    const bytes = await solidImage(16, [200, 100, 50], format);
    expect(sniffImageFormat(bytes)).toBe(format);
    const image = await decodeImage(bytes, `a.${format}`);
    expect([image.width, image.height, image.data.length]).toEqual([16, 16, 16 * 16 * 3]);
    expect(Math.abs((image.data[0] ?? 0) - 200)).toBeLessThanOrEqual(3);
  });

  it('turns grey into RGB', async () => {
    const grey = await sharp(new Uint8Array(4).fill(77), { raw: { width: 2, height: 2, channels: 1 } })
      .png()
      .toBuffer();
    const image = await decodeImage(grey);
    expect([...image.data]).toEqual(new Array(12).fill(77));
  });

  it('composites alpha on black', async () => {
    const rgba = Buffer.from([255, 0, 0, 255, 0, 255, 0, 0]);
    const png = await sharp(rgba, { raw: { width: 2, height: 1, channels: 4 } })
      .png()
      .toBuffer();
    expect([...(await decodeImage(png)).data]).toEqual([255, 0, 0, 0, 0, 0]);
  });

  it('names the input when it is not an image, showing its first bytes', async () => {
    const message = await decodeFailure(new TextEncoder().encode('{"error":"quota"}'), 'tile.png');
    expect(message).toContain('tile.png is not a PNG, JPEG, WebP or TIFF image');
    expect(message).toContain('{\\"error\\":\\"quota\\"}');
    expect(await decodeFailure(new Uint8Array(0), 'empty.jpg')).toContain('it is empty');
  });

  it('names the input when the magic bytes lie', async () => {
    const fake = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(50, 1),
    ]);
    expect(await decodeFailure(fake, 'fake.png')).toContain(
      'fake.png looks like a PNG but cannot be decoded',
    );
  });
});

describe('encodePng', () => {
  it('round-trips RGB and one-channel rasters', async () => {
    const rgb = { width: 2, height: 1, data: new Uint8Array([1, 2, 3, 4, 5, 6]) };
    expect(await decodeImage(await encodePng(rgb))).toEqual(rgb);
    const mask = { width: 2, height: 1, channels: 1 as const, data: new Uint8Array([0, 255]) };
    const meta = await sharp(await encodePng(mask)).metadata();
    expect([meta.channels, meta.width]).toEqual([1, 2]);
  });

  it('refuses a raster whose data length does not match its size', async () => {
    await expect(encodePng({ width: 2, height: 2, data: new Uint8Array(5) })).rejects.toThrow(
      /expected 2x2x3 = 12/,
    );
  });
});
