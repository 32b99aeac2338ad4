/**
 * @module datasets/build-mask — binary and RAMP-style multi-class masks from building polygons in pixel space
 * (issue 2 §5): 0 background, 1 footprint, 2 boundary, 3 contact between nearby buildings.
 */
import { assertRasterSize, scanOutlineBand, scanPolygon } from '../polygons/index.ts';
import type { PixelPolygonLike } from '../polygons/index.ts';
import { invalid } from '../shared/index.ts';
import type { MaskKind } from './manifest.ts';

/** Mask class values. */
export const MaskValue = { background: 0, footprint: 1, boundary: 2, contact: 3 } as const;

/** One building in pixel space: its polygons (one for a Polygon, several for a MultiPolygon). */
export type PixelBuilding = readonly PixelPolygonLike[];

/** Options of `buildMask`. */
export type BuildMaskOptions = {
  /** `binary` (0/1) or `multi` (0..3); default `binary`. */
  kind?: MaskKind;
  /** Footprint pixels closer than this to their building's outline become boundary; pixels, default 2. */
  boundaryWidth?: number;
  /** Background or boundary pixels closer than this to two or more buildings become contact; pixels, default 4. */
  contactSpacing?: number;
};

/** A mask and how many buildings painted at least one footprint pixel into it. */
export type BuiltMask = { mask: Uint8Array; buildings: number };

/**
 * Builds a mask of `width` × `height` pixels from buildings in pixel space.
 *
 * - footprint: pixels whose centre lies inside a building (even-odd, holes respected);
 * - boundary (multi): footprint pixels of a building closer than `boundaryWidth` to that building's outline (outer
 *   ring and holes);
 * - contact (multi): background or boundary pixels closer than `contactSpacing` to two or more distinct buildings
 *   (inside one counts as close to it) — the gaps and shared walls between nearby buildings;
 * - precedence contact > boundary > footprint.
 *
 * Buildings may extend past the raster: only their outline counts as an edge, never the raster border, so a
 * building cut by the chip edge gets no boundary along the cut. Pass buildings within `contactSpacing` outside the
 * raster too, so contact pixels near the border are right.
 * @param buildings - buildings in pixel space
 * @param width - mask width in pixels
 * @param height - mask height in pixels
 * @param options - mask kind and RAMP parameters (defaults: binary, 2, 4)
 * @returns the mask (row-major, one byte per pixel) and the number of buildings with footprint pixels in it
 * @throws AppError INVALID_PARAMETER_VALUE on a bad size or a negative/non-finite width or spacing
 * @example
 * const { mask } = buildMask([[ [[[10, 10], [50, 10], [50, 40], [10, 40]]] ]], 256, 256, { kind: 'multi' });
 */
export function buildMask(
  buildings: readonly PixelBuilding[],
  width: number,
  height: number,
  options: BuildMaskOptions = {},
): BuiltMask {
  assertRasterSize(width, height);
  const { kind, boundaryWidth, contactSpacing } = resolveMaskOptions(options);
  return kind === 'binary'
    ? buildBinary(buildings, width, height)
    : buildMulti(buildings, width, height, boundaryWidth, contactSpacing);
}

/**
 * Fills in and checks mask options.
 * @param options - mask kind (default binary), boundary width (default 2) and contact spacing (default 4)
 * @returns complete options
 * @throws AppError INVALID_PARAMETER_VALUE for an unknown kind or a width/spacing outside 0..256 pixels
 */
export function resolveMaskOptions(options: BuildMaskOptions = {}): Required<BuildMaskOptions> {
  const kind = options.kind ?? 'binary';
  const boundaryWidth = options.boundaryWidth ?? 2;
  const contactSpacing = options.contactSpacing ?? 4;
  if (kind !== 'binary' && kind !== 'multi') invalid(`mask kind ${String(kind)} is not binary or multi`);
  checkDistance('boundary width', boundaryWidth);
  checkDistance('contact spacing', contactSpacing);
  return { kind, boundaryWidth, contactSpacing };
}

function checkDistance(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value > 256)
    invalid(`${name} ${value} is not a number of pixels 0..256`);
}

function buildBinary(buildings: readonly PixelBuilding[], width: number, height: number): BuiltMask {
  const mask = new Uint8Array(width * height);
  let count = 0;
  for (const building of buildings) {
    let painted = false;
    for (const polygon of building)
      scanPolygon(polygon, width, height, (y, x0, x1) => {
        mask.fill(MaskValue.footprint, y * width + x0, y * width + x1);
        painted = true;
      });
    if (painted) count++;
  }
  return { mask, buildings: count };
}

function buildMulti(
  buildings: readonly PixelBuilding[],
  width: number,
  height: number,
  boundaryWidth: number,
  contactSpacing: number,
): BuiltMask {
  const size = width * height;
  const mask = new Uint8Array(size);
  // Per pixel: the last building that filled it (boundary test), the last building it was near, and how many
  // distinct buildings it is near (capped at 2, all that contact needs).
  const filledBy = new Int32Array(size);
  const nearBy = new Int32Array(size);
  const nearCount = new Uint8Array(size);
  const w2 = boundaryWidth * boundaryWidth;
  const s2 = contactSpacing * contactSpacing;
  const markNear = (p: number, id: number): void => {
    if (nearBy[p] === id) return;
    nearBy[p] = id;
    const n = nearCount[p] as number;
    if (n < 2) nearCount[p] = n + 1;
  };
  let count = 0;
  buildings.forEach((building, index) => {
    const id = index + 1;
    let painted = false;
    for (const polygon of building)
      scanPolygon(polygon, width, height, (y, x0, x1) => {
        painted = true;
        for (let p = y * width + x0, end = y * width + x1; p < end; p++) {
          filledBy[p] = id;
          if (mask[p] === MaskValue.background) mask[p] = MaskValue.footprint;
          markNear(p, id);
        }
      });
    if (painted) count++;
    const radius = Math.max(boundaryWidth, contactSpacing);
    for (const polygon of building)
      scanOutlineBand(polygon, width, height, radius, (x, y, d2) => {
        const p = y * width + x;
        if (d2 < w2 && filledBy[p] === id) mask[p] = MaskValue.boundary;
        if (d2 < s2) markNear(p, id);
      });
  });
  for (let p = 0; p < size; p++)
    if (nearCount[p] === 2 && (mask[p] === MaskValue.background || mask[p] === MaskValue.boundary))
      mask[p] = MaskValue.contact;
  return { mask, buildings: count };
}
