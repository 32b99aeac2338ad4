/** @module predict/probability-rows.test — blending windows onto the grid and handing out finished rows. */
import { describe, expect, it } from 'vitest';
import { instanceClassMap } from '../polygons/index.ts';
import { ProbabilityRows } from './probability-rows.ts';
import { windowOrigins } from './window-grid.ts';

/** Runs windows of `field(x, y)` (per channel) over a grid and returns the stitched rows. */
function stitch(
  width: number,
  height: number,
  size: number,
  overlap: number,
  channels: number,
  field: (x: number, y: number, c: number) => number,
  crop: [number, number] = [0, width],
): { building: number[]; classes: number[]; rows: number } {
  const ys = windowOrigins(height, size, overlap);
  const xs = windowOrigins(width, size, overlap);
  const rows = new ProbabilityRows({
    x0: 0,
    x1: width,
    cropX0: crop[0],
    cropX1: crop[1],
    height,
    channels,
    inputSize: size,
    overlap,
  });
  const building: number[] = [];
  const classes: number[] = [];
  let total = 0;
  ys.forEach((wy, j) => {
    const output = new Float32Array(xs.length * channels * size * size);
    xs.forEach((wx, slot) => {
      for (let c = 0; c < channels; c++)
        for (let r = 0; r < size; r++)
          for (let i = 0; i < size; i++)
            output[((slot * channels + c) * size + r) * size + i] = field(wx + i, wy + r, c);
      rows.add(output, slot, wx, wy);
    });
    const done = rows.take(ys[j + 1] ?? height);
    expect(done.y0).toBe(total);
    total += done.rows;
    building.push(...done.building);
    if (done.foregroundClass) classes.push(...done.foregroundClass);
  });
  return { building, classes, rows: total };
}

describe('ProbabilityRows', () => {
  it('reproduces a field exactly wherever windows overlap, with and without a ramp', () => {
    const field = (x: number, y: number): number => ((x * 7 + y * 3) % 100) / 100;
    for (const overlap of [0, 3, 6]) {
      const { building, rows } = stitch(30, 27, 12, overlap, 1, field);
      expect(rows).toBe(27);
      building.forEach((v, i) => expect(v).toBeCloseTo(field(i % 30, Math.floor(i / 30)), 5));
    }
  });

  it('blends disagreeing windows towards the window whose centre is nearer', () => {
    // Each window outputs its own origin/100: at a pixel near a window's left edge the neighbour to the left wins.
    const width = 20;
    const xs = windowOrigins(width, 12, 4);
    const rows = new ProbabilityRows({
      x0: 0,
      x1: width,
      cropX0: 0,
      cropX1: width,
      height: 12,
      channels: 1,
      inputSize: 12,
      overlap: 4,
    });
    for (const wx of xs) rows.add(new Float32Array(12 * 12).fill(wx / 100), 0, wx, 0);
    const row = rows.take(12).building.subarray(0, width);
    expect(xs).toEqual([0, 8]);
    expect(row[8]).toBeLessThan(0.02); // first column of window 8: weight 1/5 against 4/5
    expect(row[11]).toBeGreaterThan(0.06); // last column of window 0: weight 1/5 against 4/5
    expect(row[0]).toBeCloseTo(0, 6);
    expect(row[19]).toBeCloseTo(0.08, 6);
  });

  it('turns several classes into 1 − P(background) and the best foreground class', () => {
    const field = (x: number, _y: number, c: number): number =>
      c === 0 ? 0.2 : c === 1 + (x % 3) ? 0.5 : 0.15;
    const { building, classes } = stitch(16, 8, 8, 2, 4, field);
    expect(building[0]).toBeCloseTo(0.8, 5);
    expect(classes.slice(0, 6)).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('decides building pixels and seeds as polygons instanceClassMap does', () => {
    // A random softmax field over 4 classes; without overlap the stitched rows are the field itself.
    const width = 24;
    const height = 16;
    const plane = width * height;
    const field = new Float32Array(4 * plane);
    let state = 7;
    const random = (): number => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 4 - 2;
    for (let i = 0; i < plane; i++) {
      const logits = [random(), random() + 0.5, random(), random() - 0.5].map(Math.exp);
      const total = logits.reduce((a, b) => a + b, 0);
      logits.forEach((v, c) => (field[c * plane + i] = v / total));
    }
    const { building, classes } = stitch(
      width,
      height,
      8,
      0,
      4,
      (x, y, c) => field[c * plane + y * width + x] as number,
    );
    for (const confidence of [0.5, 0.7]) {
      const scanned = classes.map((c, i) => ((building[i] as number) >= confidence ? c : 0));
      expect(scanned).toEqual([...instanceClassMap(field, 4, confidence)]);
    }
    expect(new Set(classes)).toEqual(new Set([1, 2, 3]));
  });

  it('crops to the columns asked for', () => {
    const field = (x: number): number => x / 100;
    const { building } = stitch(24, 8, 8, 0, 1, field, [5, 9]);
    expect(building.slice(0, 4).map((v) => Math.round(v * 100))).toEqual([5, 6, 7, 8]);
  });

  it('refuses windows that do not start at the first open row', () => {
    const rows = new ProbabilityRows({
      x0: 0,
      x1: 8,
      cropX0: 0,
      cropX1: 8,
      height: 16,
      channels: 1,
      inputSize: 8,
      overlap: 0,
    });
    expect(() => rows.add(new Float32Array(64), 0, 0, 8)).toThrow(/window row 8 is not the first open row 0/);
    expect(() => rows.take(9)).toThrow(/rows up to 9 cannot be taken/);
  });
});
