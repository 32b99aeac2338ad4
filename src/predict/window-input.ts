/**
 * @module predict/window-input — copies one model window out of the decoded tiles under it straight into a batch
 * (channel-major, normalised as the model card says), black where there is no imagery (issue 4 §1). Pure.
 */
import type { RasterRGB } from '../imagery/index.ts';
import { invalid } from '../shared/index.ts';

/** Per-channel affine map of raw 0–255 values to model input: `v · scale[c] − shift[c]`. */
export type InputScaling = { scale: [number, number, number]; shift: [number, number, number] };

/**
 * The input scaling of a `(v/255 − mean) / std` normalisation (the form `callerNormalization` of ml returns).
 * @param normalization - means and standard deviations relative to v/255
 * @returns the scaling
 * @throws AppError INVALID_PARAMETER_VALUE when a standard deviation is not positive
 */
export function inputScaling(normalization: {
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}): InputScaling {
  const { mean, std } = normalization;
  if (!std.every((s) => s > 0)) invalid(`normalization std ${JSON.stringify(std)} must be positive`);
  return {
    scale: [1 / (255 * std[0]), 1 / (255 * std[1]), 1 / (255 * std[2])],
    shift: [mean[0] / std[0], mean[1] / std[1], mean[2] / std[2]],
  };
}

/** The grid facts a window needs. */
export type WindowGeometry = { tileSize: number; inputSize: number; tilesWide: number; tilesHigh: number };

/**
 * Fills batch slot `slot` with the window whose north-west pixel is grid pixel `(x, y)`.
 * @param batch - `n × 3 × S × S` floats
 * @param slot - the image index in the batch
 * @param geometry - tile size, input size S and the grid's size in tiles
 * @param x - window origin column (grid pixels)
 * @param y - window origin row (grid pixels)
 * @param tileAt - the decoded tile at grid tile column and row, undefined where there is none (no-data)
 * @param scaling - the model's input scaling
 * @returns true when at least one imagery tile lies under the window; false leaves the slot as it was
 */
export function fillWindow(
  batch: Float32Array,
  slot: number,
  geometry: WindowGeometry,
  x: number,
  y: number,
  tileAt: (col: number, row: number) => RasterRGB | undefined,
  scaling: InputScaling,
): boolean {
  const { tileSize: T, inputSize: S } = geometry;
  const plane = S * S;
  const base = slot * 3 * plane;
  const col0 = Math.floor(x / T);
  const row0 = Math.floor(y / T);
  const col1 = Math.ceil((x + S) / T);
  const row1 = Math.ceil((y + S) / T);
  let present = 0;
  for (let row = row0; row < row1; row++)
    for (let col = col0; col < col1; col++)
      if (row < geometry.tilesHigh && col < geometry.tilesWide && tileAt(col, row) !== undefined) present++;
  if (present === 0) return false;
  // Black (normalised 0) only where some tile is missing or the window reaches past the grid: usually every pixel
  // is imagery and the fill would be overwritten.
  if (present < (row1 - row0) * (col1 - col0))
    for (let c = 0; c < 3; c++)
      batch.fill(-(scaling.shift[c] as number), base + c * plane, base + (c + 1) * plane);
  for (let row = row0; row < row1; row++)
    for (let col = col0; col < col1; col++) {
      const tile = row < geometry.tilesHigh && col < geometry.tilesWide ? tileAt(col, row) : undefined;
      if (tile !== undefined) copyTilePart(batch, base, S, tile, T, col * T - x, row * T - y, scaling);
    }
  return true;
}

/** Copies the part of a tile (placed at window offset `(ox, oy)`, possibly negative) that falls in the window. */
function copyTilePart(
  batch: Float32Array,
  base: number,
  S: number,
  tile: RasterRGB,
  T: number,
  ox: number,
  oy: number,
  scaling: InputScaling,
): void {
  const plane = S * S;
  const wx0 = Math.max(0, ox);
  const wx1 = Math.min(S, ox + T);
  const wy0 = Math.max(0, oy);
  const wy1 = Math.min(S, oy + T);
  const [s0, s1, s2] = scaling.scale;
  const [h0, h1, h2] = scaling.shift;
  const data = tile.data;
  for (let wy = wy0; wy < wy1; wy++) {
    let src = ((wy - oy) * T + (wx0 - ox)) * 3;
    let dst = base + wy * S + wx0;
    for (let wx = wx0; wx < wx1; wx++, src += 3, dst++) {
      batch[dst] = (data[src] as number) * s0 - h0;
      batch[dst + plane] = (data[src + 1] as number) * s1 - h1;
      batch[dst + 2 * plane] = (data[src + 2] as number) * s2 - h2;
    }
  }
}
