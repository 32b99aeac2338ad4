/** @module ml/train/rng — a small, fast, seeded PRNG (xoshiro128**) so shuffles, splits and augmentation repeat exactly. */
import { invalid } from '../../shared/index.ts';

/** The four 32-bit words of an xoshiro128** generator; enough to resume a stream exactly. */
export type RngState = [number, number, number, number];

/** A seeded pseudo-random stream. Not for cryptography. */
export interface Rng {
  /** A uniform float in [0, 1) with 32 bits of randomness. */
  next(): number;
  /**
   * A uniform integer in [0, n).
   * @throws AppError INVALID_PARAMETER_VALUE when `n` is not a positive safe integer
   */
  int(n: number): number;
  /** A standard normal variate (Box–Muller; one uniform pair per call, the second value is discarded). */
  normal(): number;
  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T>(array: T[]): T[];
  /** A copy of the generator's state; `restoreRng(state)` continues the stream from here. */
  state(): RngState;
}

const TWO_POW_32 = 4294967296;

/**
 * Creates a seeded generator (xoshiro128**, state expanded from the seed by splitmix32).
 * @param seed - any safe integer; the same seed always yields the same stream
 * @returns the generator
 * @throws AppError INVALID_PARAMETER_VALUE when `seed` is not a safe integer
 * @example
 * const rng = createRng(42);
 * const order = rng.shuffle([0, 1, 2, 3]);
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) invalid(`rng seed ${seed} is not a safe integer`);
  const low = seed >>> 0;
  const high = Math.floor(seed / TWO_POW_32) >>> 0;
  let x = (low ^ Math.imul(high, 0x9e3779b9)) >>> 0;
  const words: number[] = [];
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9e3779b9) >>> 0;
    words.push(splitmix32(x));
  }
  if (!words.some((w) => w !== 0)) words[0] = 1;
  return generatorFrom(words as RngState);
}

/**
 * Recreates a generator from `Rng.state()`.
 * @param state - four 32-bit unsigned integers, not all zero
 * @returns a generator that continues the saved stream
 * @throws AppError INVALID_PARAMETER_VALUE when the state is malformed
 */
export function restoreRng(state: readonly number[]): Rng {
  const ok = state.length === 4 && state.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32);
  if (!ok || !state.some((w) => w !== 0))
    invalid(`rng state ${JSON.stringify(state)} is not four 32-bit words`);
  return generatorFrom([state[0] ?? 0, state[1] ?? 0, state[2] ?? 0, state[3] ?? 0]);
}

function splitmix32(input: number): number {
  let z = input;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function generatorFrom(initial: RngState): Rng {
  let s0 = initial[0] | 0;
  let s1 = initial[1] | 0;
  let s2 = initial[2] | 0;
  let s3 = initial[3] | 0;

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result >>> 0;
  };
  const next = (): number => nextUint32() / TWO_POW_32;

  return {
    next,
    int(n) {
      if (!Number.isSafeInteger(n) || n <= 0) invalid(`rng.int bound ${n} is not a positive integer`);
      return Math.floor(next() * n);
    },
    normal() {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    shuffle(array) {
      for (let i = array.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const tmp = array[i] as (typeof array)[number];
        array[i] = array[j] as (typeof array)[number];
        array[j] = tmp;
      }
      return array;
    },
    state: () => [s0 >>> 0, s1 >>> 0, s2 >>> 0, s3 >>> 0],
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
