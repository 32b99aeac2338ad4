/**
 * @module synthetic/noise-field — smooth fields sampled over a whole pixel window at once: a lattice in ground metres
 * (global, so windows agree) interpolated with per-column and per-row weights, a few nanoseconds per pixel.
 */
import { hashUnit, smoothWeight } from './random.ts';
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
 * Samples a lattice field over a window: `valueAt(i, j)` is the field at ground point `(i·spacing, j·spacing)`, and
 * pixels interpolate between the four lattice points around them.
 * @param win - the window
 * @param spacing - lattice spacing, ground metres
 * @param valueAt - value at lattice point (i, j)
 * @param smooth - smoothstep weights (value noise) instead of linear, default true
 * @returns one value per pixel, row-major
 */
export function sampleLatticeField(
  win: PixelWindow,
  spacing: number,
  valueAt: (i: number, j: number) => number,
  smooth = true,
): Float32Array {
  const ax = axisOf(win.us, spacing, smooth);
  const ay = axisOf(win.vs, spacing, smooth);
  const lattice = new Float32Array(ax.count * ay.count);
  for (let j = 0; j < ay.count; j++)
    for (let i = 0; i < ax.count; i++) lattice[j * ax.count + i] = valueAt(ax.first + i, ay.first + j);
  const out = new Float32Array(win.width * win.height);
  for (let row = 0; row < win.height; row++) {
    const j = (ay.index[row] as number) - ay.first;
    const wy = ay.weight[row] as number;
    const top = j * ax.count;
    const bottom = top + ax.count;
    for (let col = 0; col < win.width; col++) {
      const i = (ax.index[col] as number) - ax.first;
      const wx = ax.weight[col] as number;
      const a = lattice[top + i] as number;
      const b = lattice[top + i + 1] as number;
      const c = lattice[bottom + i] as number;
      const d = lattice[bottom + i + 1] as number;
      const upper = a + (b - a) * wx;
      out[row * win.width + col] = upper + (c + (d - c) * wx - upper) * wy;
    }
  }
  return out;
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
    const layer = sampleLatticeField(win, wavelength, (i, j) => hashUnit(seed, tag, i, j, k) - 0.5);
    for (let p = 0; p < out.length; p++) out[p] = (out[p] as number) + amplitude * (layer[p] as number);
  });
  return out;
}
