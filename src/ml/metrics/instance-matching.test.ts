import { describe, expect, it } from 'vitest';
import { labelComponents } from '../../polygons/index.ts';
import { labelOverlaps, objectMetrics } from './instance-matching.ts';
import { pixelMetrics } from './pixel-metrics.ts';
import { labelPicture, picture } from '../../polygons/test-support/raster.ts';

describe('objectMetrics', () => {
  it('scores identical instances as perfect', () => {
    const truth = labelPicture(['aa.bb', 'aa.bb', '.....', 'cc...']);
    const r = objectMetrics(truth, truth);
    expect([r.object_precision, r.object_recall, r.object_f1]).toEqual([1, 1, 1]);
  });

  it('drops object F1 when two touching buildings are predicted as one blob, while pixel IoU stays 1', () => {
    const rows = ['aaabbb', 'aaabbb', 'aaabbb', '......'];
    const truth = labelPicture(rows);
    const { mask } = picture(rows);
    const pred = labelComponents(mask, { width: 6, height: 4 });
    expect(pred.count).toBe(1);
    expect(pixelMetrics(mask, mask).pixel_iou).toBe(1);
    // The blob's IoU with each square is exactly 0.5, so it matches one of them; the other is missed.
    const r = objectMetrics(pred, truth);
    expect([r.tp, r.fp, r.fn]).toEqual([1, 0, 1]);
    expect(r.object_f1).toBeCloseTo(2 / 3, 12);
  });

  it('scores three merged buildings as a complete miss', () => {
    const rows = ['aabbcc', 'aabbcc', '......'];
    const { mask } = picture(rows);
    const r = objectMetrics(labelComponents(mask, { width: 6, height: 3 }), labelPicture(rows));
    expect([r.tp, r.fp, r.fn, r.object_f1]).toEqual([0, 1, 3, 0]);
  });

  it('handles empty predictions and empty references explicitly', () => {
    const empty = labelPicture(['...', '...']);
    const one = labelPicture(['a..', '...']);
    expect(objectMetrics(empty, empty).object_f1).toBe(1);
    const missed = objectMetrics(empty, one);
    expect([missed.object_precision, missed.object_recall, missed.object_f1]).toEqual([0, 0, 0]);
    const spurious = objectMetrics(one, empty);
    expect([spurious.object_precision, spurious.object_recall, spurious.object_f1]).toEqual([0, 0, 0]);
  });

  it('computes pair IoUs from pixel overlaps', () => {
    const pred = labelPicture(['aaaa', 'aaaa', '....']);
    const truth = labelPicture(['bb..', 'bb..', '....']);
    expect(labelOverlaps(pred, truth)).toEqual([{ pred: 0, truth: 0, iou: 0.5 }]);
    expect(() => labelOverlaps(pred, labelPicture(['...']))).toThrow(/prediction is 4x3/);
  });
});
