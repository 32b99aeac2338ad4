/** @module synthetic/plot-layer — paints cultivated plots: a soil or crop colour with rows that fade at coarse zooms. */
import { rectCorners } from './building-shapes.ts';
import { fillPolygon } from './coverage.ts';
import type { WindowFields } from './ground-layer.ts';
import { ringToPixels, type PixelWindow } from './pixel-window.ts';
import type { ScenePlot } from './plot-layout.ts';

/**
 * Paints plots over the ground.
 * @param scratch - zeroed Float32Array of the window's width
 * @param out - interleaved RGB floats, painted over
 */
export function paintPlots(
  win: PixelWindow,
  plots: readonly ScenePlot[],
  fields: WindowFields,
  scratch: Float32Array,
  out: Float32Array,
): void {
  const { cos, sin } = win.frame;
  for (const plot of plots) {
    const { rect, colour, rowSpacing } = plot;
    const contrast = plot.rowContrast * Math.max(0, Math.min(1, (rowSpacing / win.metresPerPixel - 2) / 2));
    const [r0, g0, b0] = colour;
    fillPolygon(win, ringToPixels(win, rectCorners(rect)), scratch, (i, coverage, col, row) => {
      const u = win.us[col - win.x0] as number;
      const v = win.vs[row - win.y0] as number;
      const across = -(cos * u + sin * v - rect.cx) * rect.sin + (-sin * u + cos * v - rect.cy) * rect.cos;
      const light =
        (1 + contrast * Math.cos((2 * Math.PI * across) / rowSpacing)) *
        (1 + 0.16 * (fields.patch[i] as number) + 0.14 * (fields.grain[i] as number));
      const a = coverage * 0.9;
      out[3 * i] = (out[3 * i] as number) * (1 - a) + r0 * light * a;
      out[3 * i + 1] = (out[3 * i + 1] as number) * (1 - a) + g0 * light * a;
      out[3 * i + 2] = (out[3 * i + 2] as number) * (1 - a) + b0 * light * a;
    });
  }
}
