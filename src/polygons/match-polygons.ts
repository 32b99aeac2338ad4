/**
 * @module polygons/match-polygons — object precision, recall and F1 of predicted building polygons against reference
 * polygons: candidate pairs from a bbox grid, polygon IoU in a local metric frame, and the one matcher of this
 * project (`matchInstances`: one-to-one, greedy by IoU, threshold 0.5).
 */
import { createLocalFrame } from './local-metres.ts';
import { iouOf, overlapBound, partsOf, preparePolygon } from './polygon-overlap.ts';
import type { PolygonInput, PreparedPolygon } from './polygon-overlap.ts';
import { matchInstances, matchScores } from './instance-matching.ts';
import type { OverlapPair } from './instance-matching.ts';
import { createBBoxGrid } from './spatial-grid.ts';

/** The outcome of {@link matchPolygons}. */
export type PolygonMatch = {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
  /** The accepted pairs: indices into `pred` and `truth` with their IoU, by descending IoU. */
  pairs: OverlapPair[];
};

/**
 * Matches predicted polygons to reference polygons one-to-one at IoU ≥ `threshold` (SpaceNet-style object scores).
 * Every pair whose bboxes meet is measured by polygon clipping unless its bbox bound already rules the threshold out.
 * 0/0 scores follow the pixel rule: 1 when both lists are empty, else an empty side scores 0.
 * @param pred - predicted polygons (Polygon coordinates or Polygon/MultiPolygon geometries, lon/lat)
 * @param truth - reference polygons, the same
 * @param options - `threshold`, the minimum IoU of a match, default 0.5
 * @returns counts, scores and the matched pairs
 * @throws AppError INVALID_PARAMETER_VALUE when the threshold is outside (0, 1]
 * @example
 * const { f1, precision, recall } = matchPolygons(predicted, osmBuildings, { threshold: 0.5 });
 */
export function matchPolygons(
  pred: readonly PolygonInput[],
  truth: readonly PolygonInput[],
  options: { threshold?: number } = {},
): PolygonMatch {
  const threshold = options.threshold ?? 0.5;
  const pairs = polygonOverlaps(pred, truth, threshold);
  const { matches, tp, fp, fn } = matchInstances(pairs, pred.length, truth.length, threshold);
  return { tp, fp, fn, ...matchScores({ tp, fp, fn }), pairs: matches };
}

/**
 * IoUs of every pair of predicted and reference polygons that can reach `minIoU`.
 * @param pred - predicted polygons
 * @param truth - reference polygons
 * @param minIoU - pairs that cannot reach this IoU are skipped, default 0 (every pair whose bboxes overlap)
 * @returns the pairs with IoU > 0 (and ≥ `minIoU`)
 */
export function polygonOverlaps(
  pred: readonly PolygonInput[],
  truth: readonly PolygonInput[],
  minIoU = 0,
): OverlapPair[] {
  const first = [...pred, ...truth].map((p) => partsOf(p)[0]?.[0]?.[0]).find((p) => p !== undefined);
  if (first === undefined) return [];
  const frame = createLocalFrame(first[0] as number, first[1] as number);
  const a = pred.map((p) => preparePolygon(p, frame));
  const b = truth.map((p) => preparePolygon(p, frame));
  const grid = createBBoxGrid(b.map((p) => p.bbox));
  const pairs: OverlapPair[] = [];
  a.forEach((pa, i) => {
    for (const j of grid.query(pa.bbox)) {
      const pb = b[j] as PreparedPolygon;
      const bound = overlapBound(pa, pb);
      if (bound <= 0 || bound / Math.max(pa.area, pb.area) < minIoU) continue;
      const iou = iouOf(pa, pb);
      if (iou > 0 && iou >= minIoU) pairs.push({ pred: i, truth: j, iou });
    }
  });
  return pairs;
}
