/**
 * @module ml/metrics/instance-matching — object-level precision, recall and F1: one-to-one matching of predicted and
 * reference instances at IoU ≥ 0.5, greedy by IoU as SpaceNet scores. The matcher takes sparse IoU pairs, so label
 * rasters (here) and polygons (the prediction pipeline) share it.
 */
import { invalid } from '../../shared/index.ts';
import { safeRatio } from './pixel-metrics.ts';
import type { LabelImage } from './connected-components.ts';

/** The IoU of one candidate pair: 0-based indices of a predicted and a reference instance. */
export type OverlapPair = { pred: number; truth: number; iou: number };

/** The outcome of matching: the accepted pairs and the counts behind the object scores. */
export type MatchResult = { matches: OverlapPair[]; tp: number; fp: number; fn: number };

/** Object scores; 0/0 follows the pixel rule (1 when both sides are empty, else 0). */
export type ObjectMetricsResult = {
  object_precision: number;
  object_recall: number;
  object_f1: number;
  tp: number;
  fp: number;
  fn: number;
};

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
 * IoUs of every overlapping pair of instances of two label images, from one pass over the pixels (areas and
 * intersections counted together). Instance `k` (label k) becomes index `k − 1`.
 * @param pred - predicted instances
 * @param truth - reference instances, same size
 * @returns the non-zero pairs
 * @throws AppError INVALID_PARAMETER_VALUE when the sizes differ or a label is out of range
 */
export function labelOverlaps(pred: LabelImage, truth: LabelImage): OverlapPair[] {
  if (pred.width !== truth.width || pred.height !== truth.height)
    invalid(`prediction is ${pred.width}x${pred.height} but the reference is ${truth.width}x${truth.height}`);
  const predArea = new Float64Array(pred.count + 1);
  const truthArea = new Float64Array(truth.count + 1);
  const stride = truth.count + 1;
  const intersections = new Map<number, number>();
  const p = pred.labels;
  const t = truth.labels;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] as number;
    const b = t[i] as number;
    if (a < 0 || a > pred.count) invalid(`predicted label ${a} is outside 0..${pred.count}`);
    if (b < 0 || b > truth.count) invalid(`reference label ${b} is outside 0..${truth.count}`);
    predArea[a] = (predArea[a] as number) + 1;
    truthArea[b] = (truthArea[b] as number) + 1;
    if (a !== 0 && b !== 0) {
      const key = a * stride + b;
      intersections.set(key, (intersections.get(key) ?? 0) + 1);
    }
  }
  const pairs: OverlapPair[] = [];
  for (const [key, inter] of intersections) {
    const b = key % stride;
    const a = (key - b) / stride;
    const union = (predArea[a] as number) + (truthArea[b] as number) - inter;
    pairs.push({ pred: a - 1, truth: b - 1, iou: inter / union });
  }
  return pairs;
}

/**
 * Object scores of one pair of label images.
 * @param pred - predicted instances
 * @param truth - reference instances, same size
 * @param options - `iouThreshold`, default 0.5
 * @returns precision, recall, F1 and the counts
 * @throws AppError INVALID_PARAMETER_VALUE when the sizes differ
 */
export function objectMetrics(
  pred: LabelImage,
  truth: LabelImage,
  options: { iouThreshold?: number } = {},
): ObjectMetricsResult {
  const { tp, fp, fn } = matchInstances(
    labelOverlaps(pred, truth),
    pred.count,
    truth.count,
    options.iouThreshold,
  );
  return objectScores({ tp, fp, fn });
}

/**
 * Object scores from match counts (summed over chips for a micro-average).
 * @param counts - true positives, false positives, false negatives
 * @returns the scores and the counts
 */
export function objectScores(counts: { tp: number; fp: number; fn: number }): ObjectMetricsResult {
  const { tp, fp, fn } = counts;
  return {
    object_precision: safeRatio(tp, tp + fp, fn === 0),
    object_recall: safeRatio(tp, tp + fn, fp === 0),
    object_f1: safeRatio(2 * tp, 2 * tp + fp + fn),
    tp,
    fp,
    fn,
  };
}

function checkCount(what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) invalid(`${what} ${n} must be an integer >= 0`);
}
