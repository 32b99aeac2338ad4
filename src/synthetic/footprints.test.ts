import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import {
  lonLatToMercator,
  lonLatToTile,
  lonLatToTileFraction,
  tileBounds,
  type BBox,
  type Tile,
} from '../geo/index.ts';
import { isAppError } from '../shared/index.ts';
import { createSyntheticScene, renderSyntheticTile, syntheticBuildings } from './index.ts';
import { sceneBuildingsIn } from './footprints.ts';

const scene = createSyntheticScene({ seed: 42 });
const K = Math.cos((-1.3 * Math.PI) / 180);

/** Ring in ground metres (mercator scaled to the scene's latitude), closing point dropped. */
function metres(ring: Position[]): Array<[number, number]> {
  return ring.slice(0, -1).map(([lon = 0, lat = 0]) => {
    const [x, y] = lonLatToMercator(lon, lat);
    return [x * K, y * K];
  });
}

function sides(ring: Position[]): number[] {
  const m = metres(ring);
  return m.map(([x, y], i) => {
    const [nx, ny] = m[(i + 1) % m.length] as [number, number];
    return Math.hypot(nx - x, ny - y);
  });
}

/** Whether two rings share a wall: a pair of collinear edges overlapping by at least `min` metres. */
function shareWall(a: Position[], b: Position[], min = 1): boolean {
  const ma = metres(a);
  const mb = metres(b);
  for (let i = 0; i < ma.length; i++) {
    const [ax, ay] = ma[i] as [number, number];
    const [bx, by] = ma[(i + 1) % ma.length] as [number, number];
    const length = Math.hypot(bx - ax, by - ay);
    const [ux, uy] = [(bx - ax) / length, (by - ay) / length];
    for (let j = 0; j < mb.length; j++) {
      const [cx, cy] = mb[j] as [number, number];
      const [dx, dy] = mb[(j + 1) % mb.length] as [number, number];
      const off = (p: number, q: number): number => Math.abs(-(p - ax) * uy + (q - ay) * ux);
      if (off(cx, cy) > 0.01 || off(dx, dy) > 0.01) continue;
      const tc = (cx - ax) * ux + (cy - ay) * uy;
      const td = (dx - ax) * ux + (dy - ay) * uy;
      const overlap = Math.min(length, Math.max(tc, td)) - Math.max(0, Math.min(tc, td));
      if (overlap >= min) return true;
    }
  }
  return false;
}

/** A 600 m square round the scene's centre. */
const CENTRE_BBOX: BBox = [36.7973, -1.3027, 36.8027, -1.2973];

describe('syntheticBuildings', () => {
  it('returns whole closed counter-clockwise polygons with building=yes and unique ids', () => {
    const fc = syntheticBuildings(scene, tileBounds(lonLatToTile(36.8, -1.3, 18)));
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.length).toBeGreaterThan(20);
    const ids = new Set<string>();
    for (const f of fc.features) {
      expect(f.properties.building).toBe('yes');
      expect(f.properties.id).toMatch(/^syn42_-?\d+_-?\d+_\d+_\d+_\d+$/);
      ids.add(f.properties.id);
      const ring = f.geometry.coordinates[0] as Position[];
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      const m = metres(ring);
      const area = m.reduce((sum, [x, y], i) => {
        const [nx, ny] = m[(i + 1) % m.length] as [number, number];
        return sum + x * ny - nx * y;
      }, 0);
      expect(area).toBeGreaterThan(0);
    }
    expect(ids.size).toBe(fc.features.length);
  });

  it('gives identical buildings whichever bbox, zoom or scene object asks', () => {
    const parent: Tile = lonLatToTile(36.8, -1.3, 17);
    const whole = syntheticBuildings(scene, tileBounds(parent));
    const pieces = new Map<string, unknown>();
    const fresh = createSyntheticScene({ seed: 42 });
    for (let dy = 0; dy < 4; dy++)
      for (let dx = 0; dx < 4; dx++)
        for (const f of syntheticBuildings(
          fresh,
          tileBounds({ x: parent.x * 4 + dx, y: parent.y * 4 + dy, z: 19 }),
        ).features)
          pieces.set(f.properties.id, f.geometry);
    expect(pieces.size).toBe(whole.features.length);
    for (const f of whole.features) expect(pieces.get(f.properties.id)).toEqual(f.geometry);
  });

  it('returns buildings whole, reaching beyond a small bbox', () => {
    const [w, s] = tileBounds(lonLatToTile(36.8, -1.3, 21));
    const bbox: BBox = [w, s, w + 1e-6, s + 1e-6];
    const wide = new Map(
      syntheticBuildings(scene, CENTRE_BBOX).features.map((f) => [f.properties.id, f.geometry]),
    );
    for (const f of syntheticBuildings(scene, bbox).features)
      expect(f.geometry).toEqual(wide.get(f.properties.id));
  });

  it('has the variety the models need: L-shapes, shared walls, rotations and realistic sizes', () => {
    const features = syntheticBuildings(scene, CENTRE_BBOX).features;
    expect(features.length).toBeGreaterThan(500);
    const rings = features.map((f) => f.geometry.coordinates[0] as Position[]);
    const lShapes = rings.filter((r) => r.length === 7);
    expect(lShapes.length).toBeGreaterThan(10);
    const allSides = rings.flatMap(sides);
    expect(Math.min(...allSides)).toBeGreaterThan(0.5);
    expect(Math.max(...allSides)).toBeLessThanOrEqual(25.01);
    const longest = rings.map((r) => Math.max(...sides(r)));
    expect(longest.filter((l) => l < 8).length).toBeGreaterThan(50);
    expect(longest.filter((l) => l > 14).length).toBeGreaterThan(10);
    let touching = 0;
    for (let i = 0; i < rings.length && touching < 20; i++)
      for (let j = i + 1; j < Math.min(rings.length, i + 40); j++)
        if (shareWall(rings[i]!, rings[j]!, 2)) touching++;
    expect(touching).toBeGreaterThanOrEqual(20);
    // Orientation of each building's first wall, folded to 0..90°: aligned with the street grid and scattered ones.
    const angles = rings.map((r) => {
      const [[x0, y0], [x1, y1]] = metres(r) as [[number, number], [number, number]];
      return ((((Math.atan2(y1 - y0, x1 - x0) * 180) / Math.PI) % 90) + 90) % 90;
    });
    const buckets = new Set(angles.map((a) => Math.floor(a / 10)));
    expect(buckets.size).toBeGreaterThanOrEqual(8);
  });

  it('draws exactly the footprints: at least 90% of the pixels inside each footprint show its roof', () => {
    let inside = 0;
    let roofLike = 0;
    const centre = lonLatToTile(36.8, -1.3, 19);
    for (const tile of [centre, { ...centre, x: centre.x + 3 }, { ...centre, y: centre.y + 2 }]) {
      const raster = renderSyntheticTile(scene, tile);
      for (const { building, ring } of sceneBuildingsIn(scene, tileBounds(tile))) {
        const px = ring.map(([lon = 0, lat = 0]) => {
          const f = lonLatToTileFraction(lon, lat, tile.z);
          return [(f.x - tile.x) * 256, (f.y - tile.y) * 256] as const;
        });
        const contains = (x: number, y: number): boolean => {
          let hit = false;
          for (let i = 0, j = px.length - 1; i < px.length; j = i++) {
            const [xi, yi] = px[i]!;
            const [xj, yj] = px[j]!;
            if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
          }
          return hit;
        };
        const [r0, g0, b0] = building.roof.colour;
        const rows = px.map(([, y]) => y);
        const cols = px.map(([x]) => x);
        for (
          let row = Math.max(1, Math.floor(Math.min(...rows)));
          row < Math.min(255, Math.max(...rows));
          row++
        )
          for (
            let col = Math.max(1, Math.floor(Math.min(...cols)));
            col < Math.min(255, Math.max(...cols));
            col++
          ) {
            // Pixels a full pixel inside the outline (edge pixels blend with the ground).
            const x = col + 0.5;
            const y = row + 0.5;
            if (!(
              contains(x, y) &&
              contains(x - 1, y) &&
              contains(x + 1, y) &&
              contains(x, y - 1) &&
              contains(x, y + 1)
            ))
              continue;
            inside++;
            const q = (row * 256 + col) * 3;
            const near = (c: number, base: number): boolean => Math.abs(c - base) <= 0.3 * base + 12;
            if (near(raster.data[q]!, r0) && near(raster.data[q + 1]!, g0) && near(raster.data[q + 2]!, b0))
              roofLike++;
          }
      }
    }
    expect(inside).toBeGreaterThan(10000);
    expect(roofLike / inside).toBeGreaterThan(0.9);
  });

  it.each([
    [[1, 2, 3] as unknown as BBox, 'bbox [1, 2, 3]'],
    [[2, 0, 1, 1] as BBox, 'bbox [2, 0, 1, 1]'],
    [[0, 0, 1, Number.NaN] as BBox, 'bbox [0, 0, 1, NaN]'],
    [[0, -95, 1, 1] as BBox, 'bbox [0, -95, 1, 1]'],
  ])('rejects bbox %j naming it', (bbox, named) => {
    let error: unknown;
    try {
      syntheticBuildings(scene, bbox);
    } catch (e) {
      error = e;
    }
    expect(isAppError(error, 'INVALID_PARAMETER_VALUE')).toBe(true);
    expect((error as Error).message).toContain(named);
  });
});
