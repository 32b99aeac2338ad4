/** @module imagery/geotiff-source.test — GeoTIFFs written from a Banepa chip in EPSG:3857 and EPSG:4326, resampled. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeArrayBuffer } from 'geotiff';
import { afterEach, describe, expect, it } from 'vitest';
import { tileBounds, tileBounds3857 } from '../geo/index.ts';
import type { Tile } from '../geo/index.ts';
import { isAppError } from '../shared/index.ts';
import { GeoTiffSource, zoomForResolution } from './geotiff-source.ts';
import { openImagerySource } from './open-imagery-source.ts';
import { decodeImage } from './raster.ts';
import type { RasterRGB } from './raster.ts';

const CHIP = resolve(import.meta.dirname, '../..', '../shared/data/banepa/train/oam/OAM-386690-220241-19.tif');
const CHIP_TILE: Tile = { x: 386690, y: 220241, z: 19 };

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function chip(): Promise<RasterRGB> {
  return decodeImage(await readFile(CHIP), CHIP);
}

/** Writes the chip as a GeoTIFF covering its tile, in the given CRS; returns the path. */
async function writeChipGeoTiff(crs: 'EPSG:3857' | 'EPSG:4326', image: RasterRGB): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fair-geotiff-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const [w, s, e, n] = crs === 'EPSG:3857' ? tileBounds3857(CHIP_TILE) : tileBounds(CHIP_TILE);
  const geo =
    crs === 'EPSG:3857'
      ? { ProjectedCSTypeGeoKey: 3857, GTModelTypeGeoKey: 1 }
      : { GeographicTypeGeoKey: 4326, GTModelTypeGeoKey: 2 };
  const bytes = writeArrayBuffer(image.data, {
    width: image.width,
    height: image.height,
    ModelPixelScale: [(e - w) / image.width, (n - s) / image.height, 0],
    ModelTiepoint: [0, 0, 0, w, n, 0],
    GTRasterTypeGeoKey: 1,
    ...geo,
  } as Parameters<typeof writeArrayBuffer>[1]);
  const path = join(dir, `chip-${crs.replace(':', '')}.tif`);
  await writeFile(path, new Uint8Array(bytes));
  return path;
}

async function open(path: string): Promise<GeoTiffSource> {
  const source = await GeoTiffSource.open(path);
  cleanups.push(() => source.close());
  return source;
}

/** Mean absolute difference between a 256-px tile and one quadrant (or the 2x average) of the 512-px chip. */
function quadrantDiff(tile: RasterRGB, image: RasterRGB, qx: number, qy: number): number {
  let sum = 0;
  for (let y = 0; y < 256; y++)
    for (let x = 0; x < 256; x++)
      for (let b = 0; b < 3; b++) {
        const src = ((qy * 256 + y) * image.width + qx * 256 + x) * 3 + b;
        sum += Math.abs((tile.data[(y * 256 + x) * 3 + b] ?? 0) - (image.data[src] ?? 0));
      }
  return sum / (256 * 256 * 3);
}

describe('GeoTiffSource', () => {
  it('lists the four z20 tiles of a 512-px z19 chip in EPSG:3857 and reproduces each quadrant', async () => {
    const image = await chip();
    const source = await openImagerySource(await writeChipGeoTiff('EPSG:3857', image));
    cleanups.push(() => (source as GeoTiffSource).close());
    expect(source).toMatchObject({ kind: 'geotiff', minzoom: expect.any(Number), maxzoom: 22 });
    const tiles = source.listTiles() ?? [];
    expect(tiles).toEqual([
      { x: 773380, y: 440482, z: 20 },
      { x: 773381, y: 440482, z: 20 },
      { x: 773380, y: 440483, z: 20 },
      { x: 773381, y: 440483, z: 20 },
    ]);
    const se = await source.readTile({ x: 773381, y: 440483, z: 20 });
    expect([se.width, se.height]).toEqual([256, 256]);
    expect(quadrantDiff(se, image, 1, 1)).toBeLessThan(0.5);
  });

  it('resamples an EPSG:4326 GeoTIFF onto the mercator grid with small error', async () => {
    const image = await chip();
    const source = await open(await writeChipGeoTiff('EPSG:4326', image));
    expect(source.nativeZoom).toBe(20);
    const nw = await source.readTile({ x: 773380, y: 440482, z: 20 });
    expect(quadrantDiff(nw, image, 0, 0)).toBeLessThan(3);
  });

  it('averages down to the chip tile at z19 and leaves area outside the raster black', async () => {
    const image = await chip();
    const source = await open(await writeChipGeoTiff('EPSG:3857', image));
    const whole = await source.readTile(CHIP_TILE);
    const mean = (r: RasterRGB): number => r.data.reduce((a, v) => a + v, 0) / r.data.length;
    expect(Math.abs(mean(whole) - mean(image))).toBeLessThan(1);
    const parent = await source.readTile({ x: 193345, y: 110120, z: 18 });
    expect([...parent.data.subarray(0, 3)]).toEqual([0, 0, 0]);
    // The chip (x even, y odd) is the bottom-left quarter of its z18 parent: the top row is black, the bottom-left lit.
    const bottomLeft = 255 * 256 * 3;
    expect(parent.data.subarray(bottomLeft, bottomLeft + 3).some((v) => v > 0)).toBe(true);
  });

  it('says when a tile misses the raster or is outside its zooms', async () => {
    const source = await open(await writeChipGeoTiff('EPSG:3857', await chip()));
    await expect(source.readTile({ x: 0, y: 0, z: 20 })).rejects.toThrow('does not overlap');
    await expect(source.readTile({ x: 0, y: 0, z: 23 })).rejects.toThrow('outside zooms');
  });

  it('refuses a TIFF without georeferencing, naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fair-geotiff-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'plain.tif');
    const sharp = (await import('sharp')).default;
    await writeFile(path, await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).tiff().toBuffer());
    try {
      await openImagerySource(path);
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error, 'INVALID_PARAMETER_VALUE')).toBe(true);
      expect((error as Error).message).toContain('plain.tif is a TIFF without georeferencing');
    }
  });

  it('picks the zoom whose resolution is nearest', () => {
    expect(zoomForResolution(360 / 2 ** 19 / 512, 'EPSG:4326')).toBe(20);
    expect(zoomForResolution(0.3, 'EPSG:3857')).toBe(19);
    expect(zoomForResolution(1e9, 'EPSG:3857')).toBe(0);
  });
});
