/**
 * @module polygons/building-features — the building features the prediction pipeline emits (GeoJSON Polygon features
 * with `building=yes`, confidence, source and model) and the area filter on them.
 */
import type { Feature, Polygon } from 'geojson';
import { geodesicArea } from '../geo/index.ts';
import { invalid } from '../shared/index.ts';

/** Properties of a predicted building (OSM tags and provenance). */
export type BuildingProperties = {
  building: 'yes';
  /** Mean building probability inside the polygon, 0..1. */
  confidence: number;
  /** OSM `source` tag, e.g. the imagery name, when configured. */
  source?: string;
  /** Model id (registry name) that predicted it. */
  model_id?: string;
  /** Model version that predicted it. */
  model_version?: string;
};

/** One predicted building. */
export type BuildingFeature = Feature<Polygon, BuildingProperties>;

/** Anything with a Polygon geometry: what the area filter and duplicate removal accept. */
export type PolygonFeatureLike = { geometry: Polygon };

/**
 * Keeps the features whose geodesic area (m², holes subtracted) is at least `minAreaM2`.
 * @param features - features with Polygon geometries, in order
 * @param minAreaM2 - smallest area kept, square metres (≥ 0)
 * @returns the kept features (order kept) and how many were removed
 * @throws AppError INVALID_PARAMETER_VALUE when `minAreaM2` is negative or not finite
 * @example
 * const { kept, removed } = filterByArea(features, 3);
 */
export function filterByArea<T extends PolygonFeatureLike>(
  features: readonly T[],
  minAreaM2: number,
): { kept: T[]; removed: number } {
  if (!(minAreaM2 >= 0) || !Number.isFinite(minAreaM2))
    invalid(`minimum area ${minAreaM2} m² is not a finite number >= 0`);
  const kept = features.filter((f) => geodesicArea(f.geometry) >= minAreaM2);
  return { kept, removed: features.length - kept.length };
}
