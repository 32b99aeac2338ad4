/**
 * @module ml/metrics/segmentation-evaluator — pixel and object metrics of a segmentation model over many chips in one
 * accumulator, the numbers a training run logs after each validation pass (never pixel accuracy alone). Objects are
 * the polygons the prediction pipeline would deliver: instances traced by polygons/ (issue 4 §4).
 */
import {
  MULTICLASS,
  instancesFromBinary,
  instancesFromMulticlass,
  matchInstances,
  pixelPolygonOverlaps,
  rasterSize,
  tracePolygons,
} from '../../polygons/index.ts';
import type {
  LabelImage,
  MulticlassInstanceOptions,
  PixelPolygon,
  PositiveClasses,
  RasterSize,
} from '../../polygons/index.ts';
import { invalid } from '../../shared/index.ts';
import { objectScores } from './instance-matching.ts';
import { createPixelMetrics } from './pixel-metrics.ts';

/** Every score of a validation pass, flat and numeric so it can be logged as run metrics. */
export type SegmentationMetrics = {
  pixel_iou: number;
  pixel_precision: number;
  pixel_recall: number;
  pixel_f1: number;
  object_precision: number;
  object_recall: number;
  object_f1: number;
  object_tp: number;
  object_fp: number;
  object_fn: number;
};

/** Options of {@link createSegmentationEvaluator}. */
export type SegmentationEvaluatorOptions = {
  /** Chip size in pixels (or width and height). */
  size: RasterSize;
  /**
   * How class maps become instances: `'binary'` = connected components of building pixels; `'multiclass'` = seeds
   * of the footprint interior grown back ({@link instancesFromMulticlass}). Default `'binary'`.
   */
  mode?: 'binary' | 'multiclass';
  /**
   * Building classes for pixel scores (and binary instances). Default: every value > 0 in mode `'binary'`; footprint
   * and boundary (1, 2) in mode `'multiclass'`, since contact pixels mix shared walls with the gaps between buildings.
   */
  buildingClasses?: PositiveClasses;
  /** Minimum IoU of an object match, default 0.5. */
  iouThreshold?: number;
  /**
   * Options of the multi-class polygonisation of predictions (mode `'multiclass'`), defaults as there. Reference class
   * maps always use the defaults: a true mask's seeds grow back by its boundary width.
   */
  multiclass?: MulticlassInstanceOptions;
  /**
   * Predicted objects smaller than this many pixels are not counted, as the prediction pipeline drops buildings under
   * its area threshold (`--area`) before a mapper sees them; reference objects always count. Default 0 (all count).
   */
  minPredictedPixels?: number;
};

/** Accumulates pixel and object counts over chips; scores are micro-averages of the totals. */
export interface SegmentationEvaluator {
  /**
   * Adds one chip.
   * @param pred - predicted class map
   * @param truth - reference class map
   * @param truthInstances - reference instances when known (e.g. rasterised polygons with one label each); default
   *   derived from `truth` the same way as the prediction
   * @throws AppError INVALID_PARAMETER_VALUE on a size mismatch
   */
  add(pred: Uint8Array, truth: Uint8Array, truthInstances?: LabelImage): void;
  /** Scores of everything added so far. */
  result(): SegmentationMetrics;
}

/**
 * Creates an evaluator. Objects are polygons: predicted (and, unless given, reference) class maps become instances
 * (connected components, or multi-class seeds grown back), each instance is traced into exact polygons
 * (`tracePolygons`, one per 4-connected piece, holes included) and polygons are matched one-to-one at IoU ≥ the
 * threshold (`matchInstances`); IoUs come from rasterizing the polygons, exact for traced outlines. Objects are
 * matched per chip, so a building cut by a chip edge counts in each chip.
 * @param options - see {@link SegmentationEvaluatorOptions}
 * @returns the evaluator
 * @throws AppError INVALID_PARAMETER_VALUE on bad options (when the first chip is added)
 * @example
 * const evaluator = createSegmentationEvaluator({ size: 256, mode: 'multiclass' });
 * evaluator.add(predClasses, truthClasses);
 * const { object_f1, pixel_iou } = evaluator.result();
 */
export function createSegmentationEvaluator(options: SegmentationEvaluatorOptions): SegmentationEvaluator {
  const positive = options.buildingClasses;
  const pixelClasses =
    positive ?? (options.mode === 'multiclass' ? [MULTICLASS.footprint, MULTICLASS.boundary] : undefined);
  const pixels = createPixelMetrics(pixelClasses === undefined ? {} : { positive: pixelClasses });
  const objects = { tp: 0, fp: 0, fn: 0 };
  // Reference maps are true masks: their seeds grow back by the mask's own boundary width (the default), whatever
  // growth the predictions use.
  const toInstances = (classMap: Uint8Array, reference: boolean): LabelImage =>
    options.mode === 'multiclass'
      ? instancesFromMulticlass(classMap, options.size, reference ? {} : (options.multiclass ?? {}))
      : instancesFromBinary(classMap, options.size, positive === undefined ? {} : { positive });
  // Components and seeds grown back are 4-connected unless 8-connected seeds were asked for.
  const fourConnected = options.mode !== 'multiclass' || (options.multiclass?.connectivity ?? 4) === 4;
  return {
    add(pred, truth, truthInstances) {
      pixels.add(pred, truth);
      const { width, height } = rasterSize(options.size, pred.length, 'prediction');
      if (
        truthInstances !== undefined &&
        (truthInstances.width !== width || truthInstances.height !== height)
      )
        invalid(
          `reference instances are ${truthInstances.width}x${truthInstances.height}, expected ${width}x${height}`,
        );
      const predicted = polygonsOf(toInstances(pred, false), fourConnected, options.minPredictedPixels ?? 0);
      const reference =
        truthInstances === undefined
          ? polygonsOf(toInstances(truth, true), true, 0)
          : polygonsOf(truthInstances, false, 0);
      const overlaps = pixelPolygonOverlaps(predicted, reference, width, height);
      const match = matchInstances(overlaps, predicted.length, reference.length, options.iouThreshold);
      objects.tp += match.tp;
      objects.fp += match.fp;
      objects.fn += match.fn;
    },
    result() {
      const p = pixels.result();
      const o = objectScores(objects);
      return {
        pixel_iou: p.pixel_iou,
        pixel_precision: p.pixel_precision,
        pixel_recall: p.pixel_recall,
        pixel_f1: p.pixel_f1,
        object_precision: o.object_precision,
        object_recall: o.object_recall,
        object_f1: o.object_f1,
        object_tp: o.tp,
        object_fp: o.fp,
        object_fn: o.fn,
      };
    },
  };
}

/** Polygons of instances; `connected` skips the split into 4-connected pieces when each label is known to be one. */
function polygonsOf(instances: LabelImage, connected: boolean, minPixels: number): PixelPolygon[] {
  return tracePolygons(instances.labels, instances.width, instances.height, { connected })
    .filter((traced) => traced.pixels >= minPixels)
    .map((traced) => traced.polygon);
}
