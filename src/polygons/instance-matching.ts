/**
 * @module polygons/instance-matching — one-to-one matching of predicted and reference instances at IoU ≥ a threshold,
 * greedy by IoU as SpaceNet scores. The matcher takes sparse IoU pairs, so label rasters (ml/metrics) and polygons
 * (`matchPolygons`) share it.
 */
import { invalid } from '../shared/index.ts';

/** The IoU of one candidate pair: 0-based indices of a predicted and a reference instance. */
export type OverlapPair = { pred: number; truth: number; iou: number };

/** The outcome of matching: the accepted pairs and the counts behind the object scores. */
export type MatchResult = { matches: OverlapPair[]; tp: number; fp: number; fn: number };

/** Precision, recall and F1 of match counts. */
export type MatchScores = { precision: number; recall: number; f1: number };

/**
 * Matches instances one-to-one: candidate pairs with IoU ≥ `threshold` are taken in descending IoU order (ties by
 * predicted, then reference index), each instance at most once. Pairs absent from `pairs` have IoU 0.
 * @param pairs - sparse candidate pairs (any order; duplicates keep their highest IoU)
 * @param predCount - number of predicted instances
 * @param truthCount - number of reference instances
 * @param threshold - minimum IoU of a match, default 0.5 (in (0, 1])
 * @returns matches, true positives (= matches), false positives and false negatives
 * @throws AppError INVALID_PARAMETER_VALUE on a bad count, threshold or pair
 * @example
 * matchInstances([{ pred: 0, truth: 0, iou: 0.8 }], 2, 1); // { tp: 1, fp: 1, fn: 0, ... }
 */
export function matchInstances(
  pairs: readonly OverlapPair[],
  predCount: number,
  truthCount: number,
  threshold = 0.5,
): MatchResult {
  checkCount('predCount', predCount);
  checkCount('truthCount', truthCount);
  if (!(threshold > 0 && threshold <= 1)) invalid(`IoU threshold ${threshold} must be in (0, 1]`);
  const candidates: OverlapPair[] = [];
  for (const pair of pairs) {
    const { pred, truth, iou } = pair;
    if (!Number.isInteger(pred) || pred < 0 || pred >= predCount)
      invalid(`pair predicted index ${pred} is outside 0..${predCount - 1}`);
    if (!Number.isInteger(truth) || truth < 0 || truth >= truthCount)
      invalid(`pair reference index ${truth} is outside 0..${truthCount - 1}`);
    if (!(iou >= 0 && iou <= 1)) invalid(`pair ${pred}/${truth} has IoU ${iou} outside [0, 1]`);
    if (iou >= threshold) candidates.push(pair);
  }
  candidates.sort((a, b) => b.iou - a.iou || a.pred - b.pred || a.truth - b.truth);
  const predUsed = new Uint8Array(predCount);
  const truthUsed = new Uint8Array(truthCount);
  const matches: OverlapPair[] = [];
  for (const c of candidates) {
    if (predUsed[c.pred] === 1 || truthUsed[c.truth] === 1) continue;
    predUsed[c.pred] = 1;
    truthUsed[c.truth] = 1;
    matches.push({ pred: c.pred, truth: c.truth, iou: c.iou });
  }
  return { matches, tp: matches.length, fp: predCount - matches.length, fn: truthCount - matches.length };
}

/**
 * Precision, recall and F1 of match counts (summed over chips for a micro-average). 0/0 is 1 only when nothing was to
 * be found and nothing was found; otherwise an empty side scores 0.
 * @param counts - true positives, false positives, false negatives
 * @returns the three scores
 */
export function matchScores(counts: { tp: number; fp: number; fn: number }): MatchScores {
  const { tp, fp, fn } = counts;
  return {
    precision: safeRatio(tp, tp + fp, fn === 0),
    recall: safeRatio(tp, tp + fn, fp === 0),
    f1: safeRatio(2 * tp, 2 * tp + fp + fn),
  };
}

/**
 * `numerator / denominator`, or — when the denominator is 0 — 1 if `emptyIsPerfect` (default true) else 0.
 * @param numerator - count of successes
 * @param denominator - count of trials
 * @param emptyIsPerfect - the value of 0/0 is 1 when true, 0 when false
 * @returns the ratio
 */
export function safeRatio(numerator: number, denominator: number, emptyIsPerfect = true): number {
  if (denominator === 0) return emptyIsPerfect ? 1 : 0;
  return numerator / denominator;
}

function checkCount(what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) invalid(`${what} ${n} must be an integer >= 0`);
}
