/**
 * @module ml/metrics/instance-matching — object-level precision, recall and F1 of label rasters: pixel overlaps of
 * instances fed to the one matcher of polygons/ (`matchInstances`, one-to-one at IoU ≥ 0.5, greedy by IoU).
 */
import { invalid } from '../../shared/index.ts';
import { matchInstances, matchScores } from '../../polygons/index.ts';
import type { LabelImage, OverlapPair } from '../../polygons/index.ts';

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
  const { precision, recall, f1 } = matchScores(counts);
  const { tp, fp, fn } = counts;
  return { object_precision: precision, object_recall: recall, object_f1: f1, tp, fp, fn };
}
