/** @module predict/feature-writer — the feature types predictions are written as, and the writer interface. */
import type { Feature, MultiPolygon, Point, Polygon } from 'geojson';

/** A feature a writer accepts: a building polygon (or multipolygon), or a building point. */
export type OutputFeature = Feature<Polygon | MultiPolygon | Point, Record<string, unknown> | null>;

/** A streaming sink of features: GeoJSON or OSM XML. */
export interface FeatureWriter {
  /** Appends one feature; returns a promise only when the caller should wait (the file's buffer is full). */
  write(feature: OutputFeature): Promise<void> | void;
  /** Finishes the file and moves it into place. */
  close(): Promise<{ features: number }>;
  /** Stops and removes what was written. */
  abort(): Promise<void>;
}
