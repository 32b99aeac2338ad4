/**
 * @module synthetic/shadow-layer — cast shadows of buildings and trees, all falling one way (down and to the right),
 * their length following each object's height. Shadows darken ground and roads; roofs are painted over them.
 */
import { rectCorners, type ScenePoint } from './building-shapes.ts';
import { fillDisc, fillPolygon } from './coverage.ts';
import { ringToPixels, sceneToPixel, type PixelWindow } from './pixel-window.ts';
import { groundToScene } from './scene.ts';
import { SHADOW_DIRECTION, SHADOW_PER_METRE, type SceneBuilding, type SceneTree } from './scene-objects.ts';

/** Convex hull (counter-clockwise) of a few points: Andrew's monotone chain. */
export function convexHull(points: ScenePoint[]): ScenePoint[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: ScenePoint, a: ScenePoint, b: ScenePoint): number =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (list: ScenePoint[]): ScenePoint[] => {
    const chain: ScenePoint[] = [];
    for (const p of list) {
      while (
        chain.length >= 2 &&
        cross(chain[chain.length - 2] as ScenePoint, chain[chain.length - 1] as ScenePoint, p) <= 0
      )
        chain.pop();
      chain.push(p);
    }
    chain.pop();
    return chain;
  };
  return [...half(sorted), ...half([...sorted].reverse())];
}

/** Width of the soft contact shadow round every building, metres. */
const CONTACT_SHADOW = 0.4;

/**
 * Darkens the window where shadows fall.
 * @param out - interleaved RGB floats, darkened in place
 * @param scratch - zeroed Float32Array of the window's width
 */
export function paintShadows(
  win: PixelWindow,
  buildings: readonly SceneBuilding[],
  trees: readonly SceneTree[],
  scratch: Float32Array,
  out: Float32Array,
): void {
  const mask = new Float32Array(win.width * win.height);
  const [ds, dt] = groundToScene(win.frame, SHADOW_DIRECTION[0], SHADOW_DIRECTION[1]);
  const raise = (strength: number) => (i: number, c: number) => {
    const v = c * strength;
    if (v > (mask[i] as number)) mask[i] = v;
  };
  const full = raise(1);
  const soft = raise(0.8);
  const halo = raise(0.22);
  for (const building of buildings) {
    const length = building.height * SHADOW_PER_METRE;
    for (const part of building.parts) {
      const corners = rectCorners(part);
      const cast = corners.map(([s, t]): ScenePoint => [s + ds * length, t + dt * length]);
      fillPolygon(win, ringToPixels(win, convexHull([...corners, ...cast])), scratch, full, 3);
      // Soft contact shadow where walls meet the ground on every side.
      const grown = rectCorners({ ...part, hx: part.hx + CONTACT_SHADOW, hy: part.hy + CONTACT_SHADOW });
      fillPolygon(win, ringToPixels(win, grown), scratch, halo, 2);
    }
  }
  for (const tree of trees) {
    const length = tree.height * SHADOW_PER_METRE;
    for (const disc of tree.discs) {
      const [x, y] = sceneToPixel(win, disc.s + ds * length, disc.t + dt * length);
      fillDisc(win, x, y, (disc.r * 0.95) / win.metresPerPixel, soft);
    }
  }
  for (let p = 0; p < mask.length; p++) {
    const m = mask[p] as number;
    if (m === 0) continue;
    out[3 * p] = (out[3 * p] as number) * (1 - 0.56 * m);
    out[3 * p + 1] = (out[3 * p + 1] as number) * (1 - 0.54 * m);
    out[3 * p + 2] = (out[3 * p + 2] as number) * (1 - 0.46 * m);
  }
}
