/**
 * @module synthetic/tree-layout — trees of a block: free-standing ones in yards and along lanes, and a few planted
 * against buildings so that their crowns hide part of a roof (the footprint truth still holds the whole roof).
 */
import { distanceToRect } from './building-shapes.ts';
import { createRandom, hashInts, Tag, valueNoise2, type Random } from './random.ts';
import type { BlockFrame } from './road-network.ts';
import type { SceneFrame } from './scene.ts';
import { boundsOf, type CrownDisc, type SceneBuilding, type SceneTree } from './scene-objects.ts';

/** Share of buildings that get a tree overhanging one of their walls. */
const OCCLUDED_SHARE = 0.12;

function clearOfBuildings(
  buildings: readonly SceneBuilding[],
  s: number,
  t: number,
  clearance: number,
): boolean {
  for (const b of buildings)
    for (const part of b.parts) if (distanceToRect(part, s, t) < clearance) return false;
  return true;
}

function crown(random: Random, s: number, t: number, r: number, lobes: number): SceneTree {
  const discs: CrownDisc[] = [{ s, t, r }];
  for (let i = 0; i < lobes; i++) {
    const angle = random.range(0, 2 * Math.PI);
    const d = r * random.range(0.45, 0.75);
    discs.push({ s: s + Math.cos(angle) * d, t: t + Math.sin(angle) * d, r: r * random.range(0.5, 0.75) });
  }
  const bounds = boundsOf(
    discs.flatMap(
      (d) =>
        [
          [d.s - d.r, d.t - d.r],
          [d.s + d.r, d.t + d.r],
        ] as const,
    ),
  );
  return { discs, height: 2 * r + random.range(1.5, 4), tone: random.next(), bounds };
}

/** A tree just outside a random wall of the building, its crown reaching over the roof edge. */
function occludingTree(
  random: Random,
  building: SceneBuilding,
  all: readonly SceneBuilding[],
): SceneTree | undefined {
  const ring = building.ring;
  const i = random.int(0, ring.length - 1);
  const [as, at] = ring[i] ?? [0, 0];
  const [bs, bt] = ring[(i + 1) % ring.length] ?? [0, 0];
  const length = Math.hypot(bs - as, bt - at);
  if (length < 3) return undefined;
  const f = random.range(0.2, 0.8);
  const r = random.range(1.8, 3.2);
  const nx = (bt - at) / length;
  const ny = -(bs - as) / length;
  const s = as + (bs - as) * f + nx * r * 0.6;
  const t = at + (bt - at) * f + ny * r * 0.6;
  if (!clearOfBuildings(all, s, t, r * 0.5)) return undefined;
  return crown(random, s, t, r, 0);
}

/**
 * Trees of a block. Their number follows a greenery field (≈ 300 m patches) and falls with density; free trees keep
 * clear of roofs, while about one building in eight gets a tree leaning over it.
 * @param buildings - the block's buildings, already laid out
 * @returns trees in a fixed order (the order they are drawn in)
 */
export function layoutBlockTrees(
  frame: SceneFrame,
  block: BlockFrame,
  buildings: readonly SceneBuilding[],
): SceneTree[] {
  const [I, J, c, r] = block.index;
  const random = createRandom(hashInts(frame.seed, Tag.crown, I, J, c * 64 + r));
  const [s0, t0, s1, t1] = block.interior;
  const greenery = valueNoise2(frame.seed, Tag.groundVegetation, (s0 + s1) / 600, (t0 + t1) / 600);
  const perHectare = (14 + 110 * greenery * greenery) * (1.25 - 0.6 * block.density);
  const count = Math.round(((s1 - s0) * (t1 - t0) * perHectare) / 10000);
  const trees: SceneTree[] = [];
  // Half the trees stand in clumps round a few centres, the rest anywhere.
  const clumps = Array.from(
    { length: random.int(1, 3) },
    () => [random.range(s0, s1), random.range(t0, t1)] as const,
  );
  for (let k = 0; k < count; k++) {
    const radius = 1.5 + 4 * random.next() ** 2;
    const clump = random.chance(0.5) ? random.pick(clumps) : undefined;
    const s = clump ? clump[0] + random.range(-7, 7) : random.range(s0 - 1, s1 + 1);
    const t = clump ? clump[1] + random.range(-7, 7) : random.range(t0 - 1, t1 + 1);
    if (s < s0 - 1 || s > s1 + 1 || t < t0 - 1 || t > t1 + 1) continue;
    if (!clearOfBuildings(buildings, s, t, radius + 0.4)) continue;
    trees.push(crown(random, s, t, radius, random.int(0, 3)));
  }
  for (const building of buildings) {
    if (!random.chance(OCCLUDED_SHARE)) continue;
    const tree = occludingTree(random, building, buildings);
    if (tree) trees.push(tree);
  }
  return trees;
}
