/**
 * @module synthetic/scene — the synthetic scene: its options, its square area, and the frame that maps the scene's
 * ground metres to web-mercator metres and lon/lat.
 */
import { lonLatToMercator, mercatorToLonLat, type BBox } from '../geo/index.ts';
import { invalid } from '../shared/index.ts';
import { hashUnit, Tag } from './random.ts';

/** Options of a synthetic scene. */
export type SyntheticSceneOptions = {
  /** Seed of every random choice: integer 0..4294967295. */
  seed: number;
  /** Centre `[lon, lat]` of the scene's area, default `[36.8, -1.3]` (peri-urban Nairobi latitude). */
  center?: [number, number];
  /** Side of the square area in ground kilometres, default 4 (16 km²); 0.1..50. */
  extentKm?: number;
};

/** A deterministic synthetic scene: everything it shows follows from these fields alone. */
export type SyntheticScene = {
  readonly seed: number;
  /** The area where roads, buildings and trees exist, `[w, s, e, n]` in degrees; outside it is plain ground. */
  readonly bounds: BBox;
  /** Centre `[lon, lat]` of the area. */
  readonly center: readonly [number, number];
  /** Side of the square area in ground kilometres. */
  readonly extentKm: number;
  /** Rotation of the street grid against east, degrees (derived from the seed). */
  readonly gridRotationDeg: number;
};

/** Default centre of the scene area: lon 36.80, lat −1.30. */
export const DEFAULT_SCENE_CENTER: readonly [number, number] = [36.8, -1.3];
/** Default side of the scene area in kilometres. */
export const DEFAULT_SCENE_EXTENT_KM = 4;

/**
 * The scene's coordinate frame. Layout lives in *scene metres* `(s, t)`: ground metres along the street grid, origin at
 * the centre. `(u, v)` are ground metres east and north of the centre; mercator metres are `(u, v) / k` from the
 * centre's mercator point, with `k = cos(centre latitude)` fixed for the whole scene.
 */
export type SceneFrame = {
  readonly seed: number;
  readonly originX: number;
  readonly originY: number;
  /** Ground metres per mercator metre. */
  readonly k: number;
  /** Cosine and sine of the grid rotation. */
  readonly cos: number;
  readonly sin: number;
  /** Half the side of the area, ground metres. */
  readonly halfExtent: number;
};

/**
 * Creates a scene. Creating it is cheap: content is generated lazily, block by block, when tiles or footprints are
 * asked for.
 * @param options - seed, and optionally centre (default lon 36.80, lat −1.30) and extent (default 4 km)
 * @returns the scene description
 * @throws AppError INVALID_PARAMETER_VALUE for a seed that is not an integer in 0..4294967295, a centre outside
 *   lon −180..180 / lat −80..80, or an extent outside 0.1..50 km
 * @example
 * const scene = createSyntheticScene({ seed: 42 });
 * const raster = renderSyntheticTile(scene, { x: 315737, y: 264037, z: 19 });
 */
export function createSyntheticScene(options: SyntheticSceneOptions): SyntheticScene {
  const { seed } = options;
  const center = options.center ?? DEFAULT_SCENE_CENTER;
  const extentKm = options.extentKm ?? DEFAULT_SCENE_EXTENT_KM;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    invalid(`seed ${seed} must be an integer 0..4294967295`);
  const [lon, lat] = center;
  if (!(Math.abs(lon) <= 180) || !(Math.abs(lat) <= 80))
    invalid(`centre [${lon}, ${lat}] must be [lon −180..180, lat −80..80]`);
  if (!(extentKm >= 0.1 && extentKm <= 50)) invalid(`extentKm ${extentKm} must be between 0.1 and 50`);
  const gridRotationDeg = Math.round((hashUnit(seed, Tag.rotation) * 80 - 40) * 100) / 100;
  const frame = frameOf({ seed, center, extentKm, gridRotationDeg });
  const [w, s] = mercatorToLonLat(
    frame.originX - frame.halfExtent / frame.k,
    frame.originY - frame.halfExtent / frame.k,
  );
  const [e, n] = mercatorToLonLat(
    frame.originX + frame.halfExtent / frame.k,
    frame.originY + frame.halfExtent / frame.k,
  );
  return { seed, bounds: [w, s, e, n], center: [lon, lat], extentKm, gridRotationDeg };
}

/** The frame of a scene (pure function of its public fields). */
export function frameOf(
  scene: Pick<SyntheticScene, 'seed' | 'center' | 'extentKm' | 'gridRotationDeg'>,
): SceneFrame {
  const [originX, originY] = lonLatToMercator(scene.center[0], scene.center[1]);
  const theta = (scene.gridRotationDeg * Math.PI) / 180;
  return {
    seed: scene.seed >>> 0,
    originX,
    originY,
    k: Math.cos((scene.center[1] * Math.PI) / 180),
    cos: Math.cos(theta),
    sin: Math.sin(theta),
    halfExtent: (scene.extentKm * 1000) / 2,
  };
}

/** Ground `(u, v)` of scene `(s, t)`: the inverse grid rotation. */
export function sceneToGround(frame: SceneFrame, s: number, t: number): [number, number] {
  return [frame.cos * s - frame.sin * t, frame.sin * s + frame.cos * t];
}

/** Scene `(s, t)` of ground `(u, v)`. */
export function groundToScene(frame: SceneFrame, u: number, v: number): [number, number] {
  return [frame.cos * u + frame.sin * v, -frame.sin * u + frame.cos * v];
}

/** Mercator metres of scene `(s, t)`. */
export function sceneToMercator(frame: SceneFrame, s: number, t: number): [number, number] {
  const [u, v] = sceneToGround(frame, s, t);
  return [frame.originX + u / frame.k, frame.originY + v / frame.k];
}

/** Lon/lat of scene `(s, t)`. */
export function sceneToLonLat(frame: SceneFrame, s: number, t: number): [number, number] {
  const [x, y] = sceneToMercator(frame, s, t);
  return mercatorToLonLat(x, y);
}

/** Ground `(u, v)` of a lon/lat. */
export function lonLatToGround(frame: SceneFrame, lon: number, lat: number): [number, number] {
  const [x, y] = lonLatToMercator(lon, lat);
  return [(x - frame.originX) * frame.k, (y - frame.originY) * frame.k];
}

/** Whether ground `(u, v)` lies inside the scene's square, shrunk by `margin` metres (default 0). */
export function insideArea(frame: SceneFrame, u: number, v: number, margin = 0): boolean {
  const limit = frame.halfExtent - margin;
  return Math.abs(u) <= limit && Math.abs(v) <= limit;
}

/** Scene-frame rectangle `[s0, t0, s1, t1]` covering a ground rectangle `[u0, v0, u1, v1]`. */
export function sceneRectOfGroundRect(
  frame: SceneFrame,
  rect: readonly [number, number, number, number],
): BBox {
  const [u0, v0, u1, v1] = rect;
  let s0 = Infinity;
  let t0 = Infinity;
  let s1 = -Infinity;
  let t1 = -Infinity;
  for (const [u, v] of [
    [u0, v0],
    [u1, v0],
    [u0, v1],
    [u1, v1],
  ] as const) {
    const [s, t] = groundToScene(frame, u, v);
    s0 = Math.min(s0, s);
    s1 = Math.max(s1, s);
    t0 = Math.min(t0, t);
    t1 = Math.max(t1, t);
  }
  return [s0, t0, s1, t1];
}
