import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/index.ts';
import { classFrequencies, inverseSqrtFrequencyWeights, positiveWeightForBinary } from './class-weights.ts';

/** A mask holding `counts[c]` pixels of class c. */
function maskOf(counts: number[]): Uint8Array {
  const mask = new Uint8Array(counts.reduce((a, b) => a + b, 0));
  let at = 0;
  counts.forEach((n, c) => {
    mask.fill(c, at, at + n);
    at += n;
  });
  return mask;
}
const rounded = (values: number[]): number[] => values.map((v) => Number(v.toFixed(6)));

describe('class weights', () => {
  it('counts class frequencies over several masks', () => {
    expect(classFrequencies([maskOf([3, 1]), maskOf([1, 3])], 2)).toEqual([0.5, 0.5]);
    expect(classFrequencies([maskOf([2, 0, 2])], 3)).toEqual([0.5, 0, 0.5]);
  });

  it('gives the Banepa weights 1 / 1.19 / 2.91 / 7.28 for its class frequencies', () => {
    // Pixel counts proportional to 1 / w², as in the quality-facts hold-out.
    const freqs = classFrequencies([maskOf([100_000, 70_616, 11_809, 1_887])], 4);
    const weights = inverseSqrtFrequencyWeights(freqs);
    expect(weights.map((w) => Number(w.toFixed(2)))).toEqual([1, 1.19, 2.91, 7.28]);
  });

  it('gives an absent class the largest weight and honours maxWeight', () => {
    expect(rounded(inverseSqrtFrequencyWeights([0.64, 0.36, 0, 0.04]))).toEqual([1, 1.333333, 4, 4]);
    expect(rounded(inverseSqrtFrequencyWeights([0.64, 0.36, 0, 0.04], { maxWeight: 2 }))).toEqual([
      1, 1.333333, 2, 2,
    ]);
  });

  it('weighs positives of a binary loss against all non-background classes', () => {
    expect(positiveWeightForBinary([0.8, 0.2])).toBeCloseTo(2, 12);
    expect(positiveWeightForBinary([0.8, 0.1, 0.1])).toBeCloseTo(2, 12);
    expect(positiveWeightForBinary([1, 0])).toBe(1);
  });

  it('rejects out-of-range class values, empty input and absent background', () => {
    expect(() => classFrequencies([Uint8Array.of(0, 4)], 4)).toThrow(/mask 0 holds class value 4/);
    expect(() => classFrequencies([], 2)).toThrow(/zero pixels/);
    expect(() => inverseSqrtFrequencyWeights([0, 1])).toThrow(/background/);
    expect(() => inverseSqrtFrequencyWeights([0.5, -0.1])).toThrow(AppError);
  });
});
