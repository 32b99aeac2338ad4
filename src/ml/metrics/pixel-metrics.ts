/**
 * @module ml/metrics/pixel-metrics — building-class pixel precision, recall, F1 and IoU accumulated over chips
 * (issue 3, part 5). Pixel accuracy is deliberately absent: on sparse buildings it is high for an empty prediction.
 */
import { invalid } from '../../shared/index.ts';
import { positiveTable, safeRatio } from '../../polygons/index.ts';
import type { PositiveClasses } from '../../polygons/index.ts';

/** Confusion counts of the building class. */
export type PixelCounts = { tp: number; fp: number; fn: number; tn: number };

/**
 * Pixel scores of the building class. Where a ratio is 0/0 — nothing to find and nothing found — it is 1 (perfect
 * agreement on emptiness); where only the denominator's other side is non-empty it is 0.
 */
export type PixelMetricsResult = PixelCounts & {
  pixel_iou: number;
  pixel_precision: number;
  pixel_recall: number;
  pixel_f1: number;
};

/** Sums confusion counts over many chips; scores are computed from the totals (micro-average). */
export interface PixelMetricsAccumulator {
  /**
   * Adds one chip.
   * @throws AppError INVALID_PARAMETER_VALUE when the lengths differ
   */
  add(pred: Uint8Array, truth: Uint8Array): void;
  /** Scores of everything added so far. */
  result(): PixelMetricsResult;
}

/**
 * Creates a pixel-metrics accumulator.
 * @param options - `positive`: the building classes, default every value > 0
 * @returns the accumulator
 * @example
 * const pixels = createPixelMetrics({ positive: [1, 2] });
 * for (const chip of chips) pixels.add(chip.pred, chip.truth);
 * pixels.result().pixel_iou;
 */
export function createPixelMetrics(options: { positive?: PositiveClasses } = {}): PixelMetricsAccumulator {
  const isPositive = positiveTable(options.positive);
  const counts: PixelCounts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  return {
    add(pred, truth) {
      if (pred.length !== truth.length)
        invalid(`prediction has ${pred.length} pixels but the reference has ${truth.length}`);
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (let i = 0; i < pred.length; i++) {
        const p = isPositive[pred[i] as number] as number;
        const t = isPositive[truth[i] as number] as number;
        tp += p & t;
        fp += p & (t ^ 1);
        fn += (p ^ 1) & t;
      }
      counts.tp += tp;
      counts.fp += fp;
      counts.fn += fn;
      counts.tn += pred.length - tp - fp - fn;
    },
    result: () => pixelScores(counts),
  };
}

/**
 * Pixel scores of a single prediction.
 * @param pred - predicted class map
 * @param truth - reference class map, same length
 * @param options - `positive`: the building classes, default every value > 0
 * @returns the scores
 * @throws AppError INVALID_PARAMETER_VALUE when the lengths differ
 */
export function pixelMetrics(
  pred: Uint8Array,
  truth: Uint8Array,
  options: { positive?: PositiveClasses } = {},
): PixelMetricsResult {
  const acc = createPixelMetrics(options);
  acc.add(pred, truth);
  return acc.result();
}

/**
 * Scores from confusion counts, with the explicit 0/0 rule of {@link PixelMetricsResult}.
 * @param counts - true/false positives, false/true negatives
 * @returns the scores and the counts
 */
export function pixelScores(counts: PixelCounts): PixelMetricsResult {
  const { tp, fp, fn } = counts;
  return {
    ...counts,
    pixel_iou: safeRatio(tp, tp + fp + fn),
    pixel_precision: safeRatio(tp, tp + fp, fn === 0),
    pixel_recall: safeRatio(tp, tp + fn, fp === 0),
    pixel_f1: safeRatio(2 * tp, 2 * tp + fp + fn),
  };
}
