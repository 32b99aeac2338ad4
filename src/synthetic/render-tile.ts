/**
 * @module synthetic/render-tile — renders any window of the scene's pixel grid: ground, roads, shadows, roofs, trees,
 * then a little sensor noise. A tile is a window; so is a block of tiles, and both give the same pixels.
 */
import { assertZoom, type Tile } from '../geo/index.ts';
import { invalid } from '../shared/index.ts';
import { paintGround, sampleWindowFields } from './ground-layer.ts';
import { createPixelWindow, windowGroundRect, type PixelWindow } from './pixel-window.ts';
import { hashPixel, Tag } from './random.ts';
import type { RasterRGB } from '../imagery/index.ts';
import { MAX_ROAD_REACH } from './road-network.ts';
import { paintPlots } from './plot-layer.ts';
import { paintRoads } from './road-layer.ts';
import { paintRoofs } from './roof-layer.ts';
import { blocksIn, sceneState, superblocksIn, type SceneRect } from './scene-content.ts';
import { sceneRectOfGroundRect, type SyntheticScene } from './scene.ts';
import { MAX_SHADOW } from './scene-objects.ts';
import { paintShadows } from './shadow-layer.ts';
import { paintTrees } from './tree-layer.ts';
import { paintVehicles } from './vehicle-layer.ts';

/** Coarsest ground resolution (metres per pixel) at which buildings and trees are still drawn one by one. */
const DETAIL_LIMIT = 6;

/**
 * Renders a window of the global pixel grid at zoom `z` (tiles of `tileSize` px): pixel `(x0 + i, y0 + j)` of the
 * grid lands at column i, row j. Pixels depend only on their global position, so windows agree where they overlap.
 * @param scene - the scene
 * @param z - zoom 0..30
 * @param x0 - first global pixel column (tile x × tileSize for a tile)
 * @param y0 - first global pixel row
 * @param width - columns, 1..4096
 * @param height - rows, 1..4096
 * @param tileSize - tile size that defines the pixel grid, default 256
 * @returns an RGB raster `width × height`
 * @throws AppError INVALID_PARAMETER_VALUE for a bad zoom, size or origin
 */
export function renderSyntheticArea(
  scene: SyntheticScene,
  z: number,
  x0: number,
  y0: number,
  width: number,
  height: number,
  tileSize = 256,
): RasterRGB {
  assertZoom(z);
  for (const [name, value] of [
    ['width', width],
    ['height', height],
    ['tileSize', tileSize],
  ] as const)
    if (!Number.isInteger(value) || value < 1 || value > 4096)
      invalid(`${name} ${value} must be an integer 1..4096`);
  if (!Number.isInteger(x0) || !Number.isInteger(y0))
    invalid(`window origin ${x0},${y0} must be integer pixels`);
  const state = sceneState(scene);
  const win = createPixelWindow(state.frame, z, tileSize, x0, y0, width, height);
  const rect = sceneRectOfGroundRect(state.frame, windowGroundRect(win));
  const fields = sampleWindowFields(win);
  const out = new Float32Array(width * height * 3);
  const scratch = new Float32Array(width);
  paintGround(win, fields, out);
  const detailed = win.metresPerPixel <= DETAIL_LIMIT;
  const blocks = detailed ? blocksIn(state, rect) : [];
  const inside = grow(rect, win.metresPerPixel);
  paintPlots(
    win,
    blocks.flatMap((b) => b.plots).filter((p) => meets(p.bounds, inside)),
    fields,
    scratch,
    out,
  );
  const vehicles = paintRoads(win, superblocksIn(state, grow(rect, 2 * MAX_ROAD_REACH)), rect, fields, out);
  paintVehicles(win, vehicles, scratch, out);
  if (detailed) {
    const near = grow(rect, MAX_SHADOW + win.metresPerPixel);
    const buildings = blocks.flatMap((b) => b.buildings);
    const trees = blocks.flatMap((b) => b.trees);
    paintShadows(
      win,
      buildings.filter((b) => meets(b.bounds, near)),
      trees.filter((t) => meets(t.bounds, near)),
      scratch,
      out,
    );
    paintRoofs(
      win,
      buildings.filter((b) => meets(b.bounds, inside)),
      fields,
      scratch,
      out,
    );
    paintTrees(
      win,
      trees.filter((t) => meets(t.bounds, inside)),
      fields,
      out,
    );
  } else paintBuiltTint(win, fields.density, out);
  return { width, height, data: quantise(win, out) };
}

function grow(rect: SceneRect, by: number): SceneRect {
  return [rect[0] - by, rect[1] - by, rect[2] + by, rect[3] + by];
}

function meets(a: SceneRect, b: SceneRect): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/** At coarse zooms, where single buildings are sub-pixel, built-up land is tinted towards the average roof. */
function paintBuiltTint(win: PixelWindow, density: Float32Array, out: Float32Array): void {
  for (let p = 0; p < density.length; p++) {
    const share = 0.45 * (density[p] as number);
    out[3 * p] = (out[3 * p] as number) * (1 - share) + 150 * share;
    out[3 * p + 1] = (out[3 * p + 1] as number) * (1 - share) + 136 * share;
    out[3 * p + 2] = (out[3 * p + 2] as number) * (1 - share) + 124 * share;
  }
}

/** Adds ±3 of hashed sensor noise per pixel (by global position) and rounds to bytes. */
function quantise(win: PixelWindow, out: Float32Array): Uint8Array {
  const data = new Uint8ClampedArray(out.length);
  const seed = win.frame.seed ^ Tag.sensor;
  for (let row = 0; row < win.height; row++) {
    const y = win.y0 + row;
    for (let col = 0; col < win.width; col++) {
      const q = 3 * (row * win.width + col);
      const h = hashPixel(seed, win.x0 + col, y);
      // Luminance noise (triangular, ±3) plus a little independent noise per channel.
      const noise = ((h & 0xff) + ((h >>> 8) & 0xff)) / 85 - 3;
      data[q] = (out[q] as number) + noise + ((h >>> 16) & 0xf) / 7.5 - 1;
      data[q + 1] = (out[q + 1] as number) + noise + ((h >>> 20) & 0xf) / 7.5 - 1;
      data[q + 2] = (out[q + 2] as number) + noise + ((h >>> 24) & 0xf) / 7.5 - 1;
    }
  }
  return new Uint8Array(data.buffer);
}

/**
 * Renders one XYZ tile of the scene.
 * @param scene - the scene
 * @param tile - any tile; zooms 15..21 show buildings at useful sizes (≈ 0.3 m/px at z19)
 * @param size - tile size in pixels, default 256 (512 renders the same area at twice the resolution)
 * @returns an RGB raster `size × size`
 * @throws AppError INVALID_PARAMETER_VALUE for a zoom outside 0..30, x/y outside the zoom's grid, or a bad size
 * @example
 * const raster = renderSyntheticTile(createSyntheticScene({ seed: 42 }), { x: 315737, y: 264037, z: 19 });
 */
export function renderSyntheticTile(scene: SyntheticScene, tile: Tile, size = 256): RasterRGB {
  assertZoom(tile.z);
  const n = 2 ** tile.z;
  if (
    !Number.isInteger(tile.x) ||
    !Number.isInteger(tile.y) ||
    tile.x < 0 ||
    tile.y < 0 ||
    tile.x >= n ||
    tile.y >= n
  )
    invalid(`tile ${tile.z}/${tile.x}/${tile.y} is outside the zoom ${tile.z} grid`);
  if (!Number.isInteger(size) || size < 1 || size > 4096)
    invalid(`tile size ${size} must be an integer 1..4096`);
  return renderSyntheticArea(scene, tile.z, tile.x * size, tile.y * size, size, size, size);
}
