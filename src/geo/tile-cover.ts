/** @module geo/tile-cover — the exact set of tiles whose area a polygon or multipolygon intersects. */
import type { Position } from 'geojson';
import { assertZoom, lonLatToTileFraction, tileKey, type Tile } from './tile-math.ts';
import { polygonsOf, type Polygonal } from './projection.ts';

/**
 * Tiles at zoom `z` that a polygonal geometry covers: every tile touched by a ring edge, plus every tile whose centre
 * lies inside the geometry (even-odd over all rings, so holes are respected). This is the polygon's cover, not its
 * bbox's. Tiles touched only at a corner or along an edge line are excluded.
 * @param geometry - Polygon or MultiPolygon in EPSG:4326
 * @param z - zoom level 0..30
 * @returns tiles ordered by row then column
 */
export function tilesCoveringGeometry(geometry: Polygonal, z: number): Tile[] {
  assertZoom(z);
  const found = new Map<string, Tile>();
  const add = (x: number, y: number): void => {
    const t = { x, y, z };
    found.set(tileKey(t), t);
  };
  const max = 2 ** z;
  for (const polygon of polygonsOf(geometry)) {
    const rings = polygon.map((ring) => ring.map((p) => toTileSpace(p, z)));
    for (const ring of rings) coverRingEdges(ring, max, add);
    fillInterior(rings, max, add);
  }
  return [...found.values()].sort((a, b) => a.y - b.y || a.x - b.x);
}

type Point = { x: number; y: number };

function toTileSpace(p: Position, z: number): Point {
  return lonLatToTileFraction(p[0] ?? 0, p[1] ?? 0, z);
}

/**
 * Tile-space coordinates within this distance of a tile line are snapped onto it: lon/lat ↔ tile round trips leave
 * ~1e-10 of rounding, which would otherwise add a neighbouring row or column to an AOI drawn on tile bounds.
 */
const SNAP = 1e-7;

function snap(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - r) < SNAP ? r : v;
}

/** Index range of unit cells an interval [lo, hi] overlaps with positive length (a point inside a cell counts). */
function cellRange(rawLo: number, rawHi: number, max: number): [number, number] {
  const lo = snap(rawLo);
  const hi = snap(rawHi);
  // A zero-length extent lying on a tile line touches the cells on both sides only along that line: none of them.
  if (lo === hi && Number.isInteger(lo)) return [1, 0];
  const first = Math.floor(lo);
  let last = Math.floor(hi);
  if (hi > lo && Number.isInteger(hi)) last = hi - 1;
  return [Math.max(0, first), Math.min(max - 1, last)];
}

function coverRingEdges(ring: Point[], max: number, add: (x: number, y: number) => void): void {
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i] as Point;
    const b = ring[i + 1] as Point;
    const [row0, row1] = cellRange(Math.min(a.y, b.y), Math.max(a.y, b.y), max);
    for (let row = row0; row <= row1; row++) {
      // Clip the segment to the strip row ≤ y ≤ row + 1, then take the x extent of the clipped part.
      const [x0, x1] = clipToStrip(a, b, row, row + 1);
      const [col0, col1] = cellRange(Math.min(x0, x1), Math.max(x0, x1), max);
      for (let col = col0; col <= col1; col++) add(col, row);
    }
  }
}

function clipToStrip(a: Point, b: Point, top: number, bottom: number): [number, number] {
  if (a.y === b.y) return [a.x, b.x];
  const xAt = (y: number): number => a.x + ((b.x - a.x) * (y - a.y)) / (b.y - a.y);
  const yLo = Math.max(Math.min(a.y, b.y), top);
  const yHi = Math.min(Math.max(a.y, b.y), bottom);
  return [xAt(yLo), xAt(yHi)];
}

function fillInterior(rings: Point[][], max: number, add: (x: number, y: number) => void): void {
  let minY = Infinity;
  let maxY = -Infinity;
  for (const p of rings[0] ?? []) {
    minY = Math.min(minY, p.y);
    maxY = Math.max(maxY, p.y);
  }
  const [row0, row1] = cellRange(minY, maxY, max);
  for (let row = row0; row <= row1; row++) {
    const yc = row + 0.5;
    const crossings: number[] = [];
    for (const ring of rings)
      for (let i = 0; i + 1 < ring.length; i++) {
        const a = ring[i] as Point;
        const b = ring[i + 1] as Point;
        if (a.y <= yc !== b.y <= yc) crossings.push(a.x + ((b.x - a.x) * (yc - a.y)) / (b.y - a.y));
      }
    crossings.sort((p, q) => p - q);
    for (let i = 0; i + 1 < crossings.length; i += 2) {
      // Tiles whose centre x + 0.5 lies strictly between the pair of crossings.
      const first = Math.max(0, Math.ceil((crossings[i] as number) - 0.5));
      const last = Math.min(max - 1, Math.floor((crossings[i + 1] as number) - 0.5));
      for (let col = first; col <= last; col++) add(col, row);
    }
  }
}
