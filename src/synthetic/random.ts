/** @module synthetic/random — seeded integer hashing, a small PRNG and smooth value noise; the scene's only source of chance. */

/** Murmur3-style mixing of one 32-bit integer into a running hash. */
function mixInt(h: number, v: number): number {
  let k = Math.imul(v | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** Murmur3 finaliser: spreads every input bit over the whole word. */
function finalise(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A well-mixed unsigned 32-bit hash of a seed, a tag and up to three integer coordinates.
 * @param seed - scene seed (any 32-bit integer)
 * @param tag - a constant naming what the hash is for, so different uses never correlate
 * @param a - first coordinate, default 0
 * @param b - second coordinate, default 0
 * @param c - third coordinate, default 0
 * @returns an integer in 0..2^32-1
 */
export function hashInts(seed: number, tag: number, a = 0, b = 0, c = 0): number {
  let h = mixInt(0x27d4eb2f, seed);
  h = mixInt(h, tag);
  h = mixInt(h, a);
  h = mixInt(h, b);
  h = mixInt(h, c);
  return finalise(h ^ 20);
}

/** A cheap hash of a seed and a pixel position (one multiply round and the finaliser), for per-pixel noise. */
export function hashPixel(seed: number, x: number, y: number): number {
  return finalise(
    Math.imul(x | 0, 0x27d4eb2d) ^ Math.imul(y | 0, 0x165667b1) ^ Math.imul(seed | 0, 0x9e3779b1),
  );
}

/** `hashInts` mapped to [0, 1). */
export function hashUnit(seed: number, tag: number, a = 0, b = 0, c = 0): number {
  return hashInts(seed, tag, a, b, c) / 4294967296;
}

/** A deterministic stream of pseudo-random numbers. */
export interface Random {
  /** Next number in [0, 1). */
  next(): number;
  /** Uniform number in [lo, hi). */
  range(lo: number, hi: number): number;
  /** Uniform integer in lo..hi inclusive. */
  int(lo: number, hi: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

/**
 * A mulberry32 generator started from a 32-bit state (use `hashInts` to derive the state from coordinates).
 * @param state - initial 32-bit state
 * @returns a generator whose sequence depends only on `state`
 */
export function createRandom(state: number): Random {
  let s = state >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    range: (lo, hi) => lo + (hi - lo) * next(),
    int: (lo, hi) => lo + Math.floor((hi - lo + 1) * next()),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T =>
      items[Math.min(items.length - 1, Math.floor(items.length * next()))] as T,
  };
}

/** Smoothstep weight 3t² − 2t³, the interpolation of every value noise here. */
export function smoothWeight(t: number): number {
  return t * t * (3 - 2 * t);
}

/**
 * One-dimensional value noise: hashed values at integer lattice points, smoothly interpolated.
 * @returns a number in [0, 1]
 */
export function valueNoise1(seed: number, tag: number, x: number, channel = 0): number {
  const i = Math.floor(x);
  const w = smoothWeight(x - i);
  const a = hashUnit(seed, tag, i, channel);
  const b = hashUnit(seed, tag, i + 1, channel);
  return a + (b - a) * w;
}

/**
 * Two-dimensional value noise at a point (for sparse use; whole rasters use `noise-field.ts`).
 * @returns a number in [0, 1]
 */
export function valueNoise2(seed: number, tag: number, x: number, y: number): number {
  const i = Math.floor(x);
  const j = Math.floor(y);
  const wx = smoothWeight(x - i);
  const wy = smoothWeight(y - j);
  const a = hashUnit(seed, tag, i, j);
  const b = hashUnit(seed, tag, i + 1, j);
  const c = hashUnit(seed, tag, i, j + 1);
  const d = hashUnit(seed, tag, i + 1, j + 1);
  const top = a + (b - a) * wx;
  const bottom = c + (d - c) * wx;
  return top + (bottom - top) * wy;
}

/** Tags that keep the hash streams of different scene features apart. */
export const Tag = {
  lineS: 1,
  lineT: 2,
  lineKind: 3,
  superblock: 4,
  laneS: 5,
  laneT: 6,
  wiggle: 7,
  block: 8,
  density: 9,
  groundMoisture: 10,
  groundVegetation: 11,
  groundPatch: 12,
  groundGrain: 13,
  sensor: 15,
  rotation: 16,
  crown: 18,
  plot: 20,
  vehicle: 21,
} as const;
