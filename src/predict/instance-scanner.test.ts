/**
 * @module predict/instance-scanner.test — buildings found band by band come out once and whole, whatever the band
 * boundaries; stripes sharing a margin emit each building once.
 */
import { describe, expect, it } from 'vitest';
import { InstanceScanner } from './instance-scanner.ts';
import type { PixelInstance, ScannerSettings } from './instance-scanner.ts';

type Rect = [number, number, number, number];

/** A building-probability field (0.9 inside rectangles, 0.1 elsewhere) and, for multi-class, a class field. */
function field(
  width: number,
  height: number,
  rects: Rect[],
  border = 0,
): { p: Float32Array; cls: Uint8Array } {
  const p = new Float32Array(width * height).fill(0.1);
  const cls = new Uint8Array(width * height).fill(1);
  for (const [x0, y0, x1, y1] of rects)
    for (let y = y0; y < y1; y++)
      for (let x = x0; x < x1; x++) {
        p[y * width + x] = 0.9;
        const edge = x - x0 < border || x1 - 1 - x < border || y - y0 < border || y1 - 1 - y < border;
        cls[y * width + x] = edge ? 2 : 1;
      }
  return { p, cls };
}

/** Pushes rows `[x0, x1)` of the field in bands of the given heights. */
function scan(
  f: { p: Float32Array; cls: Uint8Array },
  width: number,
  height: number,
  bands: number[],
  settings: Partial<ScannerSettings> & { x0?: number; x1?: number } = {},
): PixelInstance[] {
  const x0 = settings.x0 ?? 0;
  const x1 = settings.x1 ?? width;
  const w = x1 - x0;
  const scanner = new InstanceScanner({
    width: w,
    coreX0: x0,
    coreX1: x1,
    gridHeight: height,
    confidence: 0.5,
    multiclass: false,
    ...settings,
    x0,
  });
  const found: PixelInstance[] = [];
  let y = 0;
  for (let k = 0; y < height; k++) {
    const rows = Math.min(height - y, bands[k % bands.length] as number);
    const building = new Float32Array(rows * w);
    const foregroundClass = new Uint8Array(rows * w);
    for (let r = 0; r < rows; r++) {
      building.set(f.p.subarray((y + r) * width + x0, (y + r) * width + x1), r * w);
      foregroundClass.set(f.cls.subarray((y + r) * width + x0, (y + r) * width + x1), r * w);
    }
    found.push(
      ...scanner.push({
        y0: y,
        rows,
        width: w,
        building,
        ...(settings.multiclass ? { foregroundClass } : {}),
      }),
    );
    y += rows;
  }
  return found;
}

/** Instances as comparable strings: bbox of the outer ring and pixel count. */
function describe_(instances: PixelInstance[]): string[] {
  return instances
    .map((i) => {
      const xs = (i.polygon[0] ?? []).map((p) => p[0]);
      const ys = (i.polygon[0] ?? []).map((p) => p[1]);
      return `${Math.min(...xs)},${Math.min(...ys)}-${Math.max(...xs)},${Math.max(...ys)}:${i.pixels}`;
    })
    .sort();
}

const W = 64;
const H = 60;
const rects: Rect[] = [
  [2, 2, 10, 8],
  [12, 5, 30, 40], // tall: spans many bands
  [35, 19, 45, 22], // thin, straddles row 20
  [50, 0, 60, 60], // the whole height
  [2, 50, 8, 60], // touches the bottom
];

describe('InstanceScanner', () => {
  it('finds every building once and whole whatever the band heights', () => {
    const f = field(W, H, rects);
    const oneShot = describe_(scan(f, W, H, [H]));
    expect(oneShot).toHaveLength(rects.length);
    for (const bands of [[1], [7], [20], [3, 11, 5]])
      expect(describe_(scan(f, W, H, bands))).toEqual(oneShot);
  });

  it('reports the mean probability of each building as its confidence', () => {
    const found = scan(field(W, H, rects), W, H, [9]);
    for (const instance of found) expect(instance.confidence).toBeCloseTo(0.9, 5);
  });

  it('keeps only the rows of buildings still open between bands', () => {
    const f = field(W, H, [[10, 30, 20, 45]]);
    const scanner = new InstanceScanner({
      x0: 0,
      width: W,
      coreX0: 0,
      coreX1: W,
      gridHeight: H,
      confidence: 0.5,
      multiclass: false,
    });
    const band = (y0: number, rows: number) => ({
      y0,
      rows,
      width: W,
      building: f.p.slice(y0 * W, (y0 + rows) * W),
    });
    expect(scanner.push(band(0, 20))).toHaveLength(0);
    expect(scanner.rowsHeld).toBe(0);
    expect(scanner.push(band(20, 20))).toHaveLength(0);
    expect(scanner.rowsHeld).toBe(10); // rows 30..39 of the open building
    expect(scanner.push(band(40, 20))).toHaveLength(1);
  });

  it('emits a building only from the stripe that holds its westmost pixel', () => {
    const f = field(W, H, rects);
    const all = describe_(scan(f, W, H, [13]));
    // Two stripes: cores [0, 32) and [32, 64), each with a 16-column margin.
    const west = scan(f, W, H, [13], { x0: 0, x1: 48, coreX0: 0, coreX1: 32 });
    const east = scan(f, W, H, [13], { x0: 16, x1: 64, coreX0: 32, coreX1: 64 });
    expect(describe_([...west, ...east])).toEqual(all);
  });

  it('separates buildings that share a wall with multi-class output, across bands', () => {
    // Two rectangles sharing the wall at x = 20; boundary pixels (class 2) along every edge keep the seeds apart.
    const f = field(
      W,
      H,
      [
        [10, 10, 20, 30],
        [20, 10, 32, 30],
      ],
      2,
    );
    const one = describe_(scan(f, W, H, [H], { multiclass: true }));
    expect(one).toHaveLength(2);
    for (const bands of [[5], [17], [2, 9]])
      expect(describe_(scan(f, W, H, bands, { multiclass: true }))).toEqual(one);
  });

  it('emits buildings taller than the carry limit in pieces instead of holding rows without bound', () => {
    const f = field(W, H, [[5, 0, 15, 60]]);
    const found = scan(f, W, H, [10], { maxCarryRows: 25 });
    expect(found.length).toBeGreaterThan(1);
    expect(found.reduce((n, i) => n + i.pixels, 0)).toBe(10 * 60);
  });

  it('rejects rows without classes for multi-class output', () => {
    const scanner = new InstanceScanner({
      x0: 0,
      width: 4,
      coreX0: 0,
      coreX1: 4,
      gridHeight: 2,
      confidence: 0.5,
      multiclass: true,
    });
    expect(() => scanner.push({ y0: 0, rows: 2, width: 4, building: new Float32Array(8) })).toThrow(
      /no foregroundClass/,
    );
  });
});
