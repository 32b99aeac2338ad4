/** @module synthetic/density — how built-up the scene is at a point: a dense core, patchy suburbs, rural edges. */
import { smoothWeight, Tag, valueNoise2 } from './random.ts';
import type { SceneFrame } from './scene.ts';

/**
 * Built-up density at ground `(u, v)` metres from the centre, 0 (fields) to 1 (packed informal settlement): two
 * octaves of value noise (≈ 650 m and 260 m) plus a bias towards the centre, fading to fields at the area's edge.
 * @returns a number in [0, 1]
 */
export function builtDensity(frame: SceneFrame, u: number, v: number): number {
  const broad = valueNoise2(frame.seed, Tag.density, u / 650, v / 650);
  const local = valueNoise2(frame.seed, Tag.density + 64, u / 260, v / 260);
  const r = Math.max(Math.abs(u), Math.abs(v)) / frame.halfExtent;
  const core = 1 - Math.min(1, r);
  const raw = 1.3 * broad + 0.5 * local + 0.35 * core - 0.8;
  const edgeFade = r < 0.9 ? 1 : 1 - smoothWeight(Math.min(1, (r - 0.9) / 0.1));
  return Math.max(0, Math.min(1, raw * 1.5 * edgeFade));
}
