/**
 * @module ml/trainer/chip-scoring — from predicted probabilities to class maps and validation scores, for binary and
 * multi-class models against binary or multi-class reference masks (used by training validation and `fair evaluate`).
 */
import type { DatasetManifest, MaskKind } from '../../datasets/index.ts';
import { lonLatToMercator } from '../../geo/index.ts';
import { PREDICTED_GROW_PX, instanceClassMap } from '../../polygons/index.ts';
import {
  MULTICLASS,
  createSegmentationEvaluator,
  instancesFromBinary,
  instancesFromMulticlass,
} from '../metrics/index.ts';
import type { SegmentationMetrics } from '../metrics/index.ts';

/**
 * The class map of one chip's probabilities, as the prediction pipeline reads them: `p ≥ threshold` → 1 for one
 * channel; for several, building pixels are those with 1 − P(background) ≥ threshold and seeds need a confident
 * footprint (`instanceClassMap`).
 * @param probabilities - `classes × plane` values of one chip, channel-major
 * @param classes - channels
 * @param threshold - building threshold (the model card's)
 * @returns `plane` class values
 */
export function classMapOf(probabilities: Float32Array, classes: number, threshold: number): Uint8Array {
  const plane = probabilities.length / classes;
  const out = new Uint8Array(plane);
  if (classes === 1) {
    for (let i = 0; i < plane; i++) out[i] = (probabilities[i] as number) >= threshold ? 1 : 0;
    return out;
  }
  return instanceClassMap(probabilities, classes, threshold);
}

/** Accumulates validation scores chip by chip. */
export interface ChipScorer {
  /**
   * Adds one chip.
   * @param probabilities - the model's `classes × size²` probabilities for the chip
   * @param truth - the reference mask (`size²` class values)
   */
  add(probabilities: Float32Array, truth: Uint8Array): void;
  /** Pixel and object scores over every chip added. */
  result(): SegmentationMetrics;
}

/** Options of {@link createChipScorer}. */
export type ChipScorerOptions = {
  /** Chip size in pixels. */
  size: number;
  /** Model output channels (1 = binary). */
  classes: number;
  /** Kind of the reference masks. */
  truthKind: MaskKind;
  /** Building threshold of binary models, default 0.5. */
  threshold?: number;
  /** Predicted objects under this many pixels are not counted (see {@link minBuildingPixels}), default 0. */
  minPredictedPixels?: number;
};

/** Smallest building a prediction keeps by default, m²: the prediction pipeline's `--area` default. */
export const MIN_BUILDING_AREA_M2 = 3;

/**
 * Pixels of the smallest building the prediction pipeline keeps (3 m² by default) at a dataset's resolution, so the
 * object metric counts what a mapper would be shown, not specks of a few pixels.
 * @param manifest - the dataset (its first chip's bounds and the chip size give the resolution)
 * @param minAreaM2 - default {@link MIN_BUILDING_AREA_M2}
 */
export function minBuildingPixels(manifest: DatasetManifest, minAreaM2 = MIN_BUILDING_AREA_M2): number {
  const chip = manifest.chips[0];
  if (chip === undefined) return 0;
  const [w, s, e, n] = chip.bounds;
  const [x0] = lonLatToMercator(w, (s + n) / 2);
  const [x1] = lonLatToMercator(e, (s + n) / 2);
  const metresPerPixel = ((x1 - x0) * Math.cos((((s + n) / 2) * Math.PI) / 180)) / manifest.chipSize;
  return Math.ceil(minAreaM2 / (metresPerPixel * metresPerPixel));
}

const isBuildingPart = (v: number): boolean => v === MULTICLASS.footprint || v === MULTICLASS.boundary;

/**
 * Creates a scorer. Binary models: building pixels are `p ≥ threshold`, objects their 4-connected components.
 * Multi-class models: building pixels are footprint and boundary (`classMapOf`), objects are confident
 * footprint-interior seeds grown back by `PREDICTED_GROW_PX` (`instancesFromMulticlass`), so touching buildings stay
 * apart, exactly as the prediction pipeline finds them. Reference objects come from the reference mask
 * the same way its kind allows: multi-class references give separated instances even for a binary model, whose
 * reference building pixels are then footprint and boundary (contact pixels mix walls with gaps).
 * @param options - see {@link ChipScorerOptions}
 * @returns the scorer
 */
export function createChipScorer(options: ChipScorerOptions): ChipScorer {
  const { size, classes, truthKind } = options;
  const threshold = options.threshold ?? 0.5;
  const modelKind: MaskKind = classes === 1 ? 'binary' : 'multi';
  const evaluator = createSegmentationEvaluator({
    size,
    mode: modelKind === 'binary' ? 'binary' : 'multiclass',
    multiclass: { growPx: PREDICTED_GROW_PX },
    minPredictedPixels: options.minPredictedPixels ?? 0,
  });
  return {
    add(probabilities, truth) {
      const predicted = classMapOf(probabilities, classes, threshold);
      if (modelKind === truthKind) return evaluator.add(predicted, truth);
      if (modelKind === 'binary') {
        const buildings = truth.map((v) => (isBuildingPart(v) ? 1 : 0));
        return evaluator.add(predicted, buildings, instancesFromMulticlass(truth, size));
      }
      return evaluator.add(predicted, truth, instancesFromBinary(truth, size));
    },
    result: () => evaluator.result(),
  };
}
