/**
 * @module ml/report/training-curves — the training-curve picture of a run (`history.png`, issue 3 §8): train and
 * validation loss, validation metrics and the learning rate per epoch, with the best epoch marked.
 */
import { invalid } from '../../shared/index.ts';
import { renderPanel } from './line-chart.ts';
import type { ChartSeries } from './line-chart.ts';
import { svgDocument, textElement } from './svg.ts';

/** A named per-epoch series. */
export type CurveValues = { readonly label: string; readonly values: readonly (number | null)[] };

/** What the picture shows; every series has one value per epoch (`null` for none). */
export type TrainingCurves = {
  /** First line, e.g. `unet-s on banepa`. */
  readonly title: string;
  /** Second line, e.g. `best epoch 12: object_f1 0.41, pixel_iou 0.72`, default none. */
  readonly subtitle?: string;
  /** Epoch numbers, ascending (1-based). */
  readonly epochs: readonly number[];
  readonly trainLoss: readonly (number | null)[];
  readonly valLoss: readonly (number | null)[];
  /** Validation metrics in [0, 1] (e.g. pixel_iou, object_f1), drawn in one panel. */
  readonly metrics: readonly CurveValues[];
  /** Learning rate at the end of each epoch. */
  readonly learningRate: readonly (number | null)[];
  /** Epoch to mark as the best, default none. */
  readonly bestEpoch?: number;
};

/** Width of the picture in pixels. */
export const CURVES_WIDTH = 1000;
const TITLE_HEIGHT = 70;
const LOSS_HEIGHT = 290;
const METRICS_HEIGHT = 290;
const LR_HEIGHT = 200;
/** Height of the picture in pixels. */
export const CURVES_HEIGHT = TITLE_HEIGHT + LOSS_HEIGHT + METRICS_HEIGHT + LR_HEIGHT + 10;

const METRIC_COLORS = ['#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22'];

function checkLengths(curves: TrainingCurves): void {
  const n = curves.epochs.length;
  const all: [string, readonly unknown[]][] = [
    ['trainLoss', curves.trainLoss],
    ['valLoss', curves.valLoss],
    ['learningRate', curves.learningRate],
    ...curves.metrics.map((m): [string, readonly unknown[]] => [`metric ${m.label}`, m.values]),
  ];
  for (const [name, values] of all)
    if (values.length !== n) invalid(`training curves: ${name} has ${values.length} values for ${n} epochs`);
}

/**
 * Draws the training curves as an SVG document (1000 px wide): a title, then three panels over the epochs —
 * loss (train solid, validation dashed), validation metrics on a fixed 0–1 scale, and the learning rate — each
 * with a legend giving the last value, and the best epoch marked by a dashed vertical line.
 * @param curves - the values to draw
 * @returns the SVG markup
 * @throws AppError INVALID_PARAMETER_VALUE when a series does not have one value per epoch
 * @example
 * const svg = trainingCurvesSvg({ title: 'unet-s on banepa', epochs: [1, 2], trainLoss: [0.9, 0.6],
 *   valLoss: [0.8, 0.7], metrics: [{ label: 'pixel_iou', values: [0.4, 0.55] }], learningRate: [1e-3, 5e-4] });
 */
export function trainingCurvesSvg(curves: TrainingCurves): string {
  checkLengths(curves);
  const marker =
    curves.bestEpoch === undefined ? undefined : { x: curves.bestEpoch, label: `best (${curves.bestEpoch})` };
  const withMarker = marker === undefined ? {} : { marker };
  const x = curves.epochs;
  const lossSeries: ChartSeries[] = [
    { label: 'train loss', values: curves.trainLoss, color: '#1f77b4' },
    { label: 'val loss', values: curves.valLoss, color: '#d62728', dashed: true },
  ];
  const metricSeries: ChartSeries[] = curves.metrics.map((m, i) => ({
    label: `val ${m.label}`,
    values: m.values,
    color: METRIC_COLORS[i % METRIC_COLORS.length] as string,
  }));
  const width = CURVES_WIDTH;
  const lossTop = TITLE_HEIGHT;
  const metricsTop = lossTop + LOSS_HEIGHT;
  const lrTop = metricsTop + METRICS_HEIGHT;
  const panels = [
    renderPanel(
      { title: 'Loss', x, series: lossSeries, yLabel: 'loss', ...withMarker },
      { x: 0, y: lossTop, width, height: LOSS_HEIGHT },
    ),
    renderPanel(
      {
        title: 'Validation metrics',
        x,
        series: metricSeries,
        yDomain: [0, 1],
        yLabel: 'score',
        ...withMarker,
      },
      { x: 0, y: metricsTop, width, height: METRICS_HEIGHT },
    ),
    renderPanel(
      {
        title: 'Learning rate',
        x,
        series: [{ label: 'lr', values: curves.learningRate, color: '#ff7f0e' }],
        xLabel: 'epoch',
        ...withMarker,
      },
      { x: 0, y: lrTop, width, height: LR_HEIGHT },
    ),
  ];
  const heading =
    textElement(24, 32, curves.title, { 'font-size': 21, 'font-weight': 'bold', fill: '#111111' }) +
    (curves.subtitle === undefined
      ? ''
      : textElement(24, 56, curves.subtitle, { 'font-size': 14, fill: '#444444' }));
  return svgDocument(width, CURVES_HEIGHT, heading + panels.join(''));
}
