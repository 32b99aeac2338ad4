import { describe, expect, it } from 'vitest';
import { pixelPolygonOverlaps } from './pixel-polygon-overlaps.ts';
import type { PixelPolygon } from './pixel-polygon.ts';
import { labelPicture } from './test-support/raster.ts';
import { tracePolygons } from './trace-instances.ts';

const rect = (x0: number, y0: number, x1: number, y1: number): PixelPolygon => [
  [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ],
];

describe('pixelPolygonOverlaps', () => {
  it('measures IoU by pixel centres', () => {
    const pairs = pixelPolygonOverlaps([rect(0, 0, 4, 4), rect(6, 0, 8, 2)], [rect(2, 0, 6, 4)], 10, 5);
    expect(pairs).toEqual([{ pred: 0, truth: 0, iou: 8 / 24 }]);
  });

  it('is exact for traced polygons: identical instances score 1, holes included', () => {
    const { labels, width, height } = labelPicture(['aaaa.bb', 'a..a.bb', 'aaaa...', '...cccc']);
    const polygons = tracePolygons(labels, width, height).map((t) => t.polygon);
    const pairs = pixelPolygonOverlaps(polygons, polygons, width, height);
    expect(pairs.map((p) => [p.pred, p.truth, p.iou])).toEqual([
      [0, 0, 1],
      [1, 1, 1],
      [2, 2, 1],
    ]);
  });

  it('rejects a bad raster size', () => {
    expect(() => pixelPolygonOverlaps([], [], 0, 4)).toThrow(/raster size 0x4/);
  });
});
