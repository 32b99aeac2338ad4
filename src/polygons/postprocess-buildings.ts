/**
 * @module polygons/postprocess-buildings — the whole polygon chain of issue 4 §3 in one deterministic call: simplify →
 * orthogonalize → make valid → area filter → nested/duplicate removal, ending in `building=yes` features.
 */
import type { Polygon, Position } from 'geojson';
import { closeRing, geodesicArea } from '../geo/index.ts';
import { invalid } from '../shared/index.ts';
import type { BuildingFeature, BuildingProperties } from './building-features.ts';
import { makeValid } from './make-valid.ts';
import { orthogonalizePolygon } from './orthogonalize.ts';
import { removeNestedAndDuplicates } from './remove-nested-and-duplicates.ts';
import { simplifyPolygon } from './simplify.ts';

/** One building candidate: lon/lat Polygon coordinates (outer ring first) and its confidence 0..1. */
export type BuildingInstance = { coordinates: Position[][]; confidence: number };

/** Options of {@link postprocessBuildings}. */
export type PostprocessOptions = {
  /** Douglas–Peucker tolerance, ground metres; default 0.3 (0 keeps every corner). */
  toleranceM?: number;
  /** Buildings below this geodesic area are dropped, m²; default 3. */
  minAreaM2?: number;
  /** Square near-rectangular outlines (JOSM-style); default false. */
  orthogonalize?: boolean;
  /** Largest deviation of a wall from the building's axes that the squaring accepts, degrees; default 15. */
  orthoMaxAngleDeg?: number;
  /** IoU at which two predictions are duplicates; default 0.8. */
  iouThreshold?: number;
  /** Share of a prediction's area inside another that makes it nested; default 0.9. */
  containment?: number;
  /** Decimal places of the output coordinates; default 7 (about 1 cm, as OpenStreetMap stores them). */
  coordinateDecimals?: number;
  /** `source` property of every feature (e.g. the imagery), default none. */
  source?: string;
  /** `model_id` property, default none. */
  modelId?: string;
  /** `model_version` property, default none. */
  modelVersion?: string;
};

/** What {@link postprocessBuildings} produced and dropped. */
export type PostprocessResult = {
  features: BuildingFeature[];
  dropped: { small: number; invalid: number; nested: number; duplicate: number };
  /** Polygons made valid by a repair (winding, self-intersection, a misplaced hole, ...). */
  repaired: number;
};

/**
 * Turns building candidates (e.g. traced polygons in lon/lat with their mean probability) into clean building
 * features: each is simplified (`toleranceM`), optionally squared, rounded to `coordinateDecimals`, made valid
 * (repaired or dropped as `invalid`; a repair that splits a polygon yields one feature per part), dropped as `small`
 * below `minAreaM2`, and finally nested and duplicate predictions are removed (`removeNestedAndDuplicates`).
 * Features keep the input order. Bad candidates (non-numeric coordinates, degenerate rings) are counted, not thrown.
 * @param instances - candidates with lon/lat Polygon coordinates and a confidence (any iterable: a generator lets
 *   each candidate's coordinates be made just before they are needed and dropped right after)
 * @param options - see {@link PostprocessOptions}
 * @returns the features, drop counts and the number of repairs
 * @throws AppError INVALID_PARAMETER_VALUE on a bad option value
 * @example
 * const { features, dropped } = postprocessBuildings(instances, { toleranceM: 0.3, minAreaM2: 3, source: 'OAM' });
 */
export function postprocessBuildings(
  instances: Iterable<BuildingInstance>,
  options: PostprocessOptions = {},
): PostprocessResult {
  const settings = resolveOptions(options);
  const dropped = { small: 0, invalid: 0, nested: 0, duplicate: 0 };
  let repaired = 0;
  const features: BuildingFeature[] = [];
  for (const instance of instances) {
    const rings = cleanInstance(instance.coordinates, settings);
    const valid = rings === undefined ? undefined : makeValid(rings);
    if (valid === undefined || valid.dropped) {
      dropped.invalid++;
      continue;
    }
    if (valid.repaired) repaired++;
    for (const coordinates of valid.polygons) {
      const geometry: Polygon = { type: 'Polygon', coordinates };
      if (geodesicArea(geometry) < settings.minAreaM2) dropped.small++;
      else
        features.push({ type: 'Feature', geometry, properties: propertiesOf(instance.confidence, options) });
    }
  }
  const deduped = removeNestedAndDuplicates(features, {
    iouThreshold: settings.iouThreshold,
    containment: settings.containment,
  });
  dropped.nested = deduped.nested;
  dropped.duplicate = deduped.duplicates;
  return { features: deduped.kept, dropped, repaired };
}

type Settings = Required<
  Pick<
    PostprocessOptions,
    | 'toleranceM'
    | 'minAreaM2'
    | 'orthogonalize'
    | 'orthoMaxAngleDeg'
    | 'iouThreshold'
    | 'containment'
    | 'coordinateDecimals'
  >
>;

function resolveOptions(options: PostprocessOptions): Settings {
  const settings: Settings = {
    toleranceM: options.toleranceM ?? 0.3,
    minAreaM2: options.minAreaM2 ?? 3,
    orthogonalize: options.orthogonalize ?? false,
    orthoMaxAngleDeg: options.orthoMaxAngleDeg ?? 15,
    iouThreshold: options.iouThreshold ?? 0.8,
    containment: options.containment ?? 0.9,
    coordinateDecimals: options.coordinateDecimals ?? 7,
  };
  if (!(settings.toleranceM >= 0) || !Number.isFinite(settings.toleranceM))
    invalid(`toleranceM ${settings.toleranceM} is not a finite number >= 0`);
  if (!(settings.minAreaM2 >= 0) || !Number.isFinite(settings.minAreaM2))
    invalid(`minAreaM2 ${settings.minAreaM2} is not a finite number >= 0`);
  if (!(settings.orthoMaxAngleDeg >= 0 && settings.orthoMaxAngleDeg < 45))
    invalid(`orthoMaxAngleDeg ${settings.orthoMaxAngleDeg} must be in [0, 45)`);
  if (!(settings.iouThreshold > 0 && settings.iouThreshold <= 1))
    invalid(`iouThreshold ${settings.iouThreshold} must be in (0, 1]`);
  if (!(settings.containment > 0 && settings.containment <= 1))
    invalid(`containment ${settings.containment} must be in (0, 1]`);
  const d = settings.coordinateDecimals;
  if (!Number.isInteger(d) || d < 1 || d > 15) invalid(`coordinateDecimals ${d} must be an integer 1..15`);
  return settings;
}

/** Simplified, optionally squared and rounded rings; undefined when the candidate is unusable. */
function cleanInstance(coordinates: unknown, settings: Settings): Position[][] | undefined {
  if (!isPolygonCoordinates(coordinates)) return undefined;
  const simplified = simplifyPolygon(coordinates, settings.toleranceM);
  if (simplified === undefined) return undefined;
  const squared = settings.orthogonalize
    ? orthogonalizePolygon(simplified, { maxAngleDeg: settings.orthoMaxAngleDeg }).coords
    : simplified;
  const factor = 10 ** settings.coordinateDecimals;
  const round = (v: number): number => Math.round(v * factor) / factor;
  return squared.map((ring) => closeRing(ring.map((p) => [round(p[0] as number), round(p[1] as number)])));
}

function isPolygonCoordinates(value: unknown): value is Position[][] {
  if (!Array.isArray(value) || value.length === 0) return false;
  for (const ring of value as unknown[]) {
    if (!Array.isArray(ring)) return false;
    for (const p of ring as unknown[])
      if (!Array.isArray(p) || p.length < 2 || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) return false;
  }
  return true;
}

function propertiesOf(confidence: number, options: PostprocessOptions): BuildingProperties {
  const c = Number.isFinite(confidence) ? Math.min(1, Math.max(0, confidence)) : 0;
  const properties: BuildingProperties = { building: 'yes', confidence: Math.round(c * 1e4) / 1e4 };
  if (options.source !== undefined) properties.source = options.source;
  if (options.modelId !== undefined) properties.model_id = options.modelId;
  if (options.modelVersion !== undefined) properties.model_version = options.modelVersion;
  return properties;
}
