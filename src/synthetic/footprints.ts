/**
 * @module synthetic/footprints — the scene's truth: building footprints as GeoJSON, exactly the roof outlines the
 * renderer draws, whole and with stable ids whichever bbox or tile asks for them.
 */
import type { Feature, FeatureCollection, Polygon, Position } from 'geojson';
import type { BBox } from '../geo/index.ts';
import { invalid } from '../shared/index.ts';
import { blocksIn, sceneState } from './scene-content.ts';
import { lonLatToGround, sceneRectOfGroundRect, sceneToLonLat, type SyntheticScene } from './scene.ts';
import type { SceneBuilding } from './scene-objects.ts';

/** Properties of a synthetic footprint feature. */
export type SyntheticBuildingProperties = { building: 'yes'; id: string };

/**
 * Checks a `[w, s, e, n]` bbox in degrees.
 * @throws AppError INVALID_PARAMETER_VALUE naming the bbox when it has non-finite numbers, w > e, s > n, or values
 *   outside lon −180..180 / lat −90..90
 */
export function assertBBox(bbox: readonly number[]): asserts bbox is BBox {
  const [w, s, e, n] = bbox;
  const text = `[${bbox.join(', ')}]`;
  if (bbox.length !== 4 || w === undefined || s === undefined || e === undefined || n === undefined)
    invalid(`bbox ${text} must have 4 numbers w,s,e,n`);
  if (![w, s, e, n].every(Number.isFinite)) invalid(`bbox ${text} must have finite numbers`);
  if (w > e || s > n) invalid(`bbox ${text} must have west <= east and south <= north`);
  if (w < -180 || e > 180 || s < -90 || n > 90) invalid(`bbox ${text} is outside lon -180..180, lat -90..90`);
}

/** The closed lon/lat ring of a building. */
export function buildingRing(scene: SyntheticScene, building: SceneBuilding): Position[] {
  const { frame } = sceneState(scene);
  const ring = building.ring.map(([s, t]) => sceneToLonLat(frame, s, t) as Position);
  ring.push([...(ring[0] ?? [0, 0])]);
  return ring;
}

function pointInRing(ring: readonly Position[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi = 0, yi = 0] = ring[i] ?? [];
    const [xj = 0, yj = 0] = ring[j] ?? [];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function segmentsCross(a: Position, b: Position, c: Position, d: Position): boolean {
  const orient = (p: Position, q: Position, r: Position): number =>
    ((q[0] ?? 0) - (p[0] ?? 0)) * ((r[1] ?? 0) - (p[1] ?? 0)) -
    ((q[1] ?? 0) - (p[1] ?? 0)) * ((r[0] ?? 0) - (p[0] ?? 0));
  const d1 = orient(c, d, a);
  const d2 = orient(c, d, b);
  const d3 = orient(a, b, c);
  const d4 = orient(a, b, d);
  return d1 * d2 <= 0 && d3 * d4 <= 0;
}

/** Whether a closed lon/lat ring and a bbox share at least one point. */
export function ringMeetsBBox(ring: readonly Position[], bbox: BBox): boolean {
  const [w, s, e, n] = bbox;
  if (ring.some(([x = 0, y = 0]) => x >= w && x <= e && y >= s && y <= n)) return true;
  const corners: Position[] = [
    [w, s],
    [e, s],
    [e, n],
    [w, n],
  ];
  if (corners.some(([x = 0, y = 0]) => pointInRing(ring, x, y))) return true;
  for (let i = 0; i + 1 < ring.length; i++)
    for (let k = 0; k < 4; k++)
      if (
        segmentsCross(
          ring[i] as Position,
          ring[i + 1] as Position,
          corners[k] as Position,
          corners[(k + 1) % 4] as Position,
        )
      )
        return true;
  return false;
}

/**
 * The scene's buildings that meet a bbox, with their lon/lat rings, in a fixed order.
 * @throws AppError INVALID_PARAMETER_VALUE for a malformed bbox
 */
export function sceneBuildingsIn(
  scene: SyntheticScene,
  bbox: BBox,
): Array<{ building: SceneBuilding; ring: Position[] }> {
  assertBBox(bbox);
  const state = sceneState(scene);
  const [u0, v0] = lonLatToGround(state.frame, bbox[0], bbox[1]);
  const [u1, v1] = lonLatToGround(state.frame, bbox[2], bbox[3]);
  const rect = sceneRectOfGroundRect(state.frame, [u0, v0, u1, v1]);
  const found: Array<{ building: SceneBuilding; ring: Position[] }> = [];
  for (const block of blocksIn(state, rect))
    for (const building of block.buildings) {
      const ring = buildingRing(scene, building);
      if (ringMeetsBBox(ring, bbox)) found.push({ building, ring });
    }
  return found;
}

/**
 * Footprints of every synthetic building that meets a bbox: whole polygons (never clipped), counter-clockwise rings,
 * ids stable across queries, tiles and zooms. These are exactly the roofs `renderSyntheticTile` draws (trees may
 * hide part of a roof; the footprint still covers it).
 * @param scene - the scene
 * @param bbox - `[w, s, e, n]` in degrees; may extend beyond the scene's bounds
 * @returns a GeoJSON FeatureCollection of Polygons with properties `{ building: 'yes', id }`
 * @throws AppError INVALID_PARAMETER_VALUE for a malformed bbox
 * @example
 * const truth = syntheticBuildings(scene, tileBounds({ x: 315737, y: 264037, z: 19 }));
 */
export function syntheticBuildings(
  scene: SyntheticScene,
  bbox: BBox,
): FeatureCollection<Polygon, SyntheticBuildingProperties> {
  const features: Array<Feature<Polygon, SyntheticBuildingProperties>> = sceneBuildingsIn(scene, bbox).map(
    ({ building, ring }) => ({
      type: 'Feature',
      id: building.id,
      properties: { building: 'yes', id: building.id },
      geometry: { type: 'Polygon', coordinates: [ring] },
    }),
  );
  return { type: 'FeatureCollection', features };
}
