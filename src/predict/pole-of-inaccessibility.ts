/**
 * @module predict/pole-of-inaccessibility — the point inside a polygon farthest from its edges (Garcia-Castellanos &
 * Lombardo's grid search, as mapbox/polylabel does it): where a building's point goes, always inside it even for
 * L-shapes and courtyards, unlike the centroid (issue 4 §4, `--points`). Pure.
 */
import type { Position } from 'geojson';

type Cell = { x: number; y: number; half: number; distance: number; max: number };

/**
 * The pole of inaccessibility of a lon/lat polygon, searched in local metres (longitudes scaled by cos latitude).
 * @param rings - outer ring first, then holes; closed or not
 * @param precisionM - stop when no cell can improve the distance by more than this, metres, default 0.05
 * @returns `[lon, lat]` inside the polygon (the first vertex for a degenerate polygon)
 * @example
 * poleOfInaccessibility(feature.geometry.coordinates); // [36.80012, -1.29987]
 */
export function poleOfInaccessibility(
  rings: readonly (readonly Position[])[],
  precisionM = 0.05,
): [number, number] {
  const outer = rings[0] ?? [];
  const origin = outer[0] ?? [0, 0];
  const lon0 = origin[0] as number;
  const lat0 = origin[1] as number;
  const kx = 111320 * Math.cos((lat0 * Math.PI) / 180);
  const ky = 110540;
  const local = rings.map((ring) =>
    ring.map((p): [number, number] => [((p[0] as number) - lon0) * kx, ((p[1] as number) - lat0) * ky]),
  );
  const [x, y] = searchPole(local, precisionM);
  return [lon0 + x / kx, lat0 + y / ky];
}

function searchPole(rings: [number, number][][], precision: number): [number, number] {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of rings[0] ?? [])
    [minX, minY, maxX, maxY] = [Math.min(minX, x), Math.min(minY, y), Math.max(maxX, x), Math.max(maxY, y)];
  const size = Math.min(maxX - minX, maxY - minY);
  if (!(size > 0)) return [minX === Infinity ? 0 : minX, minY === Infinity ? 0 : minY];
  const queue: Cell[] = [];
  const half = size / 2;
  for (let x = minX; x < maxX; x += size)
    for (let y = minY; y < maxY; y += size) queue.push(cell(x + half, y + half, half, rings));
  let best = centroidCell(rings);
  const boxCentre = cell(minX + (maxX - minX) / 2, minY + (maxY - minY) / 2, 0, rings);
  if (boxCentre.distance > best.distance) best = boxCentre;
  while (queue.length > 0) {
    const current = popBest(queue);
    if (current.distance > best.distance) best = current;
    if (current.max - best.distance <= precision) continue;
    const h = current.half / 2;
    for (const [dx, dy] of [
      [-h, -h],
      [h, -h],
      [-h, h],
      [h, h],
    ] as const)
      queue.push(cell(current.x + dx, current.y + dy, h, rings));
  }
  return [best.x, best.y];
}

/** Removes and returns the cell with the highest potential (a linear scan: buildings give small queues). */
function popBest(queue: Cell[]): Cell {
  let at = 0;
  for (let i = 1; i < queue.length; i++) if ((queue[i] as Cell).max > (queue[at] as Cell).max) at = i;
  const [found] = queue.splice(at, 1);
  return found as Cell;
}

function cell(x: number, y: number, half: number, rings: [number, number][][]): Cell {
  const distance = signedDistance(x, y, rings);
  return { x, y, half, distance, max: distance + half * Math.SQRT2 };
}

function centroidCell(rings: [number, number][][]): Cell {
  const ring = rings[0] ?? [];
  let area = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [ax, ay] = ring[i] as [number, number];
    const [bx, by] = ring[j] as [number, number];
    const f = ax * by - bx * ay;
    cx += (ax + bx) * f;
    cy += (ay + by) * f;
    area += f * 3;
  }
  const first = ring[0] ?? [0, 0];
  return area === 0 ? cell(first[0], first[1], 0, rings) : cell(cx / area, cy / area, 0, rings);
}

/** Distance to the nearest edge, positive inside the polygon (even-odd over all rings), negative outside. */
function signedDistance(x: number, y: number, rings: [number, number][][]): number {
  let inside = false;
  let best = Infinity;
  for (const ring of rings)
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [ax, ay] = ring[i] as [number, number];
      const [bx, by] = ring[j] as [number, number];
      if (ay > y !== by > y && x < ((bx - ax) * (y - ay)) / (by - ay) + ax) inside = !inside;
      best = Math.min(best, segmentDistanceSquared(x, y, ax, ay, bx, by));
    }
  return (inside ? 1 : -1) * Math.sqrt(best);
}

function segmentDistanceSquared(
  px: number,
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): number {
  let x = ax;
  let y = ay;
  let dx = bx - x;
  let dy = by - y;
  if (dx !== 0 || dy !== 0) {
    const t = ((px - x) * dx + (py - y) * dy) / (dx * dx + dy * dy);
    if (t > 1) [x, y] = [bx, by];
    else if (t > 0) [x, y] = [x + dx * t, y + dy * t];
  }
  dx = px - x;
  dy = py - y;
  return dx * dx + dy * dy;
}
