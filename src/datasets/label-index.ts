/**
 * @module datasets/label-index — labels projected once per zoom into tile-fraction space and bucketed by tile, so
 * each chip tests only the buildings near it, never every building against every chip.
 */
import type { Position } from 'geojson';
import { lonLatToTileFraction, offsetGeometry, polygonsOf, type BBox, type Polygonal } from '../geo/index.ts';
import type { ChipFrame } from './chip-frame.ts';
import { frameExtent, ringsToPixels } from './chip-frame.ts';
import type { PixelBuilding } from './build-mask.ts';

/** One building projected to tile-fraction coordinates at one zoom. */
export type ProjectedBuilding = {
  /** Index of the label in its collection. */
  index: number;
  /** Polygons (rings of `[x, y]` tile fractions). */
  polygons: Position[][][];
  /** Extent in tile fractions `[minX, minY, maxX, maxY]`. */
  extent: BBox;
};

/** Buildings of one zoom, bucketed by the tiles their extent overlaps. */
export type LabelIndex = {
  z: number;
  /**
   * Buildings whose extent comes within `margin` tile fractions of an extent (each once, in label order).
   * @param extent - `[minX, minY, maxX, maxY]` in tile fractions
   * @param margin - distance to widen the extent by, tile fractions
   */
  query(extent: BBox, margin: number): ProjectedBuilding[];
};

/** A building spanning more tiles than this goes into a list checked for every query instead of into buckets. */
const MAX_BUCKETS_PER_BUILDING = 1024;

/**
 * Projects geometries to tile fractions at zoom `z` (after shifting them by `offset` metres) and indexes them.
 * @param geometries - label geometries in EPSG:4326
 * @param z - zoom level
 * @param offset - label offset `[dx, dy]` in EPSG:3857 metres (default none)
 * @returns the index
 */
export function createLabelIndex(
  geometries: readonly Polygonal[],
  z: number,
  offset: readonly [number, number] = [0, 0],
): LabelIndex {
  const buckets = new Map<number, ProjectedBuilding[]>();
  const large: ProjectedBuilding[] = [];
  const columns = 2 ** z;
  geometries.forEach((geometry, index) => {
    const building = projectBuilding(offsetGeometry(geometry, offset), z, index);
    if (building === undefined) return;
    const [x0, y0, x1, y1] = cellRange(building.extent, 0, columns);
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > MAX_BUCKETS_PER_BUILDING) {
      large.push(building);
      return;
    }
    for (let y = y0; y <= y1; y++)
      for (let x = x0; x <= x1; x++) {
        const key = y * columns + x;
        const list = buckets.get(key);
        if (list) list.push(building);
        else buckets.set(key, [building]);
      }
  });
  return {
    z,
    query(extent, margin) {
      const [x0, y0, x1, y1] = cellRange(extent, margin, columns);
      const seen = new Set<number>();
      const found: ProjectedBuilding[] = [];
      const consider = (b: ProjectedBuilding): void => {
        if (seen.has(b.index) || !extentsNear(b.extent, extent, margin)) return;
        seen.add(b.index);
        found.push(b);
      };
      for (let y = y0; y <= y1; y++)
        for (let x = x0; x <= x1; x++) buckets.get(y * columns + x)?.forEach(consider);
      large.forEach(consider);
      return found.sort((a, b) => a.index - b.index);
    },
  };
}

/**
 * The buildings near a chip, in the chip's pixel space.
 * @param index - labels of the chip's zoom
 * @param frame - the chip frame
 * @param marginPixels - also return buildings this many pixels outside the chip (for contact near the border)
 * @returns buildings in pixel space, in label order
 */
export function buildingsInFrame(index: LabelIndex, frame: ChipFrame, marginPixels: number): PixelBuilding[] {
  const margin = (marginPixels + 1) / frame.pixelsPerTile;
  return index
    .query(frameExtent(frame), margin)
    .map((building) => building.polygons.map((rings) => ringsToPixels(rings, frame)));
}

function projectBuilding(geometry: Polygonal, z: number, index: number): ProjectedBuilding | undefined {
  const extent: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  const polygons = polygonsOf(geometry).map((rings) =>
    rings.map((ring) =>
      ring.map(([lon = 0, lat = 0]) => {
        const { x, y } = lonLatToTileFraction(lon, lat, z);
        if (x < extent[0]) extent[0] = x;
        if (y < extent[1]) extent[1] = y;
        if (x > extent[2]) extent[2] = x;
        if (y > extent[3]) extent[3] = y;
        return [x, y];
      }),
    ),
  );
  return extent[0] <= extent[2] && Number.isFinite(extent[0]) ? { index, polygons, extent } : undefined;
}

function cellRange(extent: BBox, margin: number, columns: number): BBox {
  const clamp = (v: number): number => Math.max(0, Math.min(columns - 1, Math.floor(v)));
  return [
    clamp(extent[0] - margin),
    clamp(extent[1] - margin),
    clamp(extent[2] + margin),
    clamp(extent[3] + margin),
  ];
}

function extentsNear(a: BBox, b: BBox, margin: number): boolean {
  return a[0] <= b[2] + margin && b[0] - margin <= a[2] && a[1] <= b[3] + margin && b[1] - margin <= a[3];
}
