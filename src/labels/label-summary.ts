/** @module labels/label-summary — counts, extent and area of a label collection, for reports and `fair labels check`. */
import { type BBox, bboxOfGeometry, geodesicArea, polygonsOf } from '../geo/index.ts';
import type { LabelCollection } from './label-types.ts';

/** Figures describing a label collection. */
export type LabelSummary = {
  /** Features. */
  features: number;
  /** Features with a Polygon geometry. */
  polygons: number;
  /** Features with a MultiPolygon geometry. */
  multiPolygons: number;
  /** Inner rings (courtyards). */
  holes: number;
  /** Positions, closing ones included. */
  vertices: number;
  /** Extent `[west, south, east, north]`, or null when there are no features. */
  bbox: BBox | null;
  /** Total geodesic area, m². */
  areaM2: number;
};

/**
 * Summarises a label collection.
 * @param labels - the labels
 * @returns counts, extent and area
 */
export function summarizeLabels(labels: LabelCollection): LabelSummary {
  const summary: LabelSummary = {
    features: 0,
    polygons: 0,
    multiPolygons: 0,
    holes: 0,
    vertices: 0,
    bbox: null,
    areaM2: 0,
  };
  for (const { geometry } of labels.features) {
    summary.features++;
    if (geometry.type === 'Polygon') summary.polygons++;
    else summary.multiPolygons++;
    for (const rings of polygonsOf(geometry)) {
      summary.holes += Math.max(0, rings.length - 1);
      for (const ring of rings) summary.vertices += ring.length;
    }
    summary.areaM2 += geodesicArea(geometry);
    summary.bbox = union(summary.bbox, bboxOfGeometry(geometry));
  }
  return summary;
}

function union(a: BBox | null, b: BBox): BBox {
  if (a === null) return [...b];
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}
