/**
 * @module predict/reference-scores — object scores of a prediction run against reference footprints (e.g. the OSM
 * buildings of an area a model was not trained on): whole buildings over the whole area, the way a mapper meets them,
 * unlike the chip-by-chip scores of `fair evaluate`, where a building cut by chip edges counts as several objects.
 */
import type { Polygonal } from '../geo/index.ts';
import type { LabelCollection } from '../labels/index.ts';
import { matchPolygons } from '../polygons/index.ts';

/** Object scores of delivered buildings against reference buildings (one-to-one matches at IoU ≥ 0.5). */
export type ReferenceScores = {
  /** Reference buildings scored: those that meet the area, as delivered buildings must. */
  reference_buildings: number;
  /** Delivered buildings (after every filter). */
  predicted_buildings: number;
  /** One-to-one matches at IoU ≥ 0.5. */
  matched: number;
  precision: number;
  recall: number;
  f1: number;
};

/**
 * Scores delivered buildings against reference buildings. Only the reference buildings that meet the area count, by
 * the rule that keeps a delivered building (so a building across the area's edge counts on both sides or on neither).
 * @param delivered - geometries of the delivered buildings
 * @param reference - reference footprints; non-polygonal features are ignored
 * @param meetsArea - the run's area rule, default every reference building
 * @returns counts and object precision, recall and F1 (SpaceNet-style, IoU ≥ 0.5)
 * @example
 * const scores = scoreAgainstReference(features.map((f) => f.geometry), osmBuildings, createAreaFilter(aoi));
 */
export function scoreAgainstReference(
  delivered: readonly Polygonal[],
  reference: LabelCollection,
  meetsArea: (geometry: Polygonal) => boolean = () => true,
): ReferenceScores {
  const truth: Polygonal[] = [];
  for (const feature of reference.features) {
    const geometry = feature.geometry as Polygonal | null;
    if (geometry === null || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) continue;
    if (meetsArea(geometry)) truth.push(geometry);
  }
  const match = matchPolygons(delivered, truth);
  const round = (value: number): number => Math.round(value * 1e4) / 1e4;
  return {
    reference_buildings: truth.length,
    predicted_buildings: delivered.length,
    matched: match.tp,
    precision: round(match.precision),
    recall: round(match.recall),
    f1: round(match.f1),
  };
}
