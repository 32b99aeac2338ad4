import { describe, expect, it } from 'vitest';
import { labelComponents } from './connected-components.ts';
import { signedRingArea, planarPolygonArea } from './pixel-polygon.ts';
import type { PixelPolygon } from './pixel-polygon.ts';
import { rasterizePolygons } from './rasterize.ts';
import { findRingDefect } from '../geo/index.ts';
import { simplifyPixelPolygon } from './simplify.ts';
import { labelPicture } from './test-support/raster.ts';
import { instancesFromMulticlass } from './multiclass-instances.ts';
import { randomClassMap } from './test-support/reference-labelling.ts';
import { traceInstancePolygons, traceLabel, tracePolygons } from './trace-instances.ts';

/** Rasterizes every traced polygon back into a label raster (label of the polygon's instance). */
function rasterizeBack(byLabel: Map<number, PixelPolygon[]>, width: number, height: number): Int32Array {
  const out = new Int32Array(width * height);
  for (const [label, polygons] of byLabel) {
    const mask = rasterizePolygons(polygons, width, height);
    mask.forEach((v, i) => {
      if (v === 1) out[i] = label;
    });
  }
  return out;
}

/** IoU of each label between two label rasters, the lowest one returned (1 when both are empty). */
function worstLabelIoU(a: Int32Array, b: Int32Array): number {
  const inter = new Map<number, number>();
  const union = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const p = a[i] as number;
    const q = b[i] as number;
    if (p !== 0) union.set(p, (union.get(p) ?? 0) + 1);
    if (q !== 0 && q !== p) union.set(q, (union.get(q) ?? 0) + 1);
    if (p !== 0 && p === q) inter.set(p, (inter.get(p) ?? 0) + 1);
  }
  let worst = 1;
  for (const [label, u] of union) worst = Math.min(worst, (inter.get(label) ?? 0) / u);
  return worst;
}

/** A seeded pseudo-random generator (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const scenes: Record<string, string[]> = {
  'a square with a hole and an island in it': [
    '..........',
    '.aaaaaaaa.',
    '.a......a.',
    '.a.bbbb.a.',
    '.a.b..b.a.',
    '.a.bbbb.a.',
    '.a......a.',
    '.aaaaaaaa.',
    '..........',
  ],
  'touching buildings sharing a wall': ['aaaabbbb', 'aaaabbbb', 'aaaabbbb', 'ccccbbbb', 'cccc....'],
  'pixels touching diagonally': ['a.b.', '.c.d', 'e.f.', '.g.h'],
  'one-pixel features': ['a...b', '.....', '..c..', '.....', 'd...e'],
  'buildings at the raster edge': ['aaa..', 'aaa.b', '....b', 'ccccc'],
  'one building whose pixels meet at a corner (saddle)': ['aaa.', 'a.a.', 'aa.a', '...a'],
};

describe('traceInstancePolygons', () => {
  for (const [name, rows] of Object.entries(scenes))
    it(`rasterizes back to the same labels: ${name}`, () => {
      const { labels, width, height } = labelPicture(rows);
      const traced = traceInstancePolygons(labels, width, height);
      expect([...rasterizeBack(traced, width, height)]).toEqual([...labels]);
      for (const polygons of traced.values())
        for (const polygon of polygons) {
          expect(findRingDefect(polygon)).toBeUndefined();
          for (const ring of polygon) expect(ring[0]).toEqual(ring[ring.length - 1]);
        }
    });

  it('traces a rectangle into its four corners, clockwise on screen', () => {
    const { labels } = labelPicture(['.....', '.aaa.', '.aaa.', '.....']);
    expect(traceInstancePolygons(labels, 5, 4).get(1)).toEqual([
      [
        [
          [1, 1],
          [4, 1],
          [4, 3],
          [1, 3],
          [1, 1],
        ],
      ],
    ]);
  });

  it('gives holes the opposite winding and keeps them with their shell', () => {
    const { labels, width, height } = labelPicture(
      scenes['a square with a hole and an island in it'] as string[],
    );
    const ring = traceInstancePolygons(labels, width, height).get(1)?.[0] as PixelPolygon;
    expect(ring).toHaveLength(2);
    expect(signedRingArea(ring[0] as PixelPolygon[number])).toBe(56);
    expect(signedRingArea(ring[1] as PixelPolygon[number])).toBe(-30);
  });

  it('splits a label that is not 4-connected into one polygon per piece', () => {
    const { labels } = labelPicture(['a.a', '...', 'a..']);
    const traced = tracePolygons(labels, 3, 3);
    expect(traced.map((t) => [t.label, t.pixels])).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
  });

  it('pinches a one-piece saddle into a shell and a hole touching at one point', () => {
    const { labels } = labelPicture(['aaa.', 'a.a.', 'aa..', '....']);
    const [polygon] = traceInstancePolygons(labels, 4, 4).get(1) ?? [];
    expect(polygon).toHaveLength(2);
    expect(planarPolygonArea(polygon as PixelPolygon)).toBe(7);
    expect(findRingDefect(polygon as PixelPolygon)).toBeUndefined();
  });

  it('round-trips random blobs exactly, and at IoU ≥ 0.98 after simplifying by 0.5 px', () => {
    const next = random(42);
    const width = 96;
    const height = 80;
    for (let scene = 0; scene < 6; scene++) {
      const mask = new Uint8Array(width * height);
      for (let k = 0; k < 14; k++) {
        const cx = next() * width;
        const cy = next() * height;
        const rx = 4 + next() * 14;
        const ry = 4 + next() * 14;
        const holeR = next() < 0.4 ? Math.min(rx, ry) * 0.4 : 0;
        for (let y = 0; y < height; y++)
          for (let x = 0; x < width; x++) {
            const d = ((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2;
            const inHole = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 < holeR * holeR;
            if (d <= 1 && !inHole) mask[y * width + x] = 1;
          }
      }
      for (let i = 0; i < mask.length; i++) if (next() < 0.01) mask[i] = 1 - (mask[i] as number);
      const { labels } = labelComponents(mask, { width, height });
      const traced = traceInstancePolygons(labels, width, height);
      expect([...rasterizeBack(traced, width, height)]).toEqual([...labels]);
      const simplified = new Map<number, PixelPolygon[]>();
      for (const [label, polygons] of traced) {
        const kept = polygons.map((p) => simplifyPixelPolygon(p, 0.5)).filter((p) => p !== undefined);
        for (const p of kept) expect(findRingDefect(p)).toBeUndefined();
        simplified.set(label, kept);
      }
      const big = new Int32Array(labels.length);
      const areas = new Map<number, number>();
      labels.forEach((l) => areas.set(l, (areas.get(l) ?? 0) + 1));
      // Simplification may shave a few pixels off tiny specks; buildings of 30+ pixels must keep IoU ≥ 0.98.
      labels.forEach((l, i) => (big[i] = (areas.get(l) ?? 0) >= 30 ? l : 0));
      const back = rasterizeBack(simplified, width, height).map((l) => ((areas.get(l) ?? 0) >= 30 ? l : 0));
      expect(worstLabelIoU(big, back)).toBeGreaterThanOrEqual(0.98);
    }
  });

  it('handles an empty raster and a full one', () => {
    expect(traceInstancePolygons(new Int32Array(6), 3, 2).size).toBe(0);
    const full = traceInstancePolygons(new Int32Array(6).fill(4), 3, 2).get(4);
    expect(full).toEqual([
      [
        [
          [0, 0],
          [3, 0],
          [3, 2],
          [0, 2],
          [0, 0],
        ],
      ],
    ]);
  });

  it('rejects a size mismatch and negative labels', () => {
    expect(() => traceInstancePolygons(new Int32Array(5), 2, 2)).toThrow(/label raster has 5 pixels/);
    expect(() => traceInstancePolygons(Int32Array.from([0, -1, 0, 0]), 2, 2)).toThrow(/negative label -1/);
  });
});

describe('traceLabel', () => {
  it('gives the rings of tracing a crop of the bounding box holding only that label, shifted by the offset', () => {
    const width = 60;
    const height = 45;
    const image = instancesFromMulticlass(randomClassMap(7, width, height, [0, 1, 1, 1, 2, 3]), {
      width,
      height,
    });
    expect(image.count).toBeGreaterThan(10);
    for (let label = 1; label <= image.count; label++) {
      const box = { x0: width, y0: height, x1: 0, y1: 0 };
      image.labels.forEach((l, i) => {
        if (l !== label) return;
        const x = i % width;
        const y = Math.floor(i / width);
        Object.assign(box, {
          x0: Math.min(box.x0, x),
          y0: Math.min(box.y0, y),
          x1: Math.max(box.x1, x + 1),
          y1: Math.max(box.y1, y + 1),
        });
      });
      const w = box.x1 - box.x0;
      const h = box.y1 - box.y0;
      const crop = Int32Array.from({ length: w * h }, (_, i) =>
        image.labels[(box.y0 + Math.floor(i / w)) * width + box.x0 + (i % w)] === label ? 1 : 0,
      );
      const [piece] = tracePolygons(crop, w, h, { connected: true });
      const shifted = piece?.polygon.map((ring) => ring.map(([x, y]) => [x + box.x0 + 100, y + box.y0 - 3]));
      expect(traceLabel(image, label, box, { offset: [100, -3] })).toEqual(shifted);
      const pixels = image.labels.filter((l) => l === label).length;
      expect(traceLabel(image, label, box, { offset: [100, -3], pixels })).toEqual(shifted);
    }
  });

  it('rejects a box that is empty or leaves the image', () => {
    const image = { labels: new Int32Array(12).fill(1), width: 4, height: 3, count: 1 };
    expect(traceLabel(image, 1, { x0: 0, y0: 0, x1: 4, y1: 3 })).toHaveLength(1);
    expect(() => traceLabel(image, 1, { x0: 0, y0: 0, x1: 5, y1: 3 })).toThrow(/box 0,0..5,3/);
    expect(() => traceLabel(image, 1, { x0: 2, y0: 0, x1: 2, y1: 3 })).toThrow(/non-empty box/);
  });
});
