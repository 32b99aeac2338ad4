/** @module imagery/geotiff-source.test — GeoTIFFs written from a Banepa chip in EPSG:3857 and EPSG:4326, resampled. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeArrayBuffer } from 'geotiff';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tileBounds, tileBounds3857 } from '../geo/index.ts';
import type { Tile } from '../geo/index.ts';
import { isAppError } from '../shared/index.ts';
import { GeoTiffSource, zoomForResolution } from './geotiff-source.ts';
import { openImagerySource } from './open-imagery-source.ts';
import { decodeImage } from './raster.ts';
import type { RasterRGB } from './raster.ts';

const CHIP = resolve(
  import.meta.dirname,
  '../..',
  '../shared/data/banepa/train/oam/OAM-386690-220241-19.tif',
);
const CHIP_TILE: Tile = { x: 386690, y: 220241, z: 19 };

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function chip(): Promise<RasterRGB> {
  return decodeImage(await readFile(CHIP), CHIP);
}

/** Writes the chip as a GeoTIFF in EPSG:3857 georeferenced by GeoTIFF tags (geotiff's writer); returns the path. */
async function writeMercatorGeoTiff(dir: string, image: RasterRGB): Promise<string> {
  const [w, s, e, n] = tileBounds3857(CHIP_TILE);
  const bytes = writeArrayBuffer(image.data, {
    width: image.width,
    height: image.height,
    ModelPixelScale: [(e - w) / image.width, (n - s) / image.height, 0],
    ModelTiepoint: [0, 0, 0, w, n, 0],
    GTRasterTypeGeoKey: 1,
    ProjectedCSTypeGeoKey: 3857,
    GTModelTypeGeoKey: 1,
  } as Parameters<typeof writeArrayBuffer>[1]);
  const path = join(dir, 'chip-3857.tif');
  await writeFile(path, new Uint8Array(bytes));
  return path;
}

/** Writes the chip as a plain TIFF (sharp) georeferenced in EPSG:4326 by a GDAL `.aux.xml` sidecar; returns the path. */
async function writeGeographicTiffWithSidecar(dir: string, image: RasterRGB): Promise<string> {
  const [w, s, e, n] = tileBounds(CHIP_TILE);
  const path = join(dir, 'chip-4326.tif');
  const raw = { width: image.width, height: image.height, channels: 3 as const };
  await writeFile(path, await sharp(image.data, { raw }).tiff({ compression: 'deflate' }).toBuffer());
  const transform = [w, (e - w) / image.width, 0, n, 0, -(n - s) / image.height].join(', ');
  const srs =
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],AUTHORITY["EPSG","4326"]]';
  await writeFile(
    `${path}.aux.xml`,
    `<PAMDataset><SRS>${srs}</SRS><GeoTransform>${transform}</GeoTransform></PAMDataset>`,
  );
  return path;
}

// geotiff's writer takes ~0.5 s for a 512-px file, so the files are written once and only read by the tests.
let fixtureDir = '';
let mercatorTiff = '';
let geographicTiff = '';
beforeAll(async () => {
  fixtureDir = await mkdtemp(join(tmpdir(), 'fair-geotiff-'));
  const image = await chip();
  mercatorTiff = await writeMercatorGeoTiff(fixtureDir, image);
  geographicTiff = await writeGeographicTiffWithSidecar(fixtureDir, image);
});
afterAll(() => rm(fixtureDir, { recursive: true, force: true }));

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
    const source = await openImagerySource(mercatorTiff);
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
    expect(quadrantDiff(se, image, 0, 1)).toBeGreaterThan(10);
  });

  it('resamples an EPSG:4326 TIFF georeferenced by its .aux.xml onto the mercator grid with small error', async () => {
    const image = await chip();
    const source = await open(geographicTiff);
    expect(source.nativeZoom).toBe(20);
    const nw = await source.readTile({ x: 773380, y: 440482, z: 20 });
    expect(quadrantDiff(nw, image, 0, 0)).toBeLessThan(3);
    expect(quadrantDiff(nw, image, 1, 0)).toBeGreaterThan(10);
  });

  it('averages down to the chip tile at z19 and leaves area outside the raster black', async () => {
    const image = await chip();
    const source = await open(mercatorTiff);
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
    const source = await open(mercatorTiff);
    await expect(source.readTile({ x: 0, y: 0, z: 20 })).rejects.toThrow('does not overlap');
    await expect(source.readTile({ x: 0, y: 0, z: 23 })).rejects.toThrow('outside zooms');
  });

  it('refuses a TIFF without georeferencing, naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fair-geotiff-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'plain.tif');
    await writeFile(
      path,
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
        .tiff()
        .toBuffer(),
    );
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
