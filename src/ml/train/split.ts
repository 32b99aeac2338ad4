/**
 * @module ml/train/split — spatial train/validation splits by tile, so neighbouring chips (which share buildings and
 * imagery) never sit on both sides of the split (issue 3, part 4).
 */
import { assertZoom } from '../../geo/index.ts';
import { invalid } from '../../shared/index.ts';
import { createRng } from './rng.ts';

/** Anything that knows the source XYZ tile it was cut from (a chip, a window of a chip, a tile record). */
export type TiledEntry = { tile: { x: number; y: number; z: number } };

/** A split of entries; both keep the input order. */
export type SpatialSplit<T> = { train: T[]; val: T[] };

/** Options of {@link spatialSplit}. */
export type SpatialSplitOptions = {
  /** Share of entries to put in validation, in (0, 1). */
  valRatio: number;
  /** Seed of the block shuffle. */
  seed: number;
  /** Width and height of a block in tiles (at the coarsest zoom present), default 2. */
  blockSize?: number;
};

/** Which edge of the area {@link holdOutBlock} takes its tiles from. */
export type HoldOutSide = 'east' | 'west' | 'north' | 'south';

/**
 * Splits entries by spatial block: tiles are grouped into `blockSize × blockSize` blocks (entries at finer zooms are
 * mapped to their parent at the coarsest zoom present), the blocks are shuffled with `seed`, and whole blocks go to
 * validation until at least `valRatio` of the entries are there. The result depends only on the set of tiles and the
 * seed, not on input order. With two or more blocks both sides are non-empty; with a single block `val` is empty.
 * @param entries - the entries to split, non-empty
 * @param options - see {@link SpatialSplitOptions}
 * @returns train and validation entries, each in input order
 * @throws AppError INVALID_PARAMETER_VALUE on an empty list, a bad tile, ratio, seed or block size
 * @example
 * const { train, val } = spatialSplit(chips, { valRatio: 0.2, seed: 7 });
 */
export function spatialSplit<T extends TiledEntry>(
  entries: readonly T[],
  options: SpatialSplitOptions,
): SpatialSplit<T> {
  if (entries.length === 0) invalid('cannot split an empty list of entries');
  checkRatio('valRatio', options.valRatio);
  const blockSize = options.blockSize ?? 2;
  if (!Number.isSafeInteger(blockSize) || blockSize < 1)
    invalid(`blockSize ${blockSize} must be a positive integer`);
  const cells = coarseCells(entries);
  const blocks = new Map<string, { bx: number; by: number; members: number[] }>();
  cells.forEach((cell, i) => {
    const bx = Math.floor(cell.x / blockSize);
    const by = Math.floor(cell.y / blockSize);
    const key = `${bx},${by}`;
    const block = blocks.get(key) ?? { bx, by, members: [] };
    block.members.push(i);
    blocks.set(key, block);
  });
  const ordered = [...blocks.values()].sort((a, b) => a.by - b.by || a.bx - b.bx);
  createRng(options.seed).shuffle(ordered);

  const inVal = new Uint8Array(entries.length);
  const target = options.valRatio * entries.length;
  let valCount = 0;
  for (let b = 0; b < ordered.length - 1 && valCount < target; b++) {
    for (const i of ordered[b]?.members ?? []) inVal[i] = 1;
    valCount += ordered[b]?.members.length ?? 0;
  }
  return partition(entries, inVal);
}

/**
 * Holds out one contiguous spatial block of at least `ratio` of the distinct tiles, taken from one edge: whole
 * columns (or rows) from that edge, the last one partly (from its north or west end), so the hold-out is as close to
 * `ratio` as tiles allow. Used for quality experiments ("hold out a spatial block of ≥ 20% of the tiles").
 * @param entries - the entries, non-empty, on at least two tiles
 * @param options - `ratio` in (0, 1); `side` the edge to take from, default `'east'`
 * @returns `val` = entries on held-out tiles, `train` = the rest, each in input order
 * @throws AppError INVALID_PARAMETER_VALUE on an empty list, a bad ratio or tile, or when the hold-out would take
 *   every tile
 */
export function holdOutBlock<T extends TiledEntry>(
  entries: readonly T[],
  options: { ratio: number; side?: HoldOutSide },
): SpatialSplit<T> {
  if (entries.length === 0) invalid('cannot hold out from an empty list of entries');
  checkRatio('hold-out ratio', options.ratio);
  const side = options.side ?? 'east';
  const cells = coarseCells(entries);
  const distinct = new Map<string, { x: number; y: number }>();
  for (const cell of cells) distinct.set(`${cell.x},${cell.y}`, cell);
  const tiles = [...distinct.values()].sort(edgeOrder(side));
  const needed = Math.ceil(options.ratio * tiles.length);
  if (needed >= tiles.length)
    invalid(`hold-out ratio ${options.ratio} of ${tiles.length} tiles leaves no tile for training`);
  const held = new Set(tiles.slice(0, needed).map((t) => `${t.x},${t.y}`));
  const inVal = Uint8Array.from(cells, (cell) => (held.has(`${cell.x},${cell.y}`) ? 1 : 0));
  return partition(entries, inVal);
}

function edgeOrder(side: HoldOutSide): (a: { x: number; y: number }, b: { x: number; y: number }) => number {
  switch (side) {
    case 'east':
      return (a, b) => b.x - a.x || a.y - b.y;
    case 'west':
      return (a, b) => a.x - b.x || a.y - b.y;
    case 'north':
      return (a, b) => a.y - b.y || a.x - b.x;
    case 'south':
      return (a, b) => b.y - a.y || a.x - b.x;
    default:
      return invalid(`hold-out side ${String(side)} is not east, west, north or south`);
  }
}

/** Each entry's tile, mapped to its ancestor at the coarsest zoom among the entries. */
function coarseCells(entries: readonly TiledEntry[]): { x: number; y: number }[] {
  let minZoom = Infinity;
  entries.forEach((entry, i) => {
    const tile = (entry as Partial<TiledEntry>).tile;
    if (tile === undefined || tile === null || typeof tile.z !== 'number')
      return invalid(`entry ${i} has no tile`);
    const { x, y, z } = tile;
    assertZoom(z);
    const n = 2 ** z;
    if (!Number.isInteger(x) || !Number.isInteger(y) || x < 0 || y < 0 || x >= n || y >= n)
      invalid(`entry ${i} has tile ${x}/${y}/${z} outside zoom ${z}`);
    minZoom = Math.min(minZoom, z);
  });
  return entries.map(({ tile }) => {
    const scale = 2 ** (tile.z - minZoom);
    return { x: Math.floor(tile.x / scale), y: Math.floor(tile.y / scale) };
  });
}

function partition<T>(entries: readonly T[], inVal: Uint8Array): SpatialSplit<T> {
  const train: T[] = [];
  const val: T[] = [];
  entries.forEach((entry, i) => (inVal[i] === 1 ? val : train).push(entry));
  return { train, val };
}

function checkRatio(what: string, ratio: number): void {
  if (!(ratio > 0 && ratio < 1)) invalid(`${what} ${ratio} must be between 0 and 1 (exclusive)`);
}
