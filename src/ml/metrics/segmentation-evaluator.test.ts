import { describe, expect, it } from 'vitest';
import { createSegmentationEvaluator } from './segmentation-evaluator.ts';
import { labelPicture, picture } from '../../polygons/test-support/raster.ts';

const touching = picture([
  '..........',
  '.22233222.',
  '.21133112.',
  '.21133112.',
  '.22233222.',
  '..........',
]);
const truthInstances = labelPicture([
  '..........',
  '.aaaabbbb.',
  '.aaaabbbb.',
  '.aaaabbbb.',
  '.aaaabbbb.',
  '..........',
]);
const size = { width: 10, height: 6 };

describe('createSegmentationEvaluator', () => {
  it('reports pixel and object scores together: binary masks merge touching buildings', () => {
    const evaluator = createSegmentationEvaluator({ size });
    evaluator.add(touching.mask, touching.mask, truthInstances);
    const r = evaluator.result();
    expect(r.pixel_iou).toBe(1);
    expect([r.object_tp, r.object_fp, r.object_fn]).toEqual([1, 0, 1]);
  });

  it('separates them in multi-class mode', () => {
    const evaluator = createSegmentationEvaluator({ size, mode: 'multiclass' });
    evaluator.add(touching.mask, touching.mask, truthInstances);
    expect(evaluator.result().object_f1).toBe(1);
  });

  it('does not count predicted specks under minPredictedPixels, but keeps every reference object', () => {
    const speckled = picture([
      '1.........',
      '.1111.....',
      '.1111...1.',
      '.1111.....',
      '.1111.....',
      '..........',
    ]);
    const truth = picture([
      '..........',
      '.1111.....',
      '.1111.....',
      '.1111.....',
      '.1111.....',
      '.........1',
    ]);
    const strict = createSegmentationEvaluator({ size, minPredictedPixels: 2 });
    strict.add(speckled.mask, truth.mask);
    expect([strict.result().object_tp, strict.result().object_fp, strict.result().object_fn]).toEqual([
      1, 0, 1,
    ]);
    const all = createSegmentationEvaluator({ size });
    all.add(speckled.mask, truth.mask);
    expect(all.result().object_fp).toBe(2);
  });

  it('derives reference instances from the reference map when none are given and sums over chips', () => {
    const evaluator = createSegmentationEvaluator({ size, mode: 'multiclass' });
    evaluator.add(touching.mask, touching.mask);
    evaluator.add(new Uint8Array(60), touching.mask);
    const r = evaluator.result();
    expect([r.object_tp, r.object_fp, r.object_fn]).toEqual([2, 0, 2]);
    expect(r.object_recall).toBe(0.5);
    expect(r.object_precision).toBe(1);
    expect(r.pixel_recall).toBe(0.5);
  });

  it('scores footprint and boundary pixels in multi-class mode, not contact pixels', () => {
    const evaluator = createSegmentationEvaluator({ size, mode: 'multiclass' });
    const noContact = Uint8Array.from(touching.mask, (v) => (v === 3 ? 0 : v));
    evaluator.add(noContact, touching.mask);
    expect(evaluator.result().pixel_iou).toBe(1);
  });

  it('takes building classes for pixel scores', () => {
    const evaluator = createSegmentationEvaluator({ size, buildingClasses: [1] });
    evaluator.add(
      touching.mask,
      Uint8Array.from(touching.mask, (v) => (v > 0 ? 1 : 0)),
    );
    expect(evaluator.result().pixel_recall).toBeCloseTo(8 / 32, 12);
  });
});
