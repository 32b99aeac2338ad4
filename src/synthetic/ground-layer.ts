/**
 * @module synthetic/ground-layer — the ground under everything: laterite soil, compacted yards where it is built up,
 * dry and green grass patches, shrubs, and fine grain; plain ground outside the area.
 */
import { builtDensity } from './density.ts';
import { addLatticeField, sampleNoise } from './noise-field.ts';
import type { PixelWindow } from './pixel-window.ts';
import { Tag } from './random.ts';

/** Noise fields shared by several layers of one window. */
export type WindowFields = {
  /** Built-up density, 0..1. */
  readonly density: Float32Array;
  /** Fine grain (≈ 0.6–1.4 m), centred on 0, roughly ±0.5. */
  readonly grain: Float32Array;
  /** Medium patches (≈ 3–9 m), centred on 0. */
  readonly patch: Float32Array;
};

const DENSITY_SPACING = 24;

/** Computes the shared fields of a window. */
export function sampleWindowFields(win: PixelWindow): WindowFields {
  const { frame } = win;
  const density = new Float32Array(win.width * win.height);
  const spacing = Math.max(DENSITY_SPACING, 4 * win.metresPerPixel);
  addLatticeField(win, spacing, (i, j) => builtDensity(frame, i * spacing, j * spacing), density, 1, false);
  return {
    density,
    grain: sampleNoise(win, frame.seed, Tag.groundGrain, [
      [1.4, 0.7],
      [0.6, 0.5],
    ]),
    patch: sampleNoise(win, frame.seed, Tag.groundPatch, [
      [9, 0.8],
      [3, 0.5],
    ]),
  };
}

function smoothstep(lo: number, hi: number, x: number): number {
  const t = x <= lo ? 0 : x >= hi ? 1 : (x - lo) / (hi - lo);
  return t * t * (3 - 2 * t);
}

/**
 * Paints the ground into an interleaved RGB float buffer (0..255 per channel).
 * @param out - `3 × width × height` floats, overwritten
 */
export function paintGround(win: PixelWindow, fields: WindowFields, out: Float32Array): void {
  const { seed } = win.frame;
  const moisture = sampleNoise(win, seed, Tag.groundMoisture, [
    [220, 1.1],
    [28, 0.5],
  ]);
  const vegetation = sampleNoise(win, seed, Tag.groundVegetation, [
    [55, 1],
    [18, 0.6],
    [5, 0.4],
  ]);
  const n = win.width * win.height;
  for (let p = 0; p < n; p++) {
    const d = fields.density[p] as number;
    const m = Math.max(0, Math.min(1, 0.5 + (moisture[p] as number)));
    const veg = vegetation[p] as number;
    // Bare soil, darker where moist; compacted and dusty where built up.
    let r = 172 - 40 * m;
    let g = 140 - 30 * m;
    let b = 108 - 20 * m;
    const yard = 0.7 * d;
    r += (180 - r) * yard;
    g += (164 - g) * yard;
    b += (142 - b) * yard;
    // Grass: dry straw to green with moisture; sparse where built up.
    const cover = smoothstep(-0.14, 0.2, veg + 0.14 - 0.6 * d);
    const gr = 150 - 52 * m;
    const gg = 144 - 22 * m;
    const gb = 98 - 26 * m;
    r += (gr - r) * cover;
    g += (gg - g) * cover;
    b += (gb - b) * cover;
    // Shrubs: small dark clumps where vegetation is thick.
    const shrub = smoothstep(0.3, 0.42, veg + 0.7 * (fields.patch[p] as number) - 0.3 * d) * 0.8;
    r += (70 - r) * shrub;
    g += (88 - g) * shrub;
    b += (54 - b) * shrub;
    const texture = 1 + 0.26 * (fields.patch[p] as number) + 0.24 * (fields.grain[p] as number);
    out[3 * p] = r * texture;
    out[3 * p + 1] = g * texture;
    out[3 * p + 2] = b * texture;
  }
}
