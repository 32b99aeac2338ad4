/** @module labels/label-types — the label data types every later stage codes against, and the import limits. */
import type { Feature, FeatureCollection } from 'geojson';
import type { Polygonal } from '../geo/index.ts';
import { AppError } from '../shared/index.ts';

/**
 * Properties of one label. Imported GeoJSON keeps its properties as they were; OpenStreetMap features carry
 * `osm_id` (`"way/123"`), `osm_type` (`"way"` or `"relation"`), `tags` (every OSM tag) and each tag copied to the top
 * level (`building`, `building:levels`, ...).
 */
export type LabelProperties = { [key: string]: unknown };

/** One building footprint: a Polygon or MultiPolygon in EPSG:4326 with RFC 7946 winding. */
export type LabelFeature = Feature<Polygonal, LabelProperties>;

/** A set of building footprints. */
export type LabelCollection = FeatureCollection<Polygonal, LabelProperties>;

/** Size limits of a label import, checked before the expensive work. */
export type LabelLimits = {
  /** Largest input in bytes (UTF-8). */
  maxBytes: number;
  /** Most features in one input. */
  maxFeatures: number;
  /** Most positions (vertices, closing positions included) in one input. */
  maxVertices: number;
};

/**
 * Default limits: 100 MiB, 200,000 features, 5,000,000 vertices. A dense city district of 100 km² holds about
 * 100,000 buildings of 5-10 vertices each, so these leave room for real inputs and stop runaway ones.
 */
export const defaultLabelLimits: Readonly<LabelLimits> = {
  maxBytes: 100 * 1024 * 1024,
  maxFeatures: 200_000,
  maxVertices: 5_000_000,
};

/** Options of a label import: limits plus how to treat features that are not polygonal. */
export type LabelParseOptions = Partial<LabelLimits> & {
  /** Skip (and count) Point, LineString, GeometryCollection ... features instead of rejecting the input; default false. */
  skipNonPolygonal?: boolean;
};

/** What a label import returns. */
export type LabelParseResult = {
  /** The accepted features, repaired, as an RFC 7946 FeatureCollection. */
  labels: LabelCollection;
  /** How many repairs were made (rings closed, duplicate vertices removed, rings rewound, null geometries dropped). */
  repairs: number;
  /** One line per kind of repair or skip, naming the first few feature indexes. */
  repairNotes: string[];
  /** Non-polygonal features skipped (only with `skipNonPolygonal`). */
  skipped: number;
};

/**
 * Fills unset limits with the defaults and checks the set ones.
 * @param limits - partial limits; each must be a positive number
 * @returns complete limits
 * @throws AppError INVALID_PARAMETER_VALUE naming a limit that is not a positive number
 */
export function resolveLabelLimits(limits: Partial<LabelLimits> = {}): LabelLimits {
  const resolved = { ...defaultLabelLimits };
  for (const key of ['maxBytes', 'maxFeatures', 'maxVertices'] as const) {
    const value = limits[key];
    if (value === undefined) continue;
    if (!(typeof value === 'number' && value > 0)) invalidLimit(key, value);
    resolved[key] = value;
  }
  return resolved;
}

function invalidLimit(key: string, value: unknown): never {
  throw new AppError(
    'INVALID_PARAMETER_VALUE',
    `label limit ${key} must be a positive number, got ${String(value)}`,
  );
}
