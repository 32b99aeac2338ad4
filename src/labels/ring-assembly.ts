/**
 * @module labels/ring-assembly — joins the member ways of an OSM multipolygon end to end into closed rings and
 * puts each inner ring into the outer ring that holds it.
 */
import type { Position } from 'geojson';
import { pointInRing, samePosition, signedArea } from '../geo/index.ts';

/** Rings assembled from ways, and how many chains of ways could not be closed. */
export type AssembledRings = { rings: Position[][]; unclosed: number };

/**
 * Joins ways that share end points into closed rings (a way may need reversing to fit). A chain that cannot be
 * closed is dropped and counted.
 * @param ways - the member ways' positions, in any order and direction
 * @returns the closed rings and the count of chains left open
 */
export function assembleRings(ways: readonly (readonly Position[])[]): AssembledRings {
  const pool = ways.filter((way) => way.length >= 2).map((way) => [...way]);
  const rings: Position[][] = [];
  let unclosed = 0;
  for (let current = pool.shift(); current !== undefined; current = pool.shift()) {
    while (!isClosed(current)) {
      const next = takeContinuation(pool, current.at(-1) ?? []);
      if (next === undefined) break;
      current.push(...next.slice(1));
    }
    if (isClosed(current)) rings.push(current);
    else unclosed++;
  }
  return { rings, unclosed };
}

function isClosed(ring: readonly Position[]): boolean {
  return ring.length >= 4 && samePosition(ring[0] ?? [], ring.at(-1) ?? []);
}

/** Removes and returns the way that continues from `end`, turned to start there. */
function takeContinuation(pool: Position[][], end: Position): Position[] | undefined {
  for (let i = 0; i < pool.length; i++) {
    const way = pool[i] ?? [];
    const startsHere = samePosition(way[0] ?? [], end);
    if (!startsHere && !samePosition(way.at(-1) ?? [], end)) continue;
    pool.splice(i, 1);
    return startsHere ? way : way.reverse();
  }
  return undefined;
}

/**
 * Groups rings into polygons: each inner ring goes to the smallest outer ring that contains it.
 * @param outers - closed outer rings
 * @param inners - closed inner rings
 * @returns polygons (outer first, then its holes), or undefined when an inner ring lies in no outer ring
 */
export function groupRings(outers: Position[][], inners: Position[][]): Position[][][] | undefined {
  const polygons = outers.map((outer) => [outer]);
  const areas = outers.map((outer) => Math.abs(signedArea(outer)));
  for (const inner of inners) {
    let best = -1;
    outers.forEach((outer, i) => {
      const probe = inner.find((p) => pointInRing(p, outer) !== 'boundary');
      const inside = probe === undefined || pointInRing(probe, outer) === 'inside';
      if (inside && (best < 0 || (areas[i] ?? 0) < (areas[best] ?? 0))) best = i;
    });
    const polygon = polygons[best];
    if (polygon === undefined) return undefined;
    polygon.push(inner);
  }
  return polygons;
}
