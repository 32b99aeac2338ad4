/**
 * @module tests/datasets/mask-agreement — test helper: IoU between a re-polygonized mask and the label polygons
 * clipped to the chip, both in the chip's pixel space (projected from the chip's recorded bounds, not from the
 * code under test).
 */
import type { Position } from 'geojson';
import polygonClipping, { type MultiPolygon as ClipMultiPolygon, type Polygon as ClipPolygon } from 'polygon-clipping';
import { lonLatToTileFraction, polygonsOf, type BBox, type Polygonal } from '../../src/geo/index.ts';
import { polygonizeMask } from '../../src/datasets/index.ts';

type Ring = [number, number][];

/** Projects lon/lat rings into the pixel space of a chip with the given bounds (web mercator is linear in x, y). */
export function toChipPixels(geometry: Polygonal, bounds: BBox, size: number, z: number): ClipPolygon[] {
  const nw = lonLatToTileFraction(bounds[0], bounds[3], z);
  const se = lonLatToTileFraction(bounds[2], bounds[1], z);
  const sx = size / (se.x - nw.x);
  const sy = size / (se.y - nw.y);
  return polygonsOf(geometry).map((rings) =>
    rings.map((ring) =>
      ring.map(([lon = 0, lat = 0]: Position): [number, number] => {
        const f = lonLatToTileFraction(lon, lat, z);
        return [(f.x - nw.x) * sx, (f.y - nw.y) * sy];
      }),
    ),
  );
}

function area(multi: ClipMultiPolygon): number {
  let total = 0;
  for (const polygon of multi)
    polygon.forEach((ring, i) => {
      let a = 0;
      for (let k = 0; k + 1 < ring.length; k++) {
        const [x0, y0] = ring[k] as [number, number];
        const [x1, y1] = ring[k + 1] as [number, number];
        a += x0 * y1 - x1 * y0;
      }
      total += (i === 0 ? 1 : -1) * Math.abs(a / 2);
    });
  return total;
}

/**
 * IoU of a binary mask (re-polygonized) against labels clipped to the chip.
 * @returns iou, and the label area inside the chip in pixels
 */
export function maskLabelIoU(
  mask: Uint8Array,
  size: number,
  labels: readonly Polygonal[],
  bounds: BBox,
  z: number,
): { iou: number; labelArea: number; maskArea: number } {
  const chip: ClipPolygon = [
    [
      [0, 0],
      [size, 0],
      [size, size],
      [0, size],
      [0, 0],
    ],
  ];
  const projected = labels.flatMap((g) => toChipPixels(g, bounds, size, z));
  const clipped = projected.length === 0 ? [] : polygonClipping.intersection(chip, polygonClipping.union(...(projected as [ClipPolygon])));
  const traced = polygonizeMask(mask, size, size).map((p) => p.map((r) => r as Ring));
  const intersection = polygonClipping.intersection(traced, clipped);
  const union = polygonClipping.union(traced, clipped);
  const unionArea = area(union);
  return { iou: unionArea === 0 ? 1 : area(intersection) / unionArea, labelArea: area(clipped), maskArea: area(traced) };
}
