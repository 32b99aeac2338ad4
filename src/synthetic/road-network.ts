/**
 * @module synthetic/road-network — the street grid in scene metres: main roads on a jittered ~220 m grid of
 * superblocks, lanes splitting each superblock into columns, and staggered cross lanes splitting each column into
 * blocks. Every road wiggles along a smooth hashed curve, so the grid reads as an unplanned settlement.
 */
import { builtDensity } from './density.ts';
import { createRandom, hashInts, hashUnit, Tag, valueNoise1 } from './random.ts';
import { sceneToGround, type SceneFrame } from './scene.ts';

/** Nominal side of a superblock, metres. */
export const SUPERBLOCK_SIZE = 220;
/** Largest half-width plus wiggle amplitude of any road, metres (bounds every road's reach from its line). */
export const MAX_ROAD_REACH = 8;

/** Surface class of a road. */
export type RoadKind = 'paved' | 'dirt' | 'lane' | 'path';

/**
 * One road: a wiggly centreline `cross = pos + wiggle(run)` for `run` in `[from, to]`. Axis `'s'` roads run along t
 * at s ≈ pos; axis `'t'` roads run along s at t ≈ pos.
 */
export type RoadLine = {
  readonly id: number;
  readonly axis: 's' | 't';
  readonly pos: number;
  readonly from: number;
  readonly to: number;
  readonly halfWidth: number;
  readonly amplitude: number;
  readonly wavelength: number;
  readonly kind: RoadKind;
};

/** A block: the land between four roads, with its buildable interior (after road reach and setback). */
export type BlockFrame = {
  /** Stable key `I_J_c_r`. */
  readonly key: string;
  readonly index: readonly [number, number, number, number];
  /** Buildable interior `[s0, t0, s1, t1]`, scene metres. */
  readonly interior: readonly [number, number, number, number];
  /** Built-up density at the block's centre. */
  readonly density: number;
};

/** A superblock with the roads it owns (its west and south main roads and its lanes) and its blocks. */
export type Superblock = {
  readonly I: number;
  readonly J: number;
  readonly roads: readonly RoadLine[];
  readonly blocks: readonly BlockFrame[];
};

/** Centreline cross position of a road at a run position. */
export function roadCentre(frame: SceneFrame, road: RoadLine, run: number): number {
  return (
    road.pos + road.amplitude * (2 * valueNoise1(frame.seed, Tag.wiggle, run / road.wavelength, road.id) - 1)
  );
}

/** Position of main line `i` of an axis (monotonic in i: jitter is under a sixth of the spacing). */
export function mainLinePos(frame: SceneFrame, axis: 's' | 't', i: number): number {
  const tag = axis === 's' ? Tag.lineS : Tag.lineT;
  return i * SUPERBLOCK_SIZE + (hashUnit(frame.seed, tag, i) - 0.5) * 0.3 * SUPERBLOCK_SIZE;
}

/** Index of the superblock column (axis 's') or row (axis 't') containing a scene coordinate. */
export function superblockIndexOf(frame: SceneFrame, axis: 's' | 't', value: number): number {
  let i = Math.floor(value / SUPERBLOCK_SIZE);
  while (value < mainLinePos(frame, axis, i)) i--;
  while (value >= mainLinePos(frame, axis, i + 1)) i++;
  return i;
}

function mainLine(frame: SceneFrame, axis: 's' | 't', i: number, from: number, to: number): RoadLine {
  const axisCode = axis === 's' ? 1 : 2;
  const kindDraw = hashUnit(frame.seed, Tag.lineKind, axisCode, i);
  const widthDraw = hashUnit(frame.seed, Tag.lineKind, axisCode, i, 1);
  const paved = kindDraw < 0.32;
  return {
    id: hashInts(frame.seed, Tag.lineKind, axisCode, i, 7) & 0x3fffffff,
    axis,
    pos: mainLinePos(frame, axis, i),
    from,
    to,
    halfWidth: paved ? 3.4 + widthDraw * 1.4 : 2.4 + widthDraw * 1.2,
    amplitude: paved ? 1.2 : 2.4,
    wavelength: paved ? 140 : 70,
    kind: paved ? 'paved' : 'dirt',
  };
}

function lane(
  frame: SceneFrame,
  axis: 's' | 't',
  id: number,
  pos: number,
  from: number,
  to: number,
): RoadLine {
  const draw = hashUnit(frame.seed, Tag.laneS, id);
  const path = draw < 0.28;
  return {
    id,
    axis,
    pos,
    from,
    to,
    halfWidth: path ? 0.7 + draw : 1.5 + (draw - 0.28) * 1.2,
    amplitude: path ? 1.6 : 1.8,
    wavelength: path ? 26 : 40,
    kind: path ? 'path' : 'lane',
  };
}

/** Splits `[a, b]` into `parts` pieces with jittered cut points; returns the inner cut positions. */
function jitteredCuts(a: number, b: number, parts: number, draw: () => number): number[] {
  const cuts: number[] = [];
  for (let k = 1; k < parts; k++) cuts.push(a + ((b - a) * (k + (draw() - 0.5) * 0.36)) / parts);
  return cuts;
}

/** How far from a road's nominal line buildable land starts: its reach plus a hashed setback (0.6..2.6 m). */
function reachOf(road: RoadLine, setbackDraw: number): number {
  return road.halfWidth + road.amplitude + 0.6 + setbackDraw * 2;
}

/**
 * The superblock `(I, J)`: its west and south main roads, its lanes and its blocks. Pure function of the frame.
 * @returns roads (ends exact on the crossing road's centreline) and blocks (only those whose interior is at least
 *   8 m wide and tall)
 */
export function superblockAt(frame: SceneFrame, I: number, J: number): Superblock {
  const s0 = mainLinePos(frame, 's', I);
  const s1 = mainLinePos(frame, 's', I + 1);
  const t0 = mainLinePos(frame, 't', J);
  const t1 = mainLinePos(frame, 't', J + 1);
  const west = mainLine(frame, 's', I, t0, t1);
  const east = mainLine(frame, 's', I + 1, t0, t1);
  const south = mainLine(frame, 't', J, s0, s1);
  const north = mainLine(frame, 't', J + 1, s0, s1);
  const [cu, cv] = sceneToGround(frame, (s0 + s1) / 2, (t0 + t1) / 2);
  const density = builtDensity(frame, cu, cv);
  const random = createRandom(hashInts(frame.seed, Tag.superblock, I, J));
  const columnCount = density < 0.12 ? random.int(1, 2) : density < 0.4 ? random.int(2, 3) : random.int(3, 4);
  const roads: RoadLine[] = [
    { ...west, from: t0 - 4, to: t1 + 4 },
    { ...south, from: s0 - 4, to: s1 + 4 },
  ];
  const columnRoads: RoadLine[] = [west];
  jitteredCuts(s0, s1, columnCount, random.next).forEach((pos, c) => {
    const id = hashInts(frame.seed, Tag.laneS, I, J, c) & 0x3fffffff;
    const from = roadCentre(frame, south, pos);
    const to = roadCentre(frame, north, pos);
    const road = lane(frame, 's', id, pos, from, to);
    roads.push(road);
    columnRoads.push(road);
  });
  columnRoads.push(east);
  const blocks: BlockFrame[] = [];
  for (let c = 0; c + 1 < columnRoads.length; c++) {
    const left = columnRoads[c] as RoadLine;
    const right = columnRoads[c + 1] as RoadLine;
    const rowCount = density < 0.12 ? random.int(1, 2) : density < 0.4 ? random.int(2, 3) : random.int(3, 4);
    const rowRoads: RoadLine[] = [south];
    jitteredCuts(t0, t1, rowCount, random.next).forEach((pos, r) => {
      const id = hashInts(frame.seed, Tag.laneT, I, J, c * 16 + r) & 0x3fffffff;
      const road = lane(frame, 't', id, pos, roadCentre(frame, left, pos), roadCentre(frame, right, pos));
      roads.push(road);
      rowRoads.push(road);
    });
    rowRoads.push(north);
    for (let r = 0; r + 1 < rowRoads.length; r++) {
      const bottom = rowRoads[r] as RoadLine;
      const top = rowRoads[r + 1] as RoadLine;
      const interior: [number, number, number, number] = [
        left.pos + reachOf(left, random.next()),
        bottom.pos + reachOf(bottom, random.next()),
        right.pos - reachOf(right, random.next()),
        top.pos - reachOf(top, random.next()),
      ];
      if (interior[2] - interior[0] < 8 || interior[3] - interior[1] < 8) continue;
      const [bu, bv] = sceneToGround(frame, (interior[0] + interior[2]) / 2, (interior[1] + interior[3]) / 2);
      blocks.push({
        key: `${I}_${J}_${c}_${r}`,
        index: [I, J, c, r],
        interior,
        density: builtDensity(frame, bu, bv),
      });
    }
  }
  return { I, J, roads, blocks };
}

/** A straight piece of a road's centreline, scene metres. */
export type RoadPiece = {
  s0: number;
  t0: number;
  s1: number;
  t1: number;
  halfWidth: number;
  kind: RoadKind;
  /** Id of the road and run position where the piece starts: together a stable key of the piece. */
  roadId: number;
  run: number;
};

/** Spacing of the knots where a road's wiggly centreline is sampled into straight pieces, metres. */
export const ROAD_KNOT = 5;

/**
 * Straight pieces of a road's centreline within run range `[lo, hi]`, knots on a global lattice (multiples of
 * `knot`) so that pieces do not depend on who asks.
 * @param knot - knot spacing in metres, default 5 (coarse zooms pass a multiple of it)
 */
export function roadPieces(
  frame: SceneFrame,
  road: RoadLine,
  lo = -Infinity,
  hi = Infinity,
  knot = ROAD_KNOT,
): RoadPiece[] {
  const start = Math.max(road.from, lo);
  const end = Math.min(road.to, hi);
  if (start >= end) return [];
  const runs: number[] = [road.from];
  for (let k = Math.floor(road.from / knot) + 1; k * knot < road.to; k++) runs.push(k * knot);
  runs.push(road.to);
  const pieces: RoadPiece[] = [];
  for (let i = 0; i + 1 < runs.length; i++) {
    const a = runs[i] as number;
    const b = runs[i + 1] as number;
    if (b < start || a > end) continue;
    const ca = roadCentre(frame, road, a);
    const cb = roadCentre(frame, road, b);
    pieces.push(
      road.axis === 's'
        ? {
            s0: ca,
            t0: a,
            s1: cb,
            t1: b,
            halfWidth: road.halfWidth,
            kind: road.kind,
            roadId: road.id,
            run: a,
          }
        : {
            s0: a,
            t0: ca,
            s1: b,
            t1: cb,
            halfWidth: road.halfWidth,
            kind: road.kind,
            roadId: road.id,
            run: a,
          },
    );
  }
  return pieces;
}
