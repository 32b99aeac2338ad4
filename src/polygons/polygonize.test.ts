import { describe, expect, it } from 'vitest';
import { planarPolygonArea } from './pixel-polygon.ts';
import { instanceConfidence, polygonizeBinary, polygonizeMulticlass } from './polygonize.ts';
import { picture } from './test-support/raster.ts';

/** Two 4x4 buildings sharing a wall, RAMP-style: 2 boundary, 3 contact along the shared wall, 1 interior. */
const touching = picture([
  '..........',
  '.22233222.',
  '.21133112.',
  '.21133112.',
  '.22233222.',
  '..........',
]);

/** Per-class probabilities (4 channels) that put most mass on the given class map's class. */
function probabilitiesOf(classMap: Uint8Array, sure: number): Float32Array {
  const plane = classMap.length;
  const out = new Float32Array(4 * plane);
  classMap.forEach((c, i) => {
    for (let k = 0; k < 4; k++) out[k * plane + i] = k === c ? sure : (1 - sure) / 3;
  });
  return out;
}

describe('polygonizeBinary', () => {
  it('merges touching buildings into one polygon', () => {
    const binary = touching.mask.map((v) => (v > 0 ? 1 : 0));
    const polygons = polygonizeBinary(binary, 10, 6);
    expect(polygons).toHaveLength(1);
    expect(polygons[0]?.pixels).toBe(32);
    expect(planarPolygonArea(polygons[0]?.polygon ?? [])).toBe(32);
    expect(polygons[0]?.confidence).toBe(1);
  });

  it('thresholds probabilities and reports the mean probability inside', () => {
    const p = Float32Array.from([0.9, 0.2, 0.7, 0.1, 0.1, 0.6]);
    const polygons = polygonizeBinary(p, 3, 2, { threshold: 0.5 });
    expect(polygons.map((x) => x.pixels)).toEqual([1, 2]);
    expect(polygons[0]?.confidence).toBeCloseTo(0.9, 6);
    expect(polygons[1]?.confidence).toBeCloseTo(0.65, 6);
  });

  it('rejects a bad threshold and a size mismatch', () => {
    expect(() => polygonizeBinary(new Float32Array(4), 2, 2, { threshold: 0 })).toThrow(/threshold 0/);
    expect(() => polygonizeBinary(new Uint8Array(3), 2, 2)).toThrow(/mask has 3 pixels/);
  });
});

describe('polygonizeMulticlass', () => {
  it('separates two touching squares that binary polygonization merges', () => {
    const polygons = polygonizeMulticlass(touching.mask, 10, 6, { growPx: 2 });
    expect(polygons).toHaveLength(2);
    expect(polygons.map((p) => p.polygon[0])).toEqual([
      [
        [1, 1],
        [5, 1],
        [5, 5],
        [1, 5],
        [1, 1],
      ],
      [
        [5, 1],
        [9, 1],
        [9, 5],
        [5, 5],
        [5, 1],
      ],
    ]);
  });

  it('accepts 4-channel probabilities and reports 1 − P(background) as confidence', () => {
    const polygons = polygonizeMulticlass(probabilitiesOf(touching.mask, 0.7), 10, 6);
    expect(polygons).toHaveLength(2);
    expect(polygons[0]?.confidence).toBeCloseTo(0.9, 6);
  });

  it('takes probabilities beside a class map for the confidence', () => {
    const probabilities = probabilitiesOf(touching.mask, 0.4);
    const polygons = polygonizeMulticlass(touching.mask, 10, 6, { probabilities });
    expect(polygons[1]?.confidence).toBeCloseTo(0.8, 6);
  });

  it('seeds only where the footprint is at least 0.5, so an unsure shared wall does not merge neighbours', () => {
    // Two 4 × 4 buildings side by side; the wall column between them reads footprint 0.4, boundary 0.35: the most
    // probable class is footprint there, and seeding on it would join both buildings into one.
    const width = 11;
    const height = 6;
    const plane = width * height;
    const p = new Float32Array(4 * plane);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        const inside = y >= 1 && y <= 4 && x >= 1 && x <= 9;
        const [bg, fp, bd, ct] = !inside
          ? [0.9, 0.05, 0.03, 0.02]
          : x === 5
            ? [0.1, 0.4, 0.35, 0.15]
            : [0.05, 0.8, 0.1, 0.05];
        [bg, fp, bd, ct].forEach((v, c) => (p[c * plane + i] = v));
      }
    const polygons = polygonizeMulticlass(p, width, height);
    expect(polygons).toHaveLength(2);
    expect(polygons.reduce((n, b) => n + b.pixels, 0)).toBe(36); // the wall goes to its nearer seeds, 4 px each side
  });

  it('rejects probabilities that are not whole channels', () => {
    expect(() => polygonizeMulticlass(new Float32Array(61), 10, 6)).toThrow(/not a whole number/);
    expect(() => polygonizeMulticlass(new Float32Array(60), 10, 6)).toThrow(/2 or more channels/);
  });
});

describe('instanceConfidence', () => {
  it('averages values over one label', () => {
    const labels = Int32Array.from([0, 1, 1, 2]);
    expect(instanceConfidence(labels, [9, 0.2, 0.4, 1], 1)).toBeCloseTo(0.3, 12);
    expect(instanceConfidence(labels, [9, 0.2, 0.4, 1], 5)).toBe(0);
  });
});
