/** @module bench/median — the median the benchmarks report, so repeated timings on a drifting host read alike. */

/**
 * Median of some numbers (the mean of the middle two for an even count).
 * @param values - at least one number
 * @returns the median
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
