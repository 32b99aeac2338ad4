import { describe, expect, it } from 'vitest';
import { tileBounds, tileToLonLat } from '../geo/index.ts';
import { chipId, frameBounds, framesOfTile, ringsToPixels, splitTile, unionBBox } from './chip-frame.ts';

const tile = { x: 386692, y: 220244, z: 19 };

describe('splitTile', () => {
  it('splits larger tiles into windows at their own resolution', () => {
    expect(splitTile(512, 256)).toEqual({ of: 2, resampleTo: 512 });
    expect(splitTile(1024, 256)).toEqual({ of: 4, resampleTo: 1024 });
    expect(splitTile(256, 256)).toEqual({ of: 1, resampleTo: 256 });
  });

  it('resamples when the tile is not a multiple of the chip size, or on request', () => {
    expect(splitTile(300, 256)).toEqual({ of: 1, resampleTo: 256 });
    expect(splitTile(700, 256)).toEqual({ of: 3, resampleTo: 768 });
    expect(splitTile(128, 256)).toEqual({ of: 1, resampleTo: 256 });
    expect(splitTile(512, 256, true)).toEqual({ of: 1, resampleTo: 256 });
  });

  it('rejects sizes that are not positive integers', () => {
    expect(() => splitTile(0, 256)).toThrow(/tile size 0/);
    expect(() => splitTile(256, 2.5)).toThrow(/chip size 2.5/);
  });
});

describe('framesOfTile', () => {
  it('gives one frame covering the whole tile when not split', () => {
    const [frame, ...rest] = framesOfTile(tile, { of: 1, resampleTo: 256 }, 256);
    expect(rest).toEqual([]);
    expect(frame?.window).toBeUndefined();
    expect(frameBounds(frame as never)).toEqual(tileBounds(tile));
    expect(chipId(frame as never)).toBe('OAM-386692-220244-19');
  });

  it('gives four quarter windows, row by row from the north-west, that tile the tile exactly', () => {
    const frames = framesOfTile(tile, { of: 2, resampleTo: 512 }, 256);
    expect(frames.map(chipId)).toEqual([
      'OAM-386692-220244-19-0-0',
      'OAM-386692-220244-19-1-0',
      'OAM-386692-220244-19-0-1',
      'OAM-386692-220244-19-1-1',
    ]);
    const [w, s, e, n] = tileBounds(tile);
    const [cx, cy] = tileToLonLat(tile.x + 0.5, tile.y + 0.5, tile.z);
    expect(frameBounds(frames[0] as never)).toEqual([w, cy, cx, n]);
    expect(frameBounds(frames[3] as never)).toEqual([cx, s, e, cy]);
    expect(unionBBox(frames.map(frameBounds))).toEqual([w, s, e, n]);
  });
});

describe('ringsToPixels', () => {
  it('maps tile fractions to the pixels of a window', () => {
    const [, second] = framesOfTile(tile, { of: 2, resampleTo: 512 }, 256);
    const rings = [
      [
        [tile.x + 0.5, tile.y],
        [tile.x + 1, tile.y + 0.5],
        [tile.x + 0.75, tile.y + 0.25],
      ],
    ];
    expect(ringsToPixels(rings, second as never)).toEqual([
      [
        [0, 0],
        [256, 256],
        [128, 128],
      ],
    ]);
  });
});

describe('unionBBox', () => {
  it('is undefined for no boxes', () => {
    expect(unionBBox([])).toBeUndefined();
  });
});
