/**
 * @module polygons/pixel-polygon-overlaps — IoUs of predicted and reference polygons that live in one raster's pixel
 * space, measured by rasterizing them (pixel-centre sampling): exact for traced polygons, whose outlines follow
 * pixel edges, and linear in the number of pixels, so chip-level evaluation stays in milliseconds.
 */
import { invalid } from '../shared/index.ts';
import type { OverlapPair } from './instance-matching.ts';
import type { PixelPolygonLike } from './pixel-polygon.ts';
import { assertRasterSize, scanPolygon } from './rasterize.ts';

/**
 * IoUs of every overlapping pair of predicted and reference pixel polygons. Each polygon's area is the number of
 * pixel centres inside it; polygons of one list are expected not to overlap each other (traced polygons never do;
 * where they do, the later one owns the shared pixels).
 * @param pred - predicted polygons
 * @param truth - reference polygons
 * @param width - raster width in pixels
 * @param height - raster height in pixels
 * @returns the pairs with a non-zero intersection, indices into the two lists
 * @throws AppError INVALID_PARAMETER_VALUE on a bad raster size or more than 2³¹ polygons
 */
export function pixelPolygonOverlaps(
  pred: readonly PixelPolygonLike[],
  truth: readonly PixelPolygonLike[],
  width: number,
  height: number,
): OverlapPair[] {
  assertRasterSize(width, height);
  if (pred.length >= 2 ** 31 - 1 || truth.length >= 2 ** 31 - 1) invalid('too many polygons to rasterize');
  const predIndex = indexRaster(pred, width, height);
  const truthIndex = indexRaster(truth, width, height);
  const predArea = new Float64Array(pred.length + 1);
  const truthArea = new Float64Array(truth.length + 1);
  const stride = truth.length + 1;
  const intersections = new Map<number, number>();
  for (let i = 0; i < predIndex.length; i++) {
    const a = predIndex[i] as number;
    const b = truthIndex[i] as number;
    predArea[a] = (predArea[a] as number) + 1;
    truthArea[b] = (truthArea[b] as number) + 1;
    if (a !== 0 && b !== 0) {
      const key = a * stride + b;
      intersections.set(key, (intersections.get(key) ?? 0) + 1);
    }
  }
  const pairs: OverlapPair[] = [];
  for (const [key, inter] of intersections) {
    const b = key % stride;
    const a = (key - b) / stride;
    pairs.push({
      pred: a - 1,
      truth: b - 1,
      iou: inter / ((predArea[a] as number) + (truthArea[b] as number) - inter),
    });
  }
  return pairs;
}

/** A raster holding, at each pixel, 1 + the index of the polygon covering it (0 = none). */
function indexRaster(polygons: readonly PixelPolygonLike[], width: number, height: number): Int32Array {
  const raster = new Int32Array(width * height);
  polygons.forEach((polygon, index) =>
    scanPolygon(polygon, width, height, (y, x0, x1) =>
      raster.fill(index + 1, y * width + x0, y * width + x1),
    ),
  );
  return raster;
}
