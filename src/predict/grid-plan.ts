/**
 * @module predict/grid-plan — lays the tiles of an area on one pixel grid, places model windows on it and cuts it into
 * column stripes with margins, so any area is processed in bounded memory and a building is found whole once
 * (issue 4 §1, §2). Pure functions.
 */
import { tileKey } from '../geo/index.ts';
import type { Tile } from '../geo/index.ts';
import { invalid } from '../shared/index.ts';
import { originsTouching, windowOrigins } from './window-grid.ts';

/** One column stripe of the grid: its own columns (core) and the margin it also computes. */
export type Stripe = {
  /** Index of the stripe, west to east. */
  index: number;
  /** Grid columns the stripe owns: a building belongs to the stripe holding its westmost pixel. */
  coreX0: number;
  coreX1: number;
  /** Grid columns labelled for instances: the core plus a margin on each side (clipped to the grid). */
  extX0: number;
  extX1: number;
  /** Columns whose probabilities the windows produce: every window touching the extended columns. */
  computeX0: number;
  computeX1: number;
  /** Window origins (grid columns) of the stripe, ascending. */
  windowXs: number[];
};

/** The pixel grid of an area and where the model looks at it. */
export type GridPlan = {
  zoom: number;
  /** Pixels per tile side (the imagery's native tile size). */
  tileSize: number;
  /** Model input size (window side) in pixels. */
  inputSize: number;
  /** Pixels shared by neighbouring windows. */
  overlap: number;
  /** First tile column and row of the grid. */
  tileX0: number;
  tileY0: number;
  /** Tile columns and rows of the grid. */
  tilesWide: number;
  tilesHigh: number;
  /** Grid size in pixels. */
  width: number;
  height: number;
  /** Window origins (grid rows), ascending. */
  windowYs: number[];
  stripes: Stripe[];
  /** Keys (`z/x/y`) of the tiles inside the area; grid tiles outside it are no-data. */
  areaTiles: ReadonlySet<string>;
  /** Every area tile in processing order: stripe by stripe, north to south, west to east. */
  tileOrder: Tile[];
};

/** Settings of {@link planGrid}. */
export type GridSettings = {
  tileSize: number;
  inputSize: number;
  overlap: number;
  /** Widest core of a stripe in pixels, default 16384 (64 tiles of 256 px). */
  maxStripeWidth?: number;
  /** Margin computed on each side of a stripe, default max(256, tileSize) px: the widest building found whole. */
  stripeMargin?: number;
};

/** Default widest stripe core, pixels. */
export const DEFAULT_MAX_STRIPE_WIDTH = 16384;

/**
 * Plans the pixel grid of a set of tiles of one zoom: the grid spans their bounding rectangle of tiles; windows of
 * `inputSize` are placed at a stride of `inputSize − overlap` over the whole grid ({@link windowOrigins}); the grid is
 * cut into stripes no wider than `maxStripeWidth` (rounded to whole tiles), each computing a margin on both sides.
 * @param tiles - the area's tiles, all of one zoom (at least one)
 * @param settings - tile size, model input size, overlap; stripe width and margin (defaults above)
 * @returns the plan
 * @throws AppError INVALID_PARAMETER_VALUE for no tiles, mixed zooms or bad sizes
 */
export function planGrid(tiles: readonly Tile[], settings: GridSettings): GridPlan {
  const first = tiles[0];
  if (first === undefined) invalid('the area has no tiles to predict');
  const { tileSize, inputSize, overlap } = settings;
  for (const [what, v] of [
    ['tile size', tileSize],
    ['input size', inputSize],
  ] as const)
    if (!Number.isSafeInteger(v) || v < 1) invalid(`${what} ${v} must be a positive integer`);
  let [x0, y0, x1, y1] = [first.x, first.y, first.x, first.y];
  for (const t of tiles) {
    if (t.z !== first.z) invalid(`tiles of zoom ${first.z} and ${t.z} cannot share one grid`);
    [x0, y0, x1, y1] = [Math.min(x0, t.x), Math.min(y0, t.y), Math.max(x1, t.x), Math.max(y1, t.y)];
  }
  const tilesWide = x1 - x0 + 1;
  const tilesHigh = y1 - y0 + 1;
  const width = tilesWide * tileSize;
  const height = tilesHigh * tileSize;
  const xOrigins = windowOrigins(width, inputSize, overlap);
  const stripes = planStripes(width, tileSize, inputSize, xOrigins, settings);
  const areaTiles = new Set(tiles.map(tileKey));
  const tileOrder = orderTiles(tiles, stripes, x0, tileSize);
  return {
    zoom: first.z,
    tileSize,
    inputSize,
    overlap,
    tileX0: x0,
    tileY0: y0,
    tilesWide,
    tilesHigh,
    width,
    height,
    windowYs: windowOrigins(height, inputSize, overlap),
    stripes,
    areaTiles,
    tileOrder,
  };
}

function planStripes(
  width: number,
  tileSize: number,
  inputSize: number,
  xOrigins: readonly number[],
  settings: GridSettings,
): Stripe[] {
  const maxWidth = settings.maxStripeWidth ?? DEFAULT_MAX_STRIPE_WIDTH;
  const margin = settings.stripeMargin ?? Math.max(256, tileSize);
  if (!(maxWidth >= 1)) invalid(`stripe width ${maxWidth} must be positive`);
  if (!Number.isSafeInteger(margin) || margin < 0) invalid(`stripe margin ${margin} must be an integer >= 0`);
  const coreWidth = Math.max(1, Math.floor(maxWidth / tileSize)) * tileSize;
  const stripes: Stripe[] = [];
  for (let coreX0 = 0; coreX0 < width; coreX0 += coreWidth) {
    const coreX1 = Math.min(width, coreX0 + coreWidth);
    const extX0 = Math.max(0, coreX0 - margin);
    const extX1 = Math.min(width, coreX1 + margin);
    const windowXs = originsTouching(xOrigins, inputSize, extX0, extX1);
    const computeX0 = windowXs[0] ?? 0;
    const computeX1 = Math.min(width, (windowXs[windowXs.length - 1] ?? 0) + inputSize);
    stripes.push({ index: stripes.length, coreX0, coreX1, extX0, extX1, computeX0, computeX1, windowXs });
  }
  return stripes;
}

/** Area tiles in the order the stripes need them (a tile in two stripes' margins appears twice). */
function orderTiles(
  tiles: readonly Tile[],
  stripes: readonly Stripe[],
  x0: number,
  tileSize: number,
): Tile[] {
  const sorted = [...tiles].sort((a, b) => a.y - b.y || a.x - b.x);
  const order: Tile[] = [];
  for (const stripe of stripes) {
    const from = x0 + Math.floor(stripe.computeX0 / tileSize);
    const to = x0 + Math.ceil(stripe.computeX1 / tileSize);
    for (const t of sorted) if (t.x >= from && t.x < to) order.push(t);
  }
  return order;
}

/**
 * Tiles (grid tile columns and rows, relative to the grid's first tile) that a window overlaps.
 * @param plan - the grid plan
 * @param x - window origin column (grid pixels)
 * @param y - window origin row (grid pixels)
 * @returns the range of tile columns and rows, clipped to the grid
 */
export function windowTileRange(
  plan: Pick<GridPlan, 'tileSize' | 'inputSize' | 'tilesWide' | 'tilesHigh'>,
  x: number,
  y: number,
): { col0: number; col1: number; row0: number; row1: number } {
  const { tileSize, inputSize } = plan;
  return {
    col0: Math.floor(x / tileSize),
    col1: Math.min(plan.tilesWide, Math.ceil((x + inputSize) / tileSize)),
    row0: Math.floor(y / tileSize),
    row1: Math.min(plan.tilesHigh, Math.ceil((y + inputSize) / tileSize)),
  };
}
