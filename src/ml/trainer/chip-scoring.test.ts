/** @module ml/trainer/chip-scoring.test — class maps from probabilities and scores across mask kinds. */
import { describe, expect, it } from 'vitest';
import { classMapOf, createChipScorer } from './chip-scoring.ts';

/** A 6×6 reference with two buildings touching along a wall (multi-class: footprint 1, boundary 2, contact 3). */
const multiTruth = Uint8Array.from([
  0, 0, 0, 0, 0, 0, 2, 2, 3, 3, 2, 2, 2, 1, 3, 3, 1, 2, 2, 1, 3, 3, 1, 2, 2, 2, 3, 3, 2, 2, 0, 0, 0, 0, 0, 0,
]);

describe('classMapOf', () => {
  it('thresholds one channel; of several, thresholds 1 − P(background) and seeds only a confident footprint', () => {
    expect([...classMapOf(Float32Array.from([0.2, 0.5, 0.9]), 1, 0.5)]).toEqual([0, 1, 1]);
    // Channel-major, three pixels: background, boundary (footprint most probable but below 0.5), footprint.
    const probabilities = Float32Array.from([0.7, 0.3, 0.1, 0.2, 0.45, 0.8, 0.1, 0.25, 0.1]);
    expect([...classMapOf(probabilities, 3, 0.5)]).toEqual([0, 2, 1]);
    expect([...classMapOf(probabilities, 3, 0.75)]).toEqual([0, 0, 1]);
  });
});

describe('createChipScorer', () => {
  it('scores a perfect binary prediction 1', () => {
    const truth = Uint8Array.from({ length: 36 }, (_, i) => (i % 6 < 2 ? 1 : 0));
    const scorer = createChipScorer({ size: 6, classes: 1, truthKind: 'binary' });
    scorer.add(
      Float32Array.from(truth, (v) => (v ? 0.9 : 0.1)),
      truth,
    );
    expect(scorer.result()).toMatchObject({ pixel_iou: 1, object_f1: 1 });
  });

  it('scores a binary model against separated multi-class buildings', () => {
    const scorer = createChipScorer({ size: 6, classes: 1, truthKind: 'multi' });
    // The model marks every building and contact pixel: one merged blob against two reference buildings.
    scorer.add(
      Float32Array.from(multiTruth, (v) => (v > 0 ? 1 : 0)),
      multiTruth,
    );
    const result = scorer.result();
    // Two reference buildings (footprint seeds), one predicted blob.
    expect(result.object_tp + result.object_fn).toBe(2);
    expect(result.object_tp + result.object_fp).toBe(1);
    expect(result.pixel_recall).toBe(1);
    expect(result.pixel_precision).toBeCloseTo(16 / 24, 6);
  });

  it('separates touching buildings for a multi-class model', () => {
    const probabilities = new Float32Array(4 * 36);
    multiTruth.forEach((v, i) => (probabilities[v * 36 + i] = 1));
    const scorer = createChipScorer({ size: 6, classes: 4, truthKind: 'multi' });
    scorer.add(probabilities, multiTruth);
    expect(scorer.result()).toMatchObject({ object_tp: 2, object_f1: 1, pixel_iou: 1 });
  });
});
