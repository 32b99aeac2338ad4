/**
 * @module datasets/chip-frame — the pixel grid of one chip inside the web-mercator tile grid, so masks line up
 * exactly with XYZ imagery: pixel = (tile fraction − origin) × pixels per tile.
 */
import type { Position } from 'geojson';
import { tileToLonLat, type BBox, type Tile } from '../geo/index.ts';
import { invalid } from '../shared/index.ts';

/**
 * Where a chip's pixels lie in the tile grid of zoom `z`: pixel column c covers tile-fraction x in
 * `[originX + c / pixelsPerTile, originX + (c + 1) / pixelsPerTile)`, and likewise for rows.
 */
export type ChipFrame = {
  /** The imagery tile the chip comes from. */
  tile: Tile;
  /** Window of the tile, when the tile is split into `of` × `of` chips. */
  window?: { col: number; row: number; of: number };
  /** Tile-fraction x of the chip's west edge at zoom `tile.z`. */
  originX: number;
  /** Tile-fraction y of the chip's north edge at zoom `tile.z`. */
  originY: number;
  /** Chip pixels per tile width. */
  pixelsPerTile: number;
  /** Chip width and height in pixels. */
  size: number;
};

/** How a tile of `tileSize` pixels becomes chips of `chipSize`. */
export type TileSplit = {
  /** Windows per side (1 = the whole tile is one chip). */
  of: number;
  /** Size the tile is resampled to before splitting (`of * chipSize`); equals tileSize when no resampling is needed. */
  resampleTo: number;
};

/**
 * Decides how a square tile becomes chips: with `resample`, the whole tile is resampled to one chip; otherwise it is
 * split into `of` × `of` windows at (nearly) its own resolution, `of = round(tileSize / chipSize)` (at least 1), and
 * resampled only when tileSize is not a multiple of chipSize (e.g. 300 px tiles → one 256 px chip).
 * @param tileSize - tile width and height in pixels
 * @param chipSize - output chip size in pixels
 * @param resample - resample each tile to one chip (default false: keep resolution)
 * @returns windows per side and the size to resample the tile to
 * @throws AppError INVALID_PARAMETER_VALUE when a size is not a positive integer
 */
export function splitTile(tileSize: number, chipSize: number, resample = false): TileSplit {
  if (!Number.isInteger(tileSize) || tileSize < 1) invalid(`tile size ${tileSize} is not a positive integer`);
  if (!Number.isInteger(chipSize) || chipSize < 1) invalid(`chip size ${chipSize} is not a positive integer`);
  const of = resample ? 1 : Math.max(1, Math.round(tileSize / chipSize));
  return { of, resampleTo: of * chipSize };
}

/**
 * The frames of the chips cut from one tile.
 * @param tile - the imagery tile
 * @param split - windows per side (from `splitTile`)
 * @param chipSize - chip size in pixels
 * @returns one frame per window, row by row from the north-west (one frame without `window` when `of` is 1)
 */
export function framesOfTile(tile: Tile, split: TileSplit, chipSize: number): ChipFrame[] {
  const { of } = split;
  if (of === 1) return [{ tile, originX: tile.x, originY: tile.y, pixelsPerTile: chipSize, size: chipSize }];
  const frames: ChipFrame[] = [];
  for (let row = 0; row < of; row++)
    for (let col = 0; col < of; col++)
      frames.push({
        tile,
        window: { col, row, of },
        originX: tile.x + col / of,
        originY: tile.y + row / of,
        pixelsPerTile: of * chipSize,
        size: chipSize,
      });
  return frames;
}

/**
 * Chip id: `OAM-{x}-{y}-{z}`, with `-{col}-{row}` appended for a window of a split tile.
 * @param frame - the chip's tile and window
 * @returns the id, also the chip's file stem
 */
export function chipId(frame: Pick<ChipFrame, 'tile' | 'window'>): string {
  const { x, y, z } = frame.tile;
  const base = `OAM-${x}-${y}-${z}`;
  return frame.window ? `${base}-${frame.window.col}-${frame.window.row}` : base;
}

/**
 * Bounds of a chip frame.
 * @param frame - the chip frame
 * @returns `[w, s, e, n]` in degrees
 */
export function frameBounds(frame: ChipFrame): BBox {
  const span = frame.size / frame.pixelsPerTile;
  const [w, n] = tileToLonLat(frame.originX, frame.originY, frame.tile.z);
  const [e, s] = tileToLonLat(frame.originX + span, frame.originY + span, frame.tile.z);
  return [w, s, e, n];
}

/**
 * Extent of a chip frame in tile-fraction units at its zoom.
 * @param frame - the chip frame
 * @returns `[minX, minY, maxX, maxY]`
 */
export function frameExtent(frame: ChipFrame): BBox {
  const span = frame.size / frame.pixelsPerTile;
  return [frame.originX, frame.originY, frame.originX + span, frame.originY + span];
}

/**
 * Maps rings in tile-fraction coordinates (at the frame's zoom) to the frame's pixel space.
 * @param rings - rings of `[x, y]` tile fractions
 * @param frame - the chip frame
 * @returns rings of `[column, row]` pixel coordinates
 */
export function ringsToPixels(rings: readonly Position[][], frame: ChipFrame): Position[][] {
  const k = frame.pixelsPerTile;
  return rings.map((ring) =>
    ring.map((p) => [((p[0] ?? 0) - frame.originX) * k, ((p[1] ?? 0) - frame.originY) * k]),
  );
}

/**
 * Union of bboxes.
 * @param boxes - `[w, s, e, n]` boxes
 * @returns their union, or undefined for an empty list
 */
export function unionBBox(boxes: readonly BBox[]): BBox | undefined {
  if (boxes.length === 0) return undefined;
  const out: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const b of boxes) {
    out[0] = Math.min(out[0], b[0]);
    out[1] = Math.min(out[1], b[1]);
    out[2] = Math.max(out[2], b[2]);
    out[3] = Math.max(out[3], b[3]);
  }
  return out;
}
