/**
 * @module synthetic/scene-content — lazy, cached access to what a scene holds in a region: superblocks, their roads,
 * and each block's buildings and trees. Blocks are the unit of generation, so a tile or a footprint query only ever
 * generates the handful of blocks it touches.
 */
import { layoutBlockBuildings } from './block-layout.ts';
import { layoutBlockPlots } from './plot-layout.ts';
import {
  MAX_ROAD_REACH,
  superblockAt,
  superblockIndexOf,
  type BlockFrame,
  type Superblock,
} from './road-network.ts';
import {
  frameOf,
  insideArea,
  sceneRectOfGroundRect,
  sceneToGround,
  type SceneFrame,
  type SyntheticScene,
} from './scene.ts';
import { MAX_SHADOW, type BlockContent } from './scene-objects.ts';
import { layoutBlockTrees } from './tree-layout.ts';

/** A rectangle `[s0, t0, s1, t1]` in scene metres. */
export type SceneRect = readonly [number, number, number, number];

/** Most blocks kept per scene (a 16 km² scene has about 4 000). */
const BLOCK_CACHE_SIZE = 6000;
const SUPERBLOCK_CACHE_SIZE = 1024;

/** The per-scene state: its frame and caches of generated superblocks and blocks. */
export type SceneState = {
  readonly frame: SceneFrame;
  /** The scene-frame rectangle covering the whole (rotated) area. */
  readonly areaRect: SceneRect;
  readonly superblocks: Map<string, Superblock>;
  readonly blocks: Map<string, BlockContent>;
};

const states = new WeakMap<SyntheticScene, SceneState>();

/** The state of a scene, created on first use (scenes are plain data; the cache lives beside them, per scene). */
export function sceneState(scene: SyntheticScene): SceneState {
  let state = states.get(scene);
  if (state === undefined) {
    const frame = frameOf(scene);
    const e = frame.halfExtent;
    state = {
      frame,
      areaRect: sceneRectOfGroundRect(frame, [-e, -e, e, e]),
      superblocks: new Map(),
      blocks: new Map(),
    };
    states.set(scene, state);
  }
  return state;
}

function cached<T>(cache: Map<string, T>, key: string, limit: number, make: () => T): T {
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const value = make();
  cache.set(key, value);
  if (cache.size > limit) cache.delete(cache.keys().next().value as string);
  return value;
}

/** Superblocks meeting a scene rectangle (clipped to the area), ordered by row then column. */
export function superblocksIn(state: SceneState, rect: SceneRect): Superblock[] {
  const s0 = Math.max(rect[0], state.areaRect[0]);
  const t0 = Math.max(rect[1], state.areaRect[1]);
  const s1 = Math.min(rect[2], state.areaRect[2]);
  const t1 = Math.min(rect[3], state.areaRect[3]);
  if (s0 > s1 || t0 > t1) return [];
  const { frame } = state;
  const found: Superblock[] = [];
  const i1 = superblockIndexOf(frame, 's', s1);
  const j1 = superblockIndexOf(frame, 't', t1);
  for (let J = superblockIndexOf(frame, 't', t0); J <= j1; J++)
    for (let I = superblockIndexOf(frame, 's', s0); I <= i1; I++)
      found.push(
        cached(state.superblocks, `${I}_${J}`, SUPERBLOCK_CACHE_SIZE, () => superblockAt(frame, I, J)),
      );
  return found;
}

function blockInsideArea(frame: SceneFrame, block: BlockFrame): boolean {
  const [s0, t0, s1, t1] = block.interior;
  for (const [s, t] of [
    [s0, t0],
    [s1, t0],
    [s0, t1],
    [s1, t1],
  ] as const) {
    const [u, v] = sceneToGround(frame, s, t);
    if (!insideArea(frame, u, v)) return false;
  }
  return true;
}

/** The buildings and trees of a block (generated once per scene, then cached). */
export function blockContent(state: SceneState, block: BlockFrame): BlockContent {
  return cached(state.blocks, block.key, BLOCK_CACHE_SIZE, () => {
    const { buildings, style } = layoutBlockBuildings(state.frame, block);
    const trees = layoutBlockTrees(state.frame, block, buildings);
    const plots = layoutBlockPlots(state.frame, block, style === 'field', buildings);
    const grow = 6 + MAX_SHADOW;
    const [s0, t0, s1, t1] = block.interior;
    return { key: block.key, buildings, trees, plots, reach: [s0 - grow, t0 - grow, s1 + grow, t1 + grow] };
  });
}

function rectsMeet(a: SceneRect, b: SceneRect): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/**
 * Contents of every block inside the area whose reach (its land plus the longest shadow) meets a scene rectangle,
 * in a fixed order (superblock row, column, then block), so overlapping edges are always painted alike.
 */
export function blocksIn(state: SceneState, rect: SceneRect): BlockContent[] {
  const margin = 6 + MAX_SHADOW + MAX_ROAD_REACH;
  const grown: SceneRect = [rect[0] - margin, rect[1] - margin, rect[2] + margin, rect[3] + margin];
  const found: BlockContent[] = [];
  for (const superblock of superblocksIn(state, grown))
    for (const block of superblock.blocks) {
      const [s0, t0, s1, t1] = block.interior;
      if (!rectsMeet([s0 - 20, t0 - 20, s1 + 20, t1 + 20], rect)) continue;
      if (!blockInsideArea(state.frame, block)) continue;
      const content = blockContent(state, block);
      if (rectsMeet(content.reach, rect)) found.push(content);
    }
  return found;
}
