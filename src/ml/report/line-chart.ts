/**
 * @module ml/report/line-chart — one line-chart panel as SVG markup: axes with 1-2-5 ticks, grid, series with gaps,
 * point markers, a legend with each series' last value, and an optional vertical marker (e.g. the best epoch).
 */
import { element, formatNumber, textElement } from './svg.ts';

/** One line of a panel. */
export type ChartSeries = {
  /** Legend label. */
  readonly label: string;
  /** One value per x; `null` or a non-finite value leaves a gap. */
  readonly values: readonly (number | null)[];
  /** Stroke colour (any SVG colour). */
  readonly color: string;
  /** Dashed stroke, default false. */
  readonly dashed?: boolean;
};

/** A panel: a titled plot of series over shared x values. */
export type ChartPanel = {
  readonly title: string;
  /** The x values (e.g. epochs), ascending. */
  readonly x: readonly number[];
  readonly series: readonly ChartSeries[];
  /** Axis captions, default none. */
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Fixed y range, default the data's range widened to round ticks. */
  readonly yDomain?: readonly [number, number];
  /** A dashed vertical line with a caption, e.g. `{ x: 7, label: 'best' }`, default none. */
  readonly marker?: { readonly x: number; readonly label: string };
};

/** A rectangle in SVG pixels. */
export type Box = { readonly x: number; readonly y: number; readonly width: number; readonly height: number };

const AXIS = '#444444';
const GRID = '#e3e3e3';
const MUTED = '#555555';
const LEGEND_WIDTH = 190;
const MARGIN = { left: 70, right: LEGEND_WIDTH + 16, top: 30, bottom: 40 };

/**
 * Round tick values covering `[min, max]`: steps of 1, 2, 2.5 or 5 times a power of ten.
 * @param min - lower end
 * @param max - upper end (≥ min)
 * @param count - about how many intervals, default 5
 * @param integer - only integer ticks (step ≥ 1), default false
 * @returns ascending ticks; the first ≤ min and the last ≥ max
 */
export function niceTicks(min: number, max: number, count = 5, integer = false): number[] {
  let lo = min;
  let hi = max;
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return [0, 1];
  if (hi - lo < 1e-12) {
    // A flat series: centre it, except at 0 where a 0–1 axis reads better than −1–1.
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.1 : 1;
    if (lo !== 0) lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const candidates = [1, 2, 2.5, 5, 10].map((m) => m * power);
  let step = candidates.find((s) => s >= raw) ?? 10 * power;
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.floor(lo / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let t = first; t < hi + step - 1e-9 * step; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks.length >= 2 ? ticks : [first, first + step];
}

function finiteValues(series: readonly ChartSeries[]): number[] {
  return series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
}

type Scale = { (value: number): number; ticks: number[] };

function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
  ticks: number[],
): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const scale = ((value: number) => r0 + ((value - d0) / span) * (r1 - r0)) as Scale;
  scale.ticks = ticks;
  return scale;
}

function yScale(panel: ChartPanel, plot: Box): Scale {
  if (panel.yDomain !== undefined) {
    const [lo, hi] = panel.yDomain;
    const ticks = niceTicks(lo, hi).filter((t) => t >= lo - 1e-9 && t <= hi + 1e-9);
    return linearScale([lo, hi], [plot.y + plot.height, plot.y], ticks);
  }
  const values = finiteValues(panel.series);
  const lo = values.length > 0 ? Math.min(...values) : 0;
  const hi = values.length > 0 ? Math.max(...values) : 1;
  const ticks = niceTicks(lo > 0 && lo < 0.25 * hi ? 0 : lo, hi);
  return linearScale(
    [ticks[0] as number, ticks[ticks.length - 1] as number],
    [plot.y + plot.height, plot.y],
    ticks,
  );
}

function xScale(panel: ChartPanel, plot: Box): Scale {
  const first = panel.x[0] ?? 0;
  const last = panel.x[panel.x.length - 1] ?? 1;
  const [lo, hi] = last > first ? [first, last] : [first - 0.5, first + 0.5];
  const ticks = niceTicks(lo, hi, Math.min(10, Math.max(1, hi - lo)), true).filter((t) => t >= lo && t <= hi);
  return linearScale([lo, hi], [plot.x, plot.x + plot.width], ticks);
}

function axes(plot: Box, x: Scale, y: Scale): string {
  const bottom = plot.y + plot.height;
  const parts: string[] = [];
  for (const t of y.ticks) {
    const ty = y(t);
    parts.push(element('line', { x1: plot.x, y1: ty, x2: plot.x + plot.width, y2: ty, stroke: GRID }));
    parts.push(
      textElement(plot.x - 8, ty + 4, formatNumber(t), {
        'font-size': 12,
        'text-anchor': 'end',
        fill: MUTED,
      }),
    );
  }
  for (const t of x.ticks) {
    const tx = x(t);
    parts.push(element('line', { x1: tx, y1: bottom, x2: tx, y2: bottom + 5, stroke: AXIS }));
    parts.push(
      textElement(tx, bottom + 19, formatNumber(t), {
        'font-size': 12,
        'text-anchor': 'middle',
        fill: MUTED,
      }),
    );
  }
  parts.push(element('line', { x1: plot.x, y1: plot.y, x2: plot.x, y2: bottom, stroke: AXIS }));
  parts.push(element('line', { x1: plot.x, y1: bottom, x2: plot.x + plot.width, y2: bottom, stroke: AXIS }));
  return parts.join('');
}

function seriesPath(series: ChartSeries, xs: readonly number[], x: Scale, y: Scale): string {
  let d = '';
  let pen = false;
  const points: string[] = [];
  series.values.forEach((v, i) => {
    const xv = xs[i];
    if (v === null || !Number.isFinite(v) || xv === undefined) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(xv).toFixed(2)} ${y(v).toFixed(2)}`;
    pen = true;
    if (xs.length <= 40) points.push(element('circle', { cx: x(xv), cy: y(v), r: 2.8, fill: series.color }));
  });
  const line = element('path', {
    d: d === '' ? undefined : d,
    fill: 'none',
    stroke: series.color,
    'stroke-width': 2.2,
    'stroke-linejoin': 'round',
    'stroke-dasharray': series.dashed === true ? '7 4' : undefined,
  });
  return (d === '' ? '' : line) + points.join('');
}

function lastValue(values: readonly (number | null)[]): number | undefined {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined && Number.isFinite(v)) return v;
  }
  return undefined;
}

function legend(series: readonly ChartSeries[], left: number, top: number): string {
  const caption = textElement(left, top - 14, 'last value', { 'font-size': 11, fill: '#777777' });
  return (
    caption +
    series
      .map((s, i) => {
        const y = top + i * 22;
        const last = lastValue(s.values);
        const caption = last === undefined ? s.label : `${s.label}  ${formatNumber(last, 4)}`;
        const dash = s.dashed === true ? '7 4' : undefined;
        return (
          element('line', {
            x1: left,
            y1: y,
            x2: left + 26,
            y2: y,
            stroke: s.color,
            'stroke-width': 3,
            'stroke-dasharray': dash,
          }) + textElement(left + 34, y + 4, caption, { 'font-size': 13, fill: '#222222' })
        );
      })
      .join('')
  );
}

function markerLine(panel: ChartPanel, plot: Box, x: Scale): string {
  const marker = panel.marker;
  if (marker === undefined) return '';
  const mx = x(marker.x);
  if (mx < plot.x - 0.5 || mx > plot.x + plot.width + 0.5) return '';
  // Near the right edge the caption goes left of the line, so it stays clear of the legend.
  const leftOfLine = mx > plot.x + plot.width * 0.85;
  return (
    element('line', {
      x1: mx,
      y1: plot.y,
      x2: mx,
      y2: plot.y + plot.height,
      stroke: '#888888',
      'stroke-dasharray': '3 3',
    }) +
    textElement(leftOfLine ? mx - 4 : mx + 4, plot.y + 13, marker.label, {
      'font-size': 12,
      fill: MUTED,
      'text-anchor': leftOfLine ? 'end' : 'start',
    })
  );
}

/**
 * Renders one panel into `box`: title, axes, grid, series, legend (right of the plot) and marker.
 * @param panel - what to draw
 * @param box - where, in SVG pixels (needs about 360 × 160 px at least)
 * @returns SVG markup (a `<g>` element)
 */
export function renderPanel(panel: ChartPanel, box: Box): string {
  const plot: Box = {
    x: box.x + MARGIN.left,
    y: box.y + MARGIN.top,
    width: Math.max(40, box.width - MARGIN.left - MARGIN.right),
    height: Math.max(40, box.height - MARGIN.top - MARGIN.bottom),
  };
  const x = xScale(panel, plot);
  const y = yScale(panel, plot);
  const parts = [
    textElement(plot.x, box.y + 18, panel.title, { 'font-size': 15, 'font-weight': 'bold', fill: '#222222' }),
    axes(plot, x, y),
    markerLine(panel, plot, x),
    ...panel.series.map((s) => seriesPath(s, panel.x, x, y)),
    legend(panel.series, plot.x + plot.width + 20, plot.y + 12),
  ];
  if (panel.xLabel !== undefined)
    parts.push(
      textElement(plot.x + plot.width / 2, plot.y + plot.height + 36, panel.xLabel, {
        'font-size': 12,
        'text-anchor': 'middle',
        fill: MUTED,
      }),
    );
  if (panel.yLabel !== undefined) {
    const cy = plot.y + plot.height / 2;
    const cx = box.x + 16;
    parts.push(
      textElement(cx, cy, panel.yLabel, {
        'font-size': 12,
        'text-anchor': 'middle',
        fill: MUTED,
        transform: `rotate(-90 ${cx} ${cy})`,
      }),
    );
  }
  return element('g', {}, parts.join(''));
}
