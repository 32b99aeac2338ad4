/**
 * @module polygons/make-valid — "valid geometry guaranteed" (issue 4 §3): checks a polygon the way RFC 7946 and OGC
 * simple features read it, repairs what has one reading (closure, duplicates, winding, self-intersections through
 * polygon-clipping's union) and drops the rest, saying which.
 */
import type { Position } from 'geojson';
import polygonClipping from 'polygon-clipping';
import type { MultiPolygon as ClipMultiPolygon, Polygon as ClipPolygon } from 'polygon-clipping';
import { signedRingArea } from './pixel-polygon.ts';
import { closeRing, findRingDefect, ringInsideRing } from '../geo/index.ts';

/** The outcome of {@link makeValid}. */
export type MakeValidResult = {
  /**
   * The valid geometry: Polygon coordinates when one part remains, MultiPolygon coordinates when a repair split it
   * (a bow-tie becomes two triangles); absent when dropped.
   */
  coords?: Position[][] | Position[][][];
  /** The same as a list of polygons (empty when dropped). */
  polygons: Position[][][];
  /** Whether anything was changed (closure, duplicates, winding, a dropped hole, a topology repair). */
  repaired: boolean;
  /** Whether the polygon could not be made valid and is gone. */
  dropped: boolean;
  /** What was found, one short phrase each (empty for a polygon that was valid as given). */
  problems: string[];
};

/**
 * Makes one polygon valid. Checked: finite coordinates; each ring closed with ≥ 4 positions and no repeated
 * consecutive positions; non-zero area; no ring crossing or touching itself; no two rings crossing (touching at a
 * point is allowed); holes inside the outer ring and not inside each other; RFC 7946 winding (outer
 * counter-clockwise, holes clockwise). Closure, repeats and winding are fixed in place; degenerate holes are
 * dropped; crossings and misplaced holes are repaired by the union of the polygon with itself (polygon-clipping),
 * which splits self-intersecting rings into valid parts. An outer ring that is degenerate, or a repair that fails or
 * leaves nothing, drops the polygon.
 * @param coords - GeoJSON Polygon coordinates (anything: bad input is dropped, never thrown)
 * @returns the valid geometry (or none) and what happened
 * @example
 * const { coords, repaired, dropped } = makeValid([[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]); // two triangles
 */
export function makeValid(coords: unknown): MakeValidResult {
  const problems: string[] = [];
  const rings = readRings(coords, problems);
  if (rings === undefined) return dropped(problems);
  const outer = rings[0];
  if (outer === undefined || outer.length < 4) {
    problems.push('degenerate outer ring');
    return dropped(problems);
  }
  if (signedRingArea(outer) === 0) {
    // A bow-tie's halves cancel out: zero signed area is degenerate only for a ring that does not cross itself.
    if (findRingDefect([outer]) === undefined) {
      problems.push('degenerate outer ring');
      return dropped(problems);
    }
    problems.push('ring 0 self-intersects');
    return repairByUnion(rings, problems);
  }
  const kept = [outer];
  for (const hole of rings.slice(1)) {
    if (hole.length < 4 || signedRingArea(hole) === 0) problems.push('degenerate hole dropped');
    else kept.push(hole);
  }
  const wound = kept.map((ring, i) => windRing(ring, i === 0, problems));
  const defect = topologyProblem(wound);
  if (defect === undefined) return done(wound, problems);
  problems.push(defect);
  return repairByUnion(wound, problems);
}

/**
 * The first topology problem of rings that are closed and non-degenerate, or undefined when there is none.
 * @param rings - closed rings, outer first
 * @returns a short phrase naming the problem
 */
export function topologyProblem(rings: readonly Position[][]): string | undefined {
  const defect = findRingDefect(rings);
  if (defect !== undefined)
    return defect.kind === 'self-intersection' ? `ring ${defect.rings[0]} self-intersects` : 'rings cross';
  const outer = rings[0] as Position[];
  for (let h = 1; h < rings.length; h++) {
    const hole = rings[h] as Position[];
    if (!ringInsideRing(hole, outer)) return `hole ${h} outside the outer ring`;
    for (let o = 1; o < rings.length; o++)
      if (o !== h && ringInsideRing(hole, rings[o] as Position[])) return `hole ${h} inside hole ${o}`;
  }
  return undefined;
}

function readRings(coords: unknown, problems: string[]): Position[][] | undefined {
  if (!Array.isArray(coords) || coords.length === 0) {
    problems.push('not a list of rings');
    return undefined;
  }
  const rings: Position[][] = [];
  for (const ring of coords as unknown[]) {
    if (!Array.isArray(ring) || !ring.every(isPosition)) {
      problems.push('ring with a non-numeric or non-finite position');
      return undefined;
    }
    const closed = closeRing(ring as Position[]);
    if (closed.length !== ring.length || !sameXY(ring[0] as Position, ring[ring.length - 1] as Position))
      problems.push('ring not closed or with repeated positions');
    rings.push(closed);
  }
  return rings;
}

function isPosition(p: unknown): boolean {
  return Array.isArray(p) && p.length >= 2 && Number.isFinite(p[0]) && Number.isFinite(p[1]);
}

function sameXY(a: Position | undefined, b: Position | undefined): boolean {
  return a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1];
}

function windRing(ring: Position[], outer: boolean, problems: string[]): Position[] {
  const ccw = signedRingArea(ring) > 0;
  if (ccw === outer) return ring;
  problems.push(outer ? 'outer ring clockwise' : 'hole counter-clockwise');
  return ring.slice().reverse();
}

function repairByUnion(rings: Position[][], problems: string[]): MakeValidResult {
  let result: ClipMultiPolygon;
  try {
    const input: ClipPolygon = rings.map((ring) => ring.map((p) => [p[0] as number, p[1] as number]));
    result = polygonClipping.union(input);
  } catch {
    problems.push('repair failed');
    return dropped(problems);
  }
  const parts: Position[][][] = [];
  for (const part of result) {
    const cleaned = part.map((ring) => closeRing(ring)).filter((ring) => ring.length >= 4);
    const outer = cleaned[0];
    if (outer === undefined || signedRingArea(outer) === 0) continue;
    const wound = cleaned.map((ring, i) => windRing(ring, i === 0, []));
    if (topologyProblem(wound) !== undefined) {
      problems.push('repair left an invalid part');
      return dropped(problems);
    }
    parts.push(wound);
  }
  if (parts.length === 0) {
    problems.push('nothing left after repair');
    return dropped(problems);
  }
  return {
    coords: parts.length === 1 ? (parts[0] as Position[][]) : parts,
    polygons: parts,
    repaired: true,
    dropped: false,
    problems,
  };
}

function done(rings: Position[][], problems: string[]): MakeValidResult {
  return { coords: rings, polygons: [rings], repaired: problems.length > 0, dropped: false, problems };
}

function dropped(problems: string[]): MakeValidResult {
  return { polygons: [], repaired: false, dropped: true, problems };
}
