/** @module synthetic/scene-objects — the things a block holds (buildings and trees) and the sun that lights them. */
import type { BuildingShape, OrientedRect, ScenePoint } from './building-shapes.ts';
import type { ScenePlot } from './plot-layout.ts';
import type { RoofStyle } from './roof-style.ts';

/** One building of the scene, in scene metres. Its `ring` is the truth footprint: exactly the roof as drawn. */
export type SceneBuilding = {
  /** Stable id `syn<seed>_<I>_<J>_<c>_<r>_<k>`: superblock, column, row within it, and rank within the block. */
  readonly id: string;
  /** Roof outline, counter-clockwise, not closed. */
  readonly ring: readonly ScenePoint[];
  /** Rectangles whose union is the outline; each carries its own roof ridge. */
  readonly parts: readonly OrientedRect[];
  readonly shape: BuildingShape;
  readonly roof: RoofStyle;
  /** Eave height in metres, which sets the length of the cast shadow. */
  readonly height: number;
  /** Number of buildings in its touching group (1 when detached). */
  readonly groupSize: number;
  /** Scene rectangle `[s0, t0, s1, t1]` around the outline. */
  readonly bounds: readonly [number, number, number, number];
};

/** A disc of a tree crown, scene metres. */
export type CrownDisc = { readonly s: number; readonly t: number; readonly r: number };

/** A tree: a crown of one to three discs. */
export type SceneTree = {
  readonly discs: readonly CrownDisc[];
  /** Height in metres, which sets the length of the cast shadow. */
  readonly height: number;
  /** Variety of the crown's green, 0..1. */
  readonly tone: number;
  /** Scene rectangle `[s0, t0, s1, t1]` around the crown. */
  readonly bounds: readonly [number, number, number, number];
};

/** Everything in one block, plus the scene rectangle `[s0, t0, s1, t1]` that it and its shadows can reach. */
export type BlockContent = {
  readonly key: string;
  readonly buildings: readonly SceneBuilding[];
  readonly trees: readonly SceneTree[];
  readonly plots: readonly ScenePlot[];
  readonly reach: readonly [number, number, number, number];
};

/** Scene rectangle `[s0, t0, s1, t1]` around some points. */
export function boundsOf(points: ReadonlyArray<readonly [number, number]>): [number, number, number, number] {
  let s0 = Infinity;
  let t0 = Infinity;
  let s1 = -Infinity;
  let t1 = -Infinity;
  for (const [s, t] of points) {
    if (s < s0) s0 = s;
    if (s > s1) s1 = s;
    if (t < t0) t0 = t;
    if (t > t1) t1 = t;
  }
  return [s0, t0, s1, t1];
}

/** Direction shadows fall in, ground metres east and north (down and to the right in an image). */
export const SHADOW_DIRECTION: readonly [number, number] = [0.6, -0.8];
/** Shadow length per metre of height (sun about 55° above the horizon). */
export const SHADOW_PER_METRE = 0.7;
/** Longest shadow any object casts, metres. */
export const MAX_SHADOW = 14 * SHADOW_PER_METRE;
