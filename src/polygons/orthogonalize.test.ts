import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { findRingDefect, geodesicArea } from '../geo/index.ts';
import { createLocalFrame } from './local-metres.ts';
import { orthogonalizePolygon } from './orthogonalize.ts';
import { polygonIoU } from './polygon-overlap.ts';
import { simplifyPolygon } from './simplify.ts';

const frame = createLocalFrame(85.52, 27.63);

/** Lon/lat ring (closed) of planar metre points around the frame's origin. */
function ring(points: number[][]): Position[] {
  const out = points.map((p) => frame.toLonLat(p) as Position);
  return [...out, out[0] as Position];
}

/** Points rotated by `deg` and moved by `jitter(i)` metres. */
function transform(
  points: number[][],
  deg: number,
  jitter: (i: number) => [number, number] = () => [0, 0],
): number[][] {
  const a = (deg * Math.PI) / 180;
  return points.map(([x = 0, y = 0], i) => {
    const [jx, jy] = jitter(i);
    return [x * Math.cos(a) - y * Math.sin(a) + jx, x * Math.sin(a) + y * Math.cos(a) + jy];
  });
}

/** Interior-independent corner angles (degrees between edges) of a closed lon/lat ring, in metres. */
function cornerAngles(lonLat: Position[]): number[] {
  const pts = lonLat.slice(0, -1).map((p) => frame.toLocal(p));
  return pts.map((here, i) => {
    const prev = pts[(i + pts.length - 1) % pts.length] as number[];
    const next = pts[(i + 1) % pts.length] as number[];
    const ux = (prev[0] as number) - (here[0] as number);
    const uy = (prev[1] as number) - (here[1] as number);
    const vx = (next[0] as number) - (here[0] as number);
    const vy = (next[1] as number) - (here[1] as number);
    return (Math.acos((ux * vx + uy * vy) / (Math.hypot(ux, uy) * Math.hypot(vx, vy))) * 180) / Math.PI;
  });
}

const area = (rings: Position[][]): number => geodesicArea({ type: 'Polygon', coordinates: rings });

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a * 1664525 + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

const rectangle = [
  [-6, -4],
  [6, -4],
  [6, 4],
  [-6, 4],
];
const lShape = [
  [0, 0],
  [14, 0],
  [14, 5],
  [6, 5],
  [6, 11],
  [0, 11],
];

describe('orthogonalizePolygon', () => {
  it('squares near-rectangles at any rotation: corners within 1° of 90°, area within 5%', () => {
    const next = random(7);
    for (let k = 0; k < 40; k++) {
      const deg = next() * 90;
      const input = [ring(transform(rectangle, deg, () => [(next() - 0.5) * 0.5, (next() - 0.5) * 0.5]))];
      const { coords, changed } = orthogonalizePolygon(input);
      expect(changed).toBe(true);
      expect(coords[0]).toHaveLength(5);
      for (const angle of cornerAngles(coords[0] ?? [])) expect(Math.abs(angle - 90)).toBeLessThan(1);
      expect(Math.abs(area(coords) / area(input) - 1)).toBeLessThan(0.05);
      expect(findRingDefect(coords)).toBeUndefined();
    }
  });

  it('squares an L-shape and drops near-straight vertices', () => {
    const withMidpoint = [...lShape.slice(0, 1), [7, 0.15], ...lShape.slice(1)];
    const input = [
      ring(transform(withMidpoint, 23, (i) => [i % 2 === 0 ? 0.2 : -0.15, i % 3 === 0 ? 0.1 : -0.2])),
    ];
    const { coords, changed } = orthogonalizePolygon(input);
    expect(changed).toBe(true);
    expect(coords[0]).toHaveLength(7);
    for (const angle of cornerAngles(coords[0] ?? [])) expect(Math.abs(angle - 90)).toBeLessThan(1);
    expect(Math.abs(area(coords) / area(input) - 1)).toBeLessThan(0.05);
  });

  it('squares a shell and its hole together', () => {
    const shell = ring(
      transform(
        rectangle.map(([x = 0, y = 0]) => [x * 2, y * 2]),
        10,
        (i) => [0.2 * (i % 2), 0],
      ),
    );
    const hole = ring(
      transform(
        rectangle.map(([x = 0, y = 0]) => [x / 2, y / 2]),
        12,
      ),
    ).reverse();
    const { coords, changed } = orthogonalizePolygon([shell, hole]);
    expect(changed).toBe(true);
    expect(coords).toHaveLength(2);
    for (const r of coords) for (const angle of cornerAngles(r)) expect(Math.abs(angle - 90)).toBeLessThan(1);
  });

  it('leaves curved and non-rectilinear shapes alone', () => {
    const circle = Array.from({ length: 16 }, (_, k) => [
      8 * Math.cos((2 * Math.PI * k) / 16),
      8 * Math.sin((2 * Math.PI * k) / 16),
    ]);
    const triangle = [
      [0, 0],
      [10, 0],
      [4, 7],
    ];
    const cutCorner = [
      [0, 0],
      [10, 0],
      [10, 6],
      [6, 10],
      [0, 10],
    ];
    for (const shape of [circle, triangle, cutCorner]) {
      const input = [ring(shape)];
      const result = orthogonalizePolygon(input);
      expect(result.changed).toBe(false);
      expect(result.coords).toEqual(input);
    }
  });

  it('reports no change for an exact rectangle and respects the angle threshold', () => {
    const exact = [ring(transform(rectangle, 30))];
    expect(orthogonalizePolygon(exact).changed).toBe(false);
    // Skewed by 12°: every wall lies about 6° off the axes that fit them best.
    const skewed = [ring(rectangle.map(([x = 0, y = 0]) => [x + y * Math.tan((12 * Math.PI) / 180), y]))];
    expect(orthogonalizePolygon(skewed, { maxAngleDeg: 5 }).changed).toBe(false);
    expect(orthogonalizePolygon(skewed, { maxAngleDeg: 15 }).changed).toBe(true);
  });

  it('squares outlines traced from a mask: wobbly walls, rounded corners and a small step', () => {
    // A 14 m × 9 m building at 23°, its walls sampled every ~0.7 m with ±0.15 m of noise (half a 0.3 m pixel),
    // corners cut by 0.6 m and a 0.4 m step half way along one long wall, simplified at 0.3 m as predictions are
    // before they are squared. Ten noise draws: most must be squared (an outline too irregular is left alone, which
    // is safe), each squared one a clean rectangle that fits the truth as well as the traced outline did.
    const [w, h] = [14, 9];
    const truth = [
      ring(
        transform(
          rectangle.map(([x = 0, y = 0]) => [(x * w) / 12, (y * h) / 8]),
          23,
        ),
      ),
    ];
    let iouBefore = 0;
    let iouAfter = 0;
    let squared = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const next = random(seed);
      const outline: number[][] = [];
      const side = (from: number[], to: number[], shift: (t: number) => number): void => {
        const [x0 = 0, y0 = 0] = from;
        const [x1 = 0, y1 = 0] = to;
        const length = Math.hypot(x1 - x0, y1 - y0);
        const [nx, ny] = [-(y1 - y0) / length, (x1 - x0) / length];
        const steps = Math.round(length / 0.7);
        for (let k = 0; k < steps; k++) {
          const t = k / steps;
          const offset = (next() - 0.5) * 0.3 + shift(t);
          outline.push([x0 + (x1 - x0) * t + nx * offset, y0 + (y1 - y0) * t + ny * offset]);
        }
      };
      const c = 0.6;
      side([-w / 2 + c, -h / 2], [w / 2 - c, -h / 2], (t) => (t > 0.5 ? 0.4 : 0));
      side([w / 2, -h / 2 + c], [w / 2, h / 2 - c], () => 0);
      side([w / 2 - c, h / 2], [-w / 2 + c, h / 2], () => 0);
      side([-w / 2, h / 2 - c], [-w / 2, -h / 2 + c], () => 0);
      const input = simplifyPolygon([ring(transform(outline, 23))], 0.3) ?? [];
      const { coords, changed } = orthogonalizePolygon(input);
      if (!changed) continue;
      squared++;
      expect(coords[0], `seed ${seed}`).toHaveLength(5);
      for (const angle of cornerAngles(coords[0] ?? [])) expect(Math.abs(angle - 90)).toBeLessThan(1);
      expect(Math.abs(area(coords) / area(truth) - 1)).toBeLessThan(0.05);
      expect(findRingDefect(coords)).toBeUndefined();
      iouBefore += polygonIoU(input, truth);
      iouAfter += polygonIoU(coords, truth);
    }
    expect(squared).toBeGreaterThanOrEqual(8);
    expect(iouAfter / squared).toBeGreaterThan(iouBefore / squared - 0.01);
  });

  it('rejects thresholds outside [0, 45)', () => {
    expect(() => orthogonalizePolygon([], { maxAngleDeg: 45 })).toThrow(/maxAngleDeg 45/);
  });
});
