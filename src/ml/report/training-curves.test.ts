/** @module ml/report/training-curves.test — the training-curve SVG and its PNG. */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { niceTicks } from './line-chart.ts';
import { svgToPng } from './svg-png.ts';
import { formatNumber } from './svg.ts';
import { CURVES_HEIGHT, CURVES_WIDTH, trainingCurvesSvg } from './training-curves.ts';

const curves = {
  title: 'unet-s on <banepa> & co',
  subtitle: 'best epoch 2',
  epochs: [1, 2, 3],
  trainLoss: [0.9, 0.6, 0.5],
  valLoss: [1.0, 0.7, null],
  metrics: [
    { label: 'pixel_iou', values: [0.2, 0.5, 0.55] },
    { label: 'object_f1', values: [0, 0.3, 0.35] },
  ],
  learningRate: [1e-3, 5e-4, 1e-5],
  bestEpoch: 2,
};

describe('niceTicks', () => {
  it('covers the range with 1-2-5 steps', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.13, 0.87)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(1, 20, 10, true)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    expect(niceTicks(0, 0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('formats axis numbers compactly', () => {
    expect(formatNumber(0.00025)).toBe('2.5e-4');
    expect(formatNumber(0.00634, 4)).toBe('0.0063');
    expect(formatNumber(0.4)).toBe('0.4');
    expect(formatNumber(12)).toBe('12');
  });
});

describe('trainingCurvesSvg', () => {
  it('draws three panels with legends, escaped title and the best-epoch marker', () => {
    const svg = trainingCurvesSvg(curves);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('unet-s on &#60;banepa&#62; &#38; co');
    for (const text of [
      'Loss',
      'Validation metrics',
      'Learning rate',
      'train loss',
      'val pixel_iou',
      'val object_f1',
      'best (2)',
    ])
      expect(svg).toContain(text);
    expect(svg.match(/<path /g)?.length).toBe(5);
  });

  it('refuses series that do not have one value per epoch', () => {
    expect(() => trainingCurvesSvg({ ...curves, valLoss: [1] })).toThrow(
      'training curves: valLoss has 1 values for 3 epochs',
    );
  });

  it('renders to a PNG of the chart size', async () => {
    const png = await svgToPng(trainingCurvesSvg(curves), { scale: 1 });
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', CURVES_WIDTH, CURVES_HEIGHT]);
    const stats = await sharp(png).stats();
    // Not a blank picture: ink covers part of it.
    expect(stats.channels[0]?.min).toBeLessThan(100);
  });
});
