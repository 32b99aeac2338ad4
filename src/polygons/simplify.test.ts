import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { findRingDefect, geodesicArea, ringInsideRing } from '../geo/index.ts';
import { labelComponents } from './connected-components.ts';
import { gridOfTile, lonLatToPixel, pixelPolygonToLonLat, pixelToLonLat } from './pixel-grid.ts';
import { polygonIoU } from './polygon-overlap.ts';
import { rasterizePolygons } from './rasterize.ts';
import { simplifyPixelPolygon, simplifyPolygon } from './simplify.ts';
import { tracePolygons } from './trace-instances.ts';

const grid = gridOfTile({ x: 386695, y: 220244, z: 19 }, 256);

/** A rectangle of w × h pixels rotated by `deg` around (cx, cy), as lon/lat rings. */
function rotatedRectangle(cx: number, cy: number, w: number, h: number, deg: number): Position[][] {
  const a = (deg * Math.PI) / 180;
  const corners = [
    [-w / 2, -h / 2],
    [w / 2, -h / 2],
    [w / 2, h / 2],
    [-w / 2, h / 2],
  ].map(([x = 0, y = 0]) => [cx + x * Math.cos(a) - y * Math.sin(a), cy + x * Math.sin(a) + y * Math.cos(a)]);
  return [[...corners, corners[0] as number[]].reverse().map(([x = 0, y = 0]) => pixelToLonLat(grid, x, y))];
}

/** The traced (staircase) outline of a lon/lat polygon rasterized on the test grid, in lon/lat. */
function staircaseOf(rings: Position[][]): Position[][] {
  const pixels = rings.map((ring) => ring.map(([lon = 0, lat = 0]) => lonLatToPixel(grid, lon, lat)));
  const mask = rasterizePolygons([pixels], 256, 256);
  const { labels } = labelComponents(mask, 256);
  const [traced] = tracePolygons(labels, 256, 256);
  return pixelPolygonToLonLat(grid, traced?.polygon ?? []);
}

function isValid(rings: Position[][]): boolean {
  const outer = rings[0] ?? [];
  return findRingDefect(rings) === undefined && rings.slice(1).every((hole) => ringInsideRing(hole, outer));
}

describe('simplifyPolygon', () => {
  it('straightens the pixel staircase of a rotated building at 0.3–0.5 m (zoom 19)', () => {
    for (const deg of [7, 20, 33]) {
      const truth = rotatedRectangle(128, 128, 40, 26, deg);
      const staircase = staircaseOf(truth);
      expect((staircase[0] ?? []).length).toBeGreaterThan(20);
      for (const tolerance of [0.3, 0.5]) {
        const simplified = simplifyPolygon(staircase, tolerance) ?? [];
        const corners = (simplified[0] ?? []).length - 1;
        expect(corners).toBeLessThanOrEqual(8);
        expect(isValid(simplified)).toBe(true);
        expect(polygonIoU(simplified, truth)).toBeGreaterThan(0.93);
      }
    }
  });

  it('keeps a subset of the input vertices, and the ring winding', () => {
    const staircase = staircaseOf(rotatedRectangle(60, 70, 30, 12, 15));
    const simplified = simplifyPolygon(staircase, 0.4) ?? [];
    const inputKeys = new Set((staircase[0] ?? []).map((p) => p.join(',')));
    for (const p of simplified[0] ?? []) expect(inputKeys.has(p.join(','))).toBe(true);
    expect(geodesicArea({ type: 'Polygon', coordinates: simplified })).toBeGreaterThan(0);
  });

  it('with tolerance 0 removes only collinear vertices', () => {
    const square = [
      [0, 0],
      [5, 0],
      [10, 0],
      [10, 10],
      [0, 10],
      [0, 5],
      [0, 0],
    ].map(([x = 0, y = 0]) => pixelToLonLat(grid, x, y));
    const rings = simplifyPixelPolygon(
      [
        [
          [0, 0],
          [5, 0],
          [10, 0],
          [10, 10],
          [0, 10],
          [0, 5],
          [0, 0],
        ],
      ],
      0,
    );
    expect(rings?.[0]).toHaveLength(5);
    expect(simplifyPolygon([square], 0)?.[0]).toHaveLength(5);
  });

  it('falls back to less simplification instead of letting a ring cross a hole', () => {
    // A 64-gon of radius 20 px (5.3 m) with a hole near its edge: at 0.8 m the outer ring would cut through it.
    const outer = Array.from({ length: 64 }, (_, k) => {
      const a = (-2 * Math.PI * k) / 64;
      return [100 + 20 * Math.cos(a), 100 + 20 * Math.sin(a)];
    });
    const hole = [
      [114.5, 96],
      [114.5, 104],
      [118.5, 104],
      [118.5, 96],
    ];
    const rings = [outer, hole].map((ring) =>
      [...ring, ring[0] as number[]].map(([x = 0, y = 0]) => pixelToLonLat(grid, x, y)),
    );
    const outerAlone = simplifyPolygon([rings[0] ?? []], 0.8) ?? [];
    expect(findRingDefect([outerAlone[0] ?? [], rings[1] ?? []])).toBeDefined();
    const simplified = simplifyPolygon(rings, 0.8) ?? [];
    expect(simplified).toHaveLength(2);
    expect(isValid(simplified)).toBe(true);
    expect((simplified[0] ?? []).length).toBeLessThan(65);
  });

  it('drops a hole that collapses and returns undefined for a degenerate outer ring', () => {
    const outer = [
      [0, 0],
      [40, 0],
      [40, 40],
      [0, 40],
      [0, 0],
    ];
    const sliver = [
      [10, 10],
      [10, 10.2],
      [20, 10.1],
      [10, 10],
    ];
    const rings = [outer, sliver].map((ring) => ring.map(([x = 0, y = 0]) => pixelToLonLat(grid, x, y)));
    expect(simplifyPolygon(rings, 0.3)).toHaveLength(1);
    const line = [
      [0, 0],
      [10, 0],
      [20, 0],
      [0, 0],
    ].map(([x = 0, y = 0]) => pixelToLonLat(grid, x, y));
    expect(simplifyPolygon([line], 0.3)).toBeUndefined();
    expect(simplifyPolygon([], 0.3)).toBeUndefined();
  });

  it('rejects a negative tolerance', () => {
    expect(() => simplifyPolygon([], -1)).toThrow(/tolerance -1 m/);
  });
});
