/** @module imagery/folder-source.test — the Banepa chip folder read by content, sidecar checks on tampered copies. */
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { crsOfSrs, parseAuxXml } from './aux-xml.ts';
import { openImagerySource } from './open-imagery-source.ts';
import { solidImage } from './test-support/test-servers.ts';
import { failure } from '../shared/test-support/app-error-failure.ts';

const BANEPA_OAM = resolve(import.meta.dirname, '../..', '../shared/data/banepa/train/oam');
const FIRST = 'OAM-386690-220241-19.tif';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fair-chips-'));
  dirs.push(dir);
  return dir;
}

async function copyChip(dir: string, name = FIRST, as = name): Promise<void> {
  await copyFile(join(BANEPA_OAM, name), join(dir, as));
  await copyFile(join(BANEPA_OAM, `${name}.aux.xml`), join(dir, `${as}.aux.xml`));
}

describe('Banepa folder', () => {
  it('lists the 48 chips of x 386690..386695, y 220241..220248 at z19', async () => {
    const source = await openImagerySource(BANEPA_OAM);
    const tiles = source.listTiles() ?? [];
    expect(source).toMatchObject({ kind: 'folder', minzoom: 19, maxzoom: 19 });
    expect(tiles).toHaveLength(48);
    expect(new Set(tiles.map((t) => t.x))).toEqual(new Set([386690, 386691, 386692, 386693, 386694, 386695]));
    expect(Math.min(...tiles.map((t) => t.y))).toBe(220241);
    expect(Math.max(...tiles.map((t) => t.y))).toBe(220248);
    const [w, s, e, n] = source.bounds ?? [];
    expect(w).toBeCloseTo(85.518951, 5);
    expect(n).toBeCloseTo(27.634265, 5);
    expect(e).toBeGreaterThan(85.523);
    expect(s).toBeLessThan(27.6295);
  });

  it('decodes a .tif chip by content (a JPEG) as 512x512 RGB with real variation', async () => {
    const source = await openImagerySource(BANEPA_OAM);
    const image = await source.readTile({ x: 386690, y: 220241, z: 19 });
    expect([image.width, image.height, image.data.length]).toEqual([512, 512, 512 * 512 * 3]);
    const distinct = new Set(image.data.subarray(0, 3000));
    expect(distinct.size).toBeGreaterThan(20);
  });

  it('says which tile is missing', async () => {
    const source = await openImagerySource(BANEPA_OAM);
    const error = await failure(source.readTile({ x: 1, y: 2, z: 19 }));
    expect(error.code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect(error.message).toContain('19/1/2');
  });

  it('opens a single chip file as a one-tile source', async () => {
    const source = await openImagerySource(join(BANEPA_OAM, FIRST));
    expect(source.listTiles()).toEqual([{ x: 386690, y: 220241, z: 19 }]);
    expect((await source.readTile({ x: 386690, y: 220241, z: 19 })).width).toBe(512);
  });
});

describe('sidecar cross-check', () => {
  it('refuses a chip whose .aux.xml NW corner is a tile away from its name, naming the file', async () => {
    const dir = await tempDir();
    await copyChip(dir, FIRST, 'OAM-386691-220241-19.tif');
    const error = await failure(openImagerySource(dir));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain('OAM-386691-220241-19.tif');
    expect(error.message).toContain('NW corner');
  });

  it('accepts a corner a fraction of a pixel off but refuses one two pixels off', async () => {
    const dir = await tempDir();
    await copyChip(dir);
    const sidecar = join(dir, `${FIRST}.aux.xml`);
    const xml = await readFile(sidecar, 'utf8');
    const shift = (px: number): string =>
      xml.replace(/8\.5518951416015625e\+01/, String(85.518951416015625 + px * 1.3411045074462891e-6));
    await writeFile(sidecar, shift(0.2));
    expect((await openImagerySource(dir)).listTiles()).toHaveLength(1);
    await writeFile(sidecar, shift(2));
    expect((await failure(openImagerySource(dir))).message).toMatch(/off by 2\.0 x 0\.0 px/);
  });

  it('refuses a sidecar whose pixel size does not cover the tile once the chip is decoded', async () => {
    const dir = await tempDir();
    await copyChip(dir);
    const sidecar = join(dir, `${FIRST}.aux.xml`);
    const xml = await readFile(sidecar, 'utf8');
    await writeFile(sidecar, xml.replace('1.3411045074462891e-06', '2.6822090148925781e-06'));
    const source = await openImagerySource(dir);
    const error = await failure(source.readTile({ x: 386690, y: 220241, z: 19 }));
    expect(error.message).toContain(FIRST);
    expect(error.message).toContain('512x512');
  });

  it('reads the SRS of WKT1, WKT2 and EPSG codes', () => {
    expect(crsOfSrs('GEOGCS["WGS 84",AUTHORITY["EPSG","4326"]]')).toBe('EPSG:4326');
    expect(
      crsOfSrs(
        'PROJCS["WGS 84 / Pseudo-Mercator",GEOGCS["WGS 84",AUTHORITY["EPSG","4326"]],AUTHORITY["EPSG","3857"]]',
      ),
    ).toBe('EPSG:3857');
    expect(crsOfSrs('PROJCRS["WGS 84 / UTM zone 45N",ID["EPSG",32645]]')).toBeUndefined();
    expect(crsOfSrs('EPSG:3857')).toBe('EPSG:3857');
    expect(() =>
      parseAuxXml(
        '<PAMDataset><SRS>EPSG:32645</SRS><GeoTransform>1,1,0,1,0,-1</GeoTransform></PAMDataset>',
        'x.aux.xml',
      ),
    ).toThrow(/x\.aux\.xml is georeferenced in EPSG:32645/);
    expect(parseAuxXml('<PAMDataset><Metadata/></PAMDataset>', 'y')).toBeUndefined();
  });
});

describe('bad chips', () => {
  it('gives a clear error for a .tif chip that is not an image', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'OAM-1-2-3.tif'), 'this is not an image at all');
    const source = await openImagerySource(dir);
    const error = await failure(source.readTile({ x: 1, y: 2, z: 3 }));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain('OAM-1-2-3.tif is not a PNG, JPEG, WebP or TIFF image');
  });

  it('gives a clear error for a truncated JPEG', async () => {
    const dir = await tempDir();
    const bytes = await readFile(join(BANEPA_OAM, FIRST));
    await writeFile(join(dir, 'OAM-1-2-3.jpg'), bytes.subarray(0, 400));
    const source = await openImagerySource(dir);
    const error = await failure(source.readTile({ x: 1, y: 2, z: 3 }));
    expect(error.message).toContain('OAM-1-2-3.jpg looks like a JPEG but cannot be decoded');
  });

  it('refuses two files for one tile and a folder without chips', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'OAM-1-2-3.png'), await solidImage(8, [0, 0, 0]));
    await writeFile(join(dir, 'OAM-1-2-3.jpg'), await solidImage(8, [0, 0, 0], 'jpeg'));
    expect((await failure(openImagerySource(dir))).message).toContain('both chips of tile 3/1/2');
    const empty = await tempDir();
    await writeFile(join(empty, 'readme.txt'), 'x');
    expect((await failure(openImagerySource(empty))).message).toContain('has no chips named OAM-{x}-{y}-{z}');
  });

  it('reads PNG, WebP and real TIFF chips at their native size', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'OAM-0-0-1.png'), await solidImage(256, [10, 20, 30]));
    await writeFile(join(dir, 'OAM-1-0-1.webp'), await solidImage(512, [10, 20, 30], 'webp'));
    await writeFile(join(dir, 'OAM-0-1-1.tiff'), await solidImage(1024, [10, 20, 30], 'tiff'));
    const source = await openImagerySource(dir);
    const sizes = await Promise.all(
      (source.listTiles() ?? []).map(async (t) => (await source.readTile(t)).width),
    );
    expect(sizes.sort((a, b) => a - b)).toEqual([256, 512, 1024]);
  });
});
