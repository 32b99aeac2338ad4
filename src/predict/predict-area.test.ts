/** @module predict/predict-area.test — areas, zooms and limits, on a real chip folder and a real XYZ source. */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tileBounds } from '../geo/index.ts';
import { openImagerySource } from '../imagery/index.ts';
import type { ImagerySource } from '../imagery/index.ts';
import { resolvePredictArea } from './predict-area.ts';
import { resolveSettings } from './predict-options.ts';

const banepa = path.resolve(import.meta.dirname, '../..', '../shared/data/banepa/predict/oam');
const limits = { maxAreaKm2: 100, maxTiles: 100_000 };
let folder: ImagerySource;
let remote: ImagerySource;

beforeAll(async () => {
  folder = await openImagerySource(banepa);
  // No request is made: the area is resolved from the template alone.
  remote = await openImagerySource('https://tiles.example.org/{z}/{x}/{y}.png');
});

describe('resolvePredictArea', () => {
  it('takes every chip of a folder at its zoom when no area is given', () => {
    const area = resolvePredictArea(folder, undefined, undefined, limits);
    expect(area.zoom).toBe(19);
    expect(area.tiles).toHaveLength(16);
    expect(area.aoi).toBeUndefined();
    expect(area.areaKm2).toBeGreaterThan(0.05);
  });

  it('keeps only the chips a folder has inside a bbox', () => {
    const [w, s, e, n] = [85.524, 27.631, 85.525, 27.632];
    const area = resolvePredictArea(folder, [w, s, e, n], 19, limits);
    expect(area.tiles.length).toBeGreaterThan(0);
    expect(area.tiles.length).toBeLessThanOrEqual(16);
  });

  it('adds the neighbours within the edge margin', () => {
    // One tile, shrunk a little: all 8 neighbours are within 30 m; 30 m from the middle of a side, none is.
    const [w, s, e, n] = tileBounds({ x: 315_737, y: 264_037, z: 19 });
    const tile: [number, number, number, number] = [w + 1e-7, s + 1e-7, e - 1e-7, n - 1e-7];
    expect(resolvePredictArea(remote, tile, 19, limits).tiles).toHaveLength(1);
    expect(resolvePredictArea(remote, tile, 19, { ...limits, edgeMarginM: 30 }).tiles).toHaveLength(9);
    const dx = (e - w) / 3;
    const middle: [number, number, number, number] = [w + dx, s + dx, e - dx, n - dx];
    expect(resolvePredictArea(remote, middle, 19, { ...limits, edgeMarginM: 10 }).tiles).toHaveLength(1);
  });

  it('refuses bad areas, zooms and limits with one line naming them', () => {
    expect(() => resolvePredictArea(remote, [36.81, -1.3, 36.8, -1.29], 19, limits)).toThrow(
      /bbox .* west < east/,
    );
    expect(() => resolvePredictArea(remote, undefined, 19, limits)).toThrow(
      /does not list its tiles: give an area/,
    );
    expect(() => resolvePredictArea(folder, undefined, 18, limits)).toThrow(
      /zoom 18 is outside the zooms 19..19/,
    );
    expect(() => resolvePredictArea(remote, [36.8, -1.3, 36.81, -1.29], 31, limits)).toThrow(/zoom/);
    expect(() => resolvePredictArea(remote, [36.0, -2.0, 37.0, -1.0], 19, limits)).toThrow(
      /over the limit of 100 km²/,
    );
    expect(() =>
      resolvePredictArea(remote, [36.8, -1.3, 36.83, -1.27], 19, { ...limits, maxTiles: 500 }),
    ).toThrow(/needs (about )?\d+ tiles at zoom 19, over the limit of 500/);
  });
});

describe('resolveSettings', () => {
  it('fills the defaults', () => {
    const s = resolveSettings({ model: 'm', imagery: remote });
    expect(s).toMatchObject({
      toleranceM: 0.3,
      minAreaM2: 3,
      overlapPx: 32,
      batchSize: 8,
      edgeMarginM: 30,
      source: 'fAIr',
    });
  });

  it('names the first bad option', () => {
    expect(() => resolveSettings({ model: 'm', imagery: remote, confidence: 1.5 })).toThrow(
      /confidence 1.5 must be/,
    );
    expect(() => resolveSettings({ model: 'm', imagery: remote, overlapPx: -1 })).toThrow(/overlap -1 px/);
    expect(() => resolveSettings({ model: 'm', imagery: remote, batchSize: 0 })).toThrow(/batch size 0/);
    expect(() => resolveSettings({ model: 'm', imagery: remote, orthoMaxAngleDeg: 50 })).toThrow(
      /max angle 50/,
    );
  });
});
