import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/index.ts';
import { createRng, restoreRng } from './rng.ts';

const draws = (seed: number, n: number): number[] => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe('createRng', () => {
  it('repeats the same stream for the same seed and differs for another seed', () => {
    expect(draws(42, 100)).toEqual(draws(42, 100));
    expect(draws(42, 100)).not.toEqual(draws(43, 100));
    expect(draws(2 ** 40, 10)).not.toEqual(draws(0, 10));
  });

  it('draws uniform floats in [0, 1) with the expected mean', () => {
    const values = draws(1, 20_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeCloseTo(0.5, 1);
  });

  it('draws integers in [0, n) hitting every value', () => {
    const rng = createRng(5);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(rng.int(7));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(() => rng.int(0)).toThrow(AppError);
  });

  it('draws standard normal variates', () => {
    const rng = createRng(9);
    const values = Array.from({ length: 20_000 }, () => rng.normal());
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(variance).toBeGreaterThan(0.95);
    expect(variance).toBeLessThan(1.05);
  });

  it('shuffles into a permutation, deterministically', () => {
    const a = createRng(3).shuffle(Array.from({ length: 50 }, (_, i) => i));
    const b = createRng(3).shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('continues the exact stream from a saved state', () => {
    const rng = createRng(11);
    for (let i = 0; i < 17; i++) rng.next();
    const resumed = restoreRng(rng.state());
    expect(Array.from({ length: 20 }, () => resumed.next())).toEqual(
      Array.from({ length: 20 }, () => rng.next()),
    );
  });

  it('rejects seeds and states it cannot use', () => {
    expect(() => createRng(1.5)).toThrow(/seed 1.5/);
    expect(() => createRng(Number.NaN)).toThrow(AppError);
    expect(() => restoreRng([0, 0, 0, 0])).toThrow(/rng state/);
    expect(() => restoreRng([1, 2, 3])).toThrow(AppError);
  });
});
