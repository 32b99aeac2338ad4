import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/index.ts';
import { createPixelMetrics, pixelMetrics } from './pixel-metrics.ts';

describe('pixelMetrics', () => {
  it('counts the building class and scores it', () => {
    const pred = Uint8Array.of(1, 1, 1, 0, 0, 0);
    const truth = Uint8Array.of(1, 1, 0, 1, 0, 0);
    const r = pixelMetrics(pred, truth);
    expect([r.tp, r.fp, r.fn, r.tn]).toEqual([2, 1, 1, 2]);
    expect(r.pixel_precision).toBeCloseTo(2 / 3, 12);
    expect(r.pixel_recall).toBeCloseTo(2 / 3, 12);
    expect(r.pixel_iou).toBeCloseTo(0.5, 12);
    expect(r.pixel_f1).toBeCloseTo(2 / 3, 12);
  });

  it('scores agreement on an empty chip as perfect', () => {
    const r = pixelMetrics(new Uint8Array(4), new Uint8Array(4));
    expect([r.pixel_iou, r.pixel_precision, r.pixel_recall, r.pixel_f1]).toEqual([1, 1, 1, 1]);
  });

  it('scores an empty prediction of a chip with buildings as 0, not as perfect precision', () => {
    const r = pixelMetrics(new Uint8Array(4), Uint8Array.of(1, 0, 0, 0));
    expect([r.pixel_iou, r.pixel_precision, r.pixel_recall]).toEqual([0, 0, 0]);
  });

  it('scores buildings predicted on an empty chip as 0', () => {
    const r = pixelMetrics(Uint8Array.of(1, 0, 0, 0), new Uint8Array(4));
    expect([r.pixel_iou, r.pixel_precision, r.pixel_recall]).toEqual([0, 0, 0]);
  });

  it('takes the building classes as a value, a list or a predicate', () => {
    const pred = Uint8Array.of(1, 2, 3, 0);
    const truth = Uint8Array.of(1, 2, 0, 3);
    expect(pixelMetrics(pred, truth, { positive: 1 }).pixel_iou).toBe(1);
    expect(pixelMetrics(pred, truth, { positive: [1, 2] }).pixel_iou).toBe(1);
    expect(pixelMetrics(pred, truth, { positive: (v) => v > 0 }).pixel_iou).toBeCloseTo(0.5, 12);
    expect(() => pixelMetrics(pred, truth, { positive: [300] })).toThrow(/class value 300/);
  });

  it('accumulates counts over chips (micro-average), not a mean of chip scores', () => {
    const acc = createPixelMetrics();
    acc.add(Uint8Array.of(1, 1, 1, 1), Uint8Array.of(1, 1, 1, 1));
    acc.add(Uint8Array.of(1, 0, 0, 0), Uint8Array.of(0, 0, 0, 0));
    const r = acc.result();
    expect(r.pixel_iou).toBeCloseTo(4 / 5, 12);
    expect(r.tn).toBe(3);
  });

  it('rejects chips of different sizes', () => {
    expect(() => pixelMetrics(new Uint8Array(4), new Uint8Array(5))).toThrow(AppError);
  });
});
