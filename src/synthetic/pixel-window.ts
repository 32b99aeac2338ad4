/**
 * @module synthetic/pixel-window — a rectangle of the global pixel grid at one zoom, and the mapping between its
 * pixels and scene metres. Everything drawn is computed from *global* pixel coordinates, never from a window's own
 * origin, so the same pixel gets the same value in any window: neighbouring tiles join without seams.
 */
import { EARTH_RADIUS } from '../geo/index.ts';
import { sceneToMercator, type SceneFrame } from './scene.ts';

const HALF_CIRCUMFERENCE = Math.PI * EARTH_RADIUS;

/** A window of the global pixel grid at zoom `z`: pixel `(x0 + i, y0 + j)` is row j, column i. */
export type PixelWindow = {
  readonly frame: SceneFrame;
  readonly z: number;
  readonly x0: number;
  readonly y0: number;
  readonly width: number;
  readonly height: number;
  /** Mercator metres per pixel. */
  readonly mercatorPerPixel: number;
  /** Ground metres per pixel (scene metres). */
  readonly metresPerPixel: number;
  /** Ground u (metres east of the centre) of each column's pixel centre. */
  readonly us: Float64Array;
  /** Ground v (metres north of the centre) of each row's pixel centre. */
  readonly vs: Float64Array;
};

/**
 * A window of `width × height` pixels starting at global pixel `(x0, y0)` of zoom `z` with tiles of `tileSize` px.
 * @returns the window with per-column and per-row ground coordinates
 */
export function createPixelWindow(
  frame: SceneFrame,
  z: number,
  tileSize: number,
  x0: number,
  y0: number,
  width: number,
  height: number,
): PixelWindow {
  const mercatorPerPixel = (2 * HALF_CIRCUMFERENCE) / (tileSize * 2 ** z);
  const us = new Float64Array(width);
  const vs = new Float64Array(height);
  for (let i = 0; i < width; i++)
    us[i] = ((x0 + i + 0.5) * mercatorPerPixel - HALF_CIRCUMFERENCE - frame.originX) * frame.k;
  for (let j = 0; j < height; j++)
    vs[j] = (HALF_CIRCUMFERENCE - (y0 + j + 0.5) * mercatorPerPixel - frame.originY) * frame.k;
  return {
    frame,
    z,
    x0,
    y0,
    width,
    height,
    mercatorPerPixel,
    metresPerPixel: mercatorPerPixel * frame.k,
    us,
    vs,
  };
}

/** Global pixel coordinates (continuous; pixel i spans [i, i+1)) of scene `(s, t)`. */
export function sceneToPixel(win: PixelWindow, s: number, t: number): [number, number] {
  const [x, y] = sceneToMercator(win.frame, s, t);
  return [(x + HALF_CIRCUMFERENCE) / win.mercatorPerPixel, (HALF_CIRCUMFERENCE - y) / win.mercatorPerPixel];
}

/** Global pixel coordinates of a ring of scene points, as a flat `[x0, y0, x1, y1, …]` array. */
export function ringToPixels(win: PixelWindow, ring: readonly (readonly [number, number])[]): Float64Array {
  const xy = new Float64Array(ring.length * 2);
  ring.forEach(([s, t], i) => {
    const [x, y] = sceneToPixel(win, s, t);
    xy[2 * i] = x;
    xy[2 * i + 1] = y;
  });
  return xy;
}

/** Scene rectangle `[s0, t0, s1, t1]` covering the window. */
export function windowGroundRect(win: PixelWindow): [number, number, number, number] {
  const half = win.metresPerPixel / 2;
  return [
    (win.us[0] ?? 0) - half,
    (win.vs[win.height - 1] ?? 0) - half,
    (win.us[win.width - 1] ?? 0) + half,
    (win.vs[0] ?? 0) + half,
  ];
}
