/**
 * @module synthetic/plot-layout — cultivated plots in fields and sparse blocks: rectangles of crop rows, tilled soil
 * or stubble, kept clear of buildings. They are not buildings; they give the model rectangles to learn to ignore.
 */
import { placeRect, rectCorners, rectInsideBox, rectsOverlap, type OrientedRect } from './building-shapes.ts';
import { createRandom, hashInts, Tag } from './random.ts';
import type { BlockFrame } from './road-network.ts';
import type { Rgb } from './roof-style.ts';
import type { SceneFrame } from './scene.ts';
import { boundsOf, type SceneBuilding } from './scene-objects.ts';

/** A cultivated plot: a rectangle with rows along its first axis. */
export type ScenePlot = {
  readonly rect: OrientedRect;
  readonly colour: Rgb;
  /** Spacing of crop rows, metres. */
  readonly rowSpacing: number;
  /** How strongly rows show, 0..1. */
  readonly rowContrast: number;
  readonly bounds: readonly [number, number, number, number];
};

const CROPS: ReadonlyArray<{ colour: Rgb; contrast: number }> = [
  { colour: [112, 92, 72], contrast: 0.16 }, // tilled, moist soil
  { colour: [138, 112, 86], contrast: 0.12 }, // tilled, dry soil
  { colour: [96, 118, 66], contrast: 0.22 }, // young maize or beans
  { colour: [76, 102, 56], contrast: 0.18 }, // dense crop
  { colour: [168, 154, 112], contrast: 0.14 }, // stubble
];

/**
 * Plots of a block: several in a field block, a kitchen garden or two in a sparse one, none where it is dense.
 * @returns plots in a fixed order, clear of the block's buildings
 */
export function layoutBlockPlots(
  frame: SceneFrame,
  block: BlockFrame,
  fieldBlock: boolean,
  buildings: readonly SceneBuilding[],
): ScenePlot[] {
  if (!fieldBlock && block.density > 0.35) return [];
  const [I, J, c, r] = block.index;
  const random = createRandom(hashInts(frame.seed, Tag.plot, I, J, c * 64 + r));
  const [s0, t0, s1, t1] = block.interior;
  const attempts = fieldBlock ? random.int(2, 6) : random.int(0, 2);
  const parts = buildings.flatMap((b) => b.parts);
  const plots: ScenePlot[] = [];
  for (let k = 0; k < attempts; k++) {
    const w = fieldBlock ? random.range(12, 40) : random.range(6, 14);
    const d = fieldBlock ? random.range(10, 30) : random.range(5, 10);
    const angle = random.int(0, 1) * (Math.PI / 2) + random.range(-0.06, 0.06);
    const at = {
      x: random.range(s0, s1 - w),
      y: random.range(t0, t1 - d),
      cos: Math.cos(angle),
      sin: Math.sin(angle),
    };
    const rect = placeRect(at, [0, 0, w, d]);
    if (!rectInsideBox(rect, block.interior)) continue;
    if (parts.some((part) => rectsOverlap(rect, part, 2))) continue;
    if (plots.some((plot) => rectsOverlap(rect, plot.rect, 1.5))) continue;
    const crop = random.pick(CROPS);
    plots.push({
      rect,
      colour: crop.colour,
      rowSpacing: random.range(0.9, 1.8),
      rowContrast: crop.contrast,
      bounds: boundsOf(rectCorners(rect)),
    });
  }
  return plots;
}
