/**
 * @module synthetic/block-layout — fills one block with buildings: terraces along the street fronts, then detached
 * houses, L-shapes, annexed pairs and courtyard clusters inside, never overlapping except where walls are shared.
 */
import {
  annexGroup,
  courtyardGroup,
  groupBounds,
  lShapeGroup,
  placePoint,
  placeRect,
  rectInsideBox,
  rectsOverlap,
  rowGroup,
  singleGroup,
  type LocalBuilding,
  type OrientedRect,
  type Placement,
} from './building-shapes.ts';
import { createRandom, hashInts, Tag, type Random } from './random.ts';
import type { BlockFrame } from './road-network.ts';
import { drawHeight, drawRoofStyle, type RoofStyle } from './roof-style.ts';
import type { SceneFrame } from './scene.ts';
import { boundsOf, type SceneBuilding } from './scene-objects.ts';

/** The character of a block, drawn from its density. */
export type BlockStyle = 'field' | 'terraces' | 'scattered' | 'compounds' | 'institutional';

type Box = readonly [number, number, number, number];

/** Mutable state of one block's layout while it is being built. */
type Planner = {
  readonly random: Random;
  readonly interior: Box;
  readonly idPrefix: string;
  readonly rects: OrientedRect[];
  readonly buildings: SceneBuilding[];
  covered: number;
};

function drawStyle(random: Random, density: number): BlockStyle {
  if (density < 0.08 || (density < 0.22 && random.chance(0.55))) return 'field';
  const d = random.next();
  if (d < 0.07) return 'institutional';
  if (density > 0.55) return d < 0.5 ? 'terraces' : d < 0.78 ? 'compounds' : 'scattered';
  return d < 0.3 ? 'terraces' : d < 0.6 ? 'compounds' : 'scattered';
}

/** Tries to place a group; on success records its buildings and returns true. */
function tryPlace(plan: Planner, group: LocalBuilding[], at: Placement, gap: number): boolean {
  const rects = group.map((b) => b.parts.map((part) => placeRect(at, part)));
  for (const list of rects)
    for (const rect of list) {
      if (!rectInsideBox(rect, plan.interior)) return false;
      for (const other of plan.rects) if (rectsOverlap(rect, other, gap)) return false;
    }
  let neighbour: RoofStyle | undefined;
  group.forEach((local, i) => {
    const parts = rects[i] ?? [];
    const area = local.parts.reduce((sum, [x0, y0, x1, y1]) => sum + (x1 - x0) * (y1 - y0), 0);
    const roof = drawRoofStyle(plan.random, area, neighbour);
    neighbour = roof;
    plan.rects.push(...parts);
    plan.covered += area;
    const ring = local.ring.map(([x, y]) => placePoint(at, x, y));
    plan.buildings.push({
      id: `${plan.idPrefix}_${plan.buildings.length}`,
      ring,
      bounds: boundsOf(ring),
      parts,
      shape: local.shape,
      roof,
      height: drawHeight(plan.random, area, roof),
      groupSize: group.length,
    });
  });
  return true;
}

/** A random group for the inside of a block (sizes in metres, `large` for institutional blocks). */
function drawGroup(random: Random, style: BlockStyle, large: boolean): LocalBuilding[] {
  if (large) {
    const w = random.range(14, 25);
    const d = random.range(10, 18);
    return random.chance(0.35)
      ? lShapeGroup(w, d, w * random.range(0.35, 0.6), d * random.range(0.35, 0.55), random.chance(0.5))
      : singleGroup(w, d);
  }
  const draw = random.next();
  const compound = style === 'compounds';
  if (draw < (compound ? 0.22 : 0.12)) {
    const w = random.range(8, 16);
    const d = random.range(7, 13);
    return lShapeGroup(
      w,
      d,
      Math.min(w - 3.5, w * random.range(0.3, 0.6)),
      Math.min(d - 3.5, d * random.range(0.3, 0.6)),
      random.chance(0.5),
    );
  }
  if (draw < (compound ? 0.42 : 0.26)) {
    const d = random.range(5, 9);
    const ad = random.range(2.8, d - 1);
    return annexGroup(random.range(5, 10), d, random.range(2.5, 5), ad, random.range(0, d - ad));
  }
  if (draw < (compound ? 0.56 : 0.31)) {
    const wing = random.range(3.5, 5.5);
    const d = random.range(8, 14);
    const d2 = random.range(8, 14);
    return courtyardGroup(
      random.range(2 * wing + 4, 21),
      d,
      d2,
      wing,
      Math.max(random.range(3.5, 5.5), Math.abs(d - d2) + 2),
    );
  }
  if (draw < (compound ? 0.62 : 0.42)) return drawRow(random);
  const w = random.range(4, 11);
  return singleGroup(w, Math.max(4, w * random.range(0.5, 1.1)));
}

function drawRow(random: Random): LocalBuilding[] {
  const n = random.int(2, 6);
  const sameDepth = random.chance(0.45);
  const depth = random.range(5, 9);
  const widths = Array.from({ length: n }, () => random.range(3.5, 7));
  const depths = widths.map(() => (sameDepth ? depth : random.range(5, 9.5)));
  return rowGroup(widths, depths);
}

/** Places terraces and houses with their fronts along each street side of the interior. */
function fillFrontages(plan: Planner, style: BlockStyle, density: number): void {
  const [s0, t0, s1, t1] = plan.interior;
  const sides: Array<{ origin: (p: number) => [number, number]; cos: number; sin: number; length: number }> =
    [
      { origin: (p) => [s0 + p, t0], cos: 1, sin: 0, length: s1 - s0 },
      { origin: (p) => [s1, t0 + p], cos: 0, sin: 1, length: t1 - t0 },
      { origin: (p) => [s1 - p, t1], cos: -1, sin: 0, length: s1 - s0 },
      { origin: (p) => [s0, t1 - p], cos: 0, sin: -1, length: t1 - t0 },
    ];
  const random = plan.random;
  for (const side of sides) {
    if (style !== 'terraces' && !random.chance(0.2 + 0.6 * density)) continue;
    let p = random.range(0, 3);
    while (p < side.length - 4) {
      const group =
        style === 'terraces' && random.chance(0.7) ? drawRow(random) : drawGroup(random, style, false);
      const [gx0, gy0, gx1] = groupBounds(group);
      const [x, y] = side.origin(p - gx0);
      const inset = random.range(0, 1.2) - gy0;
      const at = { x: x - side.sin * inset, y: y + side.cos * inset, cos: side.cos, sin: side.sin };
      const placed = tryPlace(plan, group, at, random.range(0.8, 2));
      p += (placed ? gx1 - gx0 : 2) + random.range(0.8, 3) + (random.chance(0.12) ? random.range(4, 12) : 0);
    }
  }
}

/**
 * Scatters groups over the interior until the target built-up share or the attempt budget is reached; `skew` turns
 * the block's aligned houses away from the street grid (radians).
 */
function fillInterior(plan: Planner, style: BlockStyle, density: number, skew: number): void {
  const [s0, t0, s1, t1] = plan.interior;
  const area = (s1 - s0) * (t1 - t0);
  const random = plan.random;
  const target =
    style === 'field' ? random.int(0, 2) * 40 : area * (0.12 + 0.48 * density) * random.range(0.7, 1.25);
  const large = style === 'institutional';
  for (let attempt = 0; attempt < (large ? 40 : 160) && plan.covered < target; attempt++) {
    const group = drawGroup(random, style, large && attempt < 20);
    const angle =
      style === 'scattered' && random.chance(0.6)
        ? random.range(0, Math.PI)
        : skew + (random.int(0, 3) * Math.PI) / 2 + random.range(-0.1, 0.1);
    const at = {
      x: random.range(s0, s1),
      y: random.range(t0, t1),
      cos: Math.cos(angle),
      sin: Math.sin(angle),
    };
    tryPlace(plan, group, at, style === 'scattered' ? random.range(1.5, 4) : random.range(0.9, 2.5));
  }
}

/**
 * Lays out the buildings of a block. Pure function of the frame and the block: any tile or query that needs this block
 * gets the same buildings with the same ids.
 * @returns buildings in placement order, ids `syn<seed>_<block key>_<rank>`
 */
export function layoutBlockBuildings(
  frame: SceneFrame,
  block: BlockFrame,
): { style: BlockStyle; buildings: SceneBuilding[] } {
  const [I, J, c, r] = block.index;
  const random = createRandom(hashInts(frame.seed, Tag.block, I, J, c * 64 + r));
  const style = drawStyle(random, block.density);
  const plan: Planner = {
    random,
    interior: block.interior,
    idPrefix: `syn${frame.seed}_${block.key}`,
    rects: [],
    buildings: [],
    covered: 0,
  };
  if (style !== 'field') fillFrontages(plan, style, block.density);
  const skew = style !== 'scattered' && random.chance(0.3) ? random.range(-0.25, 0.25) : 0;
  fillInterior(plan, style, block.density, skew);
  return { style, buildings: plan.buildings };
}
