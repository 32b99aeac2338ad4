/**
 * @module ml/report — pictures of training runs: the training-curve chart as an SVG string (pure) and its PNG
 * rendering (sharp).
 */
export { CHART_FONT, element, escapeXml, formatNumber, svgDocument, textElement } from './svg.ts';
export type { SvgAttributes } from './svg.ts';
export { niceTicks, renderPanel } from './line-chart.ts';
export type { Box, ChartPanel, ChartSeries } from './line-chart.ts';
export { CURVES_HEIGHT, CURVES_WIDTH, trainingCurvesSvg } from './training-curves.ts';
export type { CurveValues, TrainingCurves } from './training-curves.ts';
export { svgToPng } from './svg-png.ts';
