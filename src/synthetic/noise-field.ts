/**
 * @module synthetic/noise-field — smooth fields sampled over a whole pixel window at once: a lattice in ground metres
 * (global, so windows agree) interpolated with per-column and per-row weights, a few nanoseconds per pixel.
 */
import { hashInts, hashPixel, smoothWeight } from './random.ts';
import type { PixelWindow } from './pixel-window.ts';

type Axis = { index: Int32Array; weight: Float64Array; first: number; count: number };

function axisOf(coords: Float64Array, spacing: number, smooth: boolean): Axis {
  const index = new Int32Array(coords.length);
  const weight = new Float64Array(coords.length);
  let first = Infinity;
  let last = -Infinity;
  coords.forEach((c, i) => {
    const f = c / spacing;
    const k = Math.floor(f);
    index[i] = k;
    weight[i] = smooth ? smoothWeight(f - k) : f - k;
    first = Math.min(first, k);
    last = Math.max(last, k + 1);
  });
  return { index, weight, first, count: last - first + 1 };
}

/**
 * Adds `amplitude ×` a lattice field to `out` over a window: `valueAt(i, j)` is the field at ground point
 * `(i·spacing, j·spacing)`, and pixels interpolate between the four lattice points around them.
 * @param win - the window
 * @param spacing - lattice spacing, ground metres
 * @param valueAt - value at lattice point (i, j)
 * @param out - one value per pixel, row-major; added to
 * @param amplitude - scale of the added field, default 1
 * @param smooth - smoothstep weights (value noise) instead of linear, default true
 */
export function addLatticeField(
  win: PixelWindow,
  spacing: number,
  valueAt: (i: number, j: number) => number,
  out: Float32Array,
  amplitude = 1,
  smooth = true,
): void {
  const ax = axisOf(win.us, spacing, smooth);
  const ay = axisOf(win.vs, spacing, smooth);
  const lattice = new Float32Array(ax.count * ay.count);
  for (let j = 0; j < ay.count; j++)
    for (let i = 0; i < ax.count; i++)
      lattice[j * ax.count + i] = amplitude * valueAt(ax.first + i, ay.first + j);
  const { width, height } = win;
  // Columns sharing a lattice cell form a run (us increases with the column).
  const runStart: number[] = [];
  const runCell: number[] = [];
  for (let col = 0; col < width; col++) {
    const k = (ax.index[col] as number) - ax.first;
    if (col === 0 || k !== runCell[runCell.length - 1]) {
      runStart.push(col);
      runCell.push(k);
    }
  }
  runStart.push(width);
  const columnWeight = ax.weight;
  for (let row = 0; row < height; row++) {
    const top = ((ay.index[row] as number) - ay.first) * ax.count;
    const bottom = top + ax.count;
    const wy = ay.weight[row] as number;
    const base = row * width;
    for (let r = 0; r < runCell.length; r++) {
      const k = runCell[r] as number;
      const a = lattice[top + k] as number;
      const b = lattice[top + k + 1] as number;
      const c = lattice[bottom + k] as number;
      const d = lattice[bottom + k + 1] as number;
      // Within a cell the value is offset + slope × wx.
      const offset = a + (c - a) * wy;
      const slope = b - a + (d - c - (b - a)) * wy;
      const end = runStart[r + 1] as number;
      for (let col = runStart[r] as number; col < end; col++)
        out[base + col] = (out[base + col] as number) + offset + slope * (columnWeight[col] as number);
    }
  }
}

/**
 * Fractal value noise over a window, centred on 0: octaves of the given wavelengths (ground metres) and amplitudes.
 * Octaves finer than 1.5 pixels are left out (they would only alias), so coarse zooms look smooth rather than noisy.
 * @returns one value per pixel, row-major; the sum of amplitude × (noise − 0.5) over the kept octaves
 */
export function sampleNoise(
  win: PixelWindow,
  seed: number,
  tag: number,
  octaves: ReadonlyArray<readonly [wavelength: number, amplitude: number]>,
): Float32Array {
  const out = new Float32Array(win.width * win.height);
  octaves.forEach(([wavelength, amplitude], k) => {
    if (wavelength < 1.5 * win.metresPerPixel) return;
    // One full hash per octave, then the cheap per-point hash for its many lattice points.
    const octaveSeed = hashInts(seed, tag, k);
    addLatticeField(
      win,
      wavelength,
      (i, j) => hashPixel(octaveSeed, i, j) / 4294967296 - 0.5,
      out,
      amplitude,
    );
  });
  return out;
}
