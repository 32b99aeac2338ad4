import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { geodesicArea } from '../geo/index.ts';
import { createLocalFrame } from './local-metres.ts';
import { makeValid } from './make-valid.ts';
import { gridOfTile, pixelPolygonToLonLat } from './pixel-grid.ts';
import { signedRingArea } from './pixel-polygon.ts';
import { polygonizeMulticlass } from './polygonize.ts';
import { postprocessBuildings } from './postprocess-buildings.ts';
import type { BuildingInstance } from './postprocess-buildings.ts';
import { picture } from './test-support/raster.ts';

/** 64 px over a zoom-19 tile: about 1.06 m per pixel, so the test buildings are tens of square metres. */
const grid = gridOfTile({ x: 386695, y: 220244, z: 19 }, 64);
const frame = createLocalFrame(85.52, 27.63);

/** Metre rectangle → lon/lat instance. */
function rect(x: number, y: number, w: number, h: number, confidence: number): BuildingInstance {
  const ring = [
    [x, y],
    [x + w, y],
    [x + w, y + h],
    [x, y + h],
    [x, y],
  ].map((p) => frame.toLonLat(p) as Position);
  return { coordinates: [ring], confidence };
}

/** Two buildings sharing a wall and a 1-pixel speck (about 1.1 m², below the 3 m² default), multi-class. */
function tracedInstances(): BuildingInstance[] {
  const rows = [
    '....................',
    '.222222233222222....',
    '.211111233211112....',
    '.211111233211112....',
    '.211111233211112....',
    '.211111233211112....',
    '.211111233211112....',
    '.222222233222222....',
    '....................',
    '.................1..',
  ];
  const { mask, width, height } = picture(rows);
  return polygonizeMulticlass(mask, width, height).map((p) => ({
    coordinates: pixelPolygonToLonLat(grid, p.polygon),
    confidence: p.confidence,
  }));
}

describe('postprocessBuildings', () => {
  it('turns traced instances into valid building features with tags and drop counts', () => {
    const result = postprocessBuildings(tracedInstances(), {
      source: 'OpenAerialMap',
      modelId: 'banepa-unet',
      modelVersion: '3',
    });
    expect(result.features).toHaveLength(2);
    expect(result.dropped).toEqual({ small: 1, invalid: 0, nested: 0, duplicate: 0 });
    expect(result.repaired).toBe(0);
    for (const feature of result.features) {
      expect(feature.properties).toEqual({
        building: 'yes',
        confidence: 1,
        source: 'OpenAerialMap',
        model_id: 'banepa-unet',
        model_version: '3',
      });
      expect(makeValid(feature.geometry.coordinates).problems).toEqual([]);
      expect(signedRingArea(feature.geometry.coordinates[0] ?? [])).toBeGreaterThan(0);
      expect(geodesicArea(feature.geometry)).toBeGreaterThan(3);
      for (const [lon = 0] of feature.geometry.coordinates[0] ?? [])
        expect(Math.round(lon * 1e7) / 1e7).toBe(lon);
    }
  });

  it('removes nested and duplicate predictions, keeping the more confident duplicate', () => {
    const result = postprocessBuildings([
      rect(0, 0, 10, 10, 0.6),
      rect(0.2, 0, 10, 10, 0.8),
      rect(2, 2, 3, 3, 0.99),
      rect(30, 0, 8, 8, 0.7),
    ]);
    expect(result.dropped).toMatchObject({ nested: 1, duplicate: 1 });
    expect(result.features.map((f) => f.properties.confidence)).toEqual([0.8, 0.7]);
  });

  it('counts unusable and repaired candidates instead of throwing', () => {
    const bowTie: BuildingInstance = {
      coordinates: [
        [
          [0, 0],
          [4, 4],
          [4, 0],
          [0, 4],
          [0, 0],
        ].map((p) => frame.toLonLat(p) as Position),
      ],
      confidence: 0.5,
    };
    const result = postprocessBuildings([
      bowTie,
      { coordinates: [[[Number.NaN, 1]]], confidence: 0.5 },
      { coordinates: [], confidence: 0.5 },
      rect(50, 50, 10, 10, Number.NaN),
    ]);
    expect(result.repaired).toBe(1);
    expect(result.dropped.invalid).toBe(2);
    expect(result.features).toHaveLength(3);
    expect(result.features[2]?.properties.confidence).toBe(0);
  });

  it('squares outlines when asked and is deterministic', () => {
    const skewed: BuildingInstance = {
      coordinates: [
        [
          [0, 0],
          [12, 0.6],
          [11.6, 8.5],
          [-0.3, 8],
          [0, 0],
        ].map((p) => frame.toLonLat(p) as Position),
      ],
      confidence: 0.9,
    };
    const plain = postprocessBuildings([skewed]);
    const squared = postprocessBuildings([skewed], { orthogonalize: true });
    expect(squared.features[0]?.geometry).not.toEqual(plain.features[0]?.geometry);
    expect(JSON.stringify(postprocessBuildings([skewed], { orthogonalize: true }))).toBe(
      JSON.stringify(squared),
    );
  });

  it('rejects bad options', () => {
    expect(() => postprocessBuildings([], { toleranceM: -1 })).toThrow(/toleranceM -1/);
    expect(() => postprocessBuildings([], { coordinateDecimals: 0 })).toThrow(/coordinateDecimals 0/);
  });
});
