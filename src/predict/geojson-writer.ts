/**
 * @module predict/geojson-writer — writes predicted buildings as one RFC 7946 FeatureCollection, feature by feature,
 * so a run of any size never holds its output in memory; the file appears complete or not at all (issue 4 §4).
 */
import type { Feature, Geometry, Position } from 'geojson';
import { FileSink } from './file-sink.ts';
import type { FeatureWriter, OutputFeature } from './feature-writer.ts';

/** Decimal places of written coordinates, default 7 (about 1 cm). */
export const DEFAULT_COORDINATE_PRECISION = 7;

/**
 * Serialises one feature: coordinates rounded to `precision` decimals, polygon rings wound as RFC 7946 asks (outer
 * counter-clockwise, holes clockwise) and closed.
 * @param feature - a Polygon, MultiPolygon or Point feature
 * @param precision - decimal places, default 7
 * @returns the feature's JSON text, one line
 */
export function formatFeature(feature: OutputFeature, precision = DEFAULT_COORDINATE_PRECISION): string {
  const out: Feature<Geometry, Record<string, unknown>> = {
    type: 'Feature',
    geometry: roundGeometry(feature.geometry, precision),
    properties: feature.properties ?? {},
  };
  if (feature.id !== undefined) out.id = feature.id;
  return JSON.stringify(out);
}

function roundGeometry(geometry: OutputFeature['geometry'], precision: number): Geometry {
  const k = 10 ** precision;
  const round = (p: Position): Position => [
    Math.round((p[0] as number) * k) / k,
    Math.round((p[1] as number) * k) / k,
  ];
  const rings = (polygon: readonly (readonly Position[])[]): Position[][] =>
    polygon.map((ring, i) => windRing(ring.map(round), i === 0));
  if (geometry.type === 'Point') return { type: 'Point', coordinates: round(geometry.coordinates) };
  if (geometry.type === 'Polygon') return { type: 'Polygon', coordinates: rings(geometry.coordinates) };
  return { type: 'MultiPolygon', coordinates: geometry.coordinates.map(rings) };
}

/**
 * A ring closed and wound counter-clockwise (outer) or clockwise (hole), in lon/lat.
 * @param ring - the positions
 * @param outer - true for an outer ring
 * @returns the ring, reversed when its winding was the other way
 */
export function windRing(ring: Position[], outer: boolean): Position[] {
  const first = ring[0];
  const last = ring[ring.length - 1];
  const closed = first && last && (first[0] !== last[0] || first[1] !== last[1]) ? [...ring, first] : ring;
  const counterClockwise = shoelace(closed) > 0;
  return counterClockwise === outer ? closed : [...closed].reverse();
}

/** Options of {@link createGeoJsonWriter}. */
export type GeoJsonWriterOptions = {
  /** Decimal places of coordinates, default 7. */
  precision?: number;
  /** Members added to the FeatureCollection (e.g. `{ fair: { model, imagery } }`), default none. */
  foreign?: Record<string, unknown>;
};

/**
 * Opens a GeoJSON FeatureCollection for writing, one feature per line. Written to `<path>.tmp` and renamed on
 * `close`, so readers never see half a file; `abort` removes it.
 * @param path - the output file
 * @param options - precision (7), foreign members
 * @returns the writer
 * @throws AppError INVALID_PARAMETER_VALUE when the folder of `path` cannot be written
 * @example
 * const writer = await createGeoJsonWriter('buildings.geojson');
 * for (const f of features) await writer.write(f);
 * await writer.close();
 */
export async function createGeoJsonWriter(
  path: string,
  options: GeoJsonWriterOptions = {},
): Promise<FeatureWriter> {
  const precision = options.precision ?? DEFAULT_COORDINATE_PRECISION;
  const sink = await FileSink.open(path);
  const head = { type: 'FeatureCollection', ...(options.foreign ?? {}) };
  await sink.write(`${JSON.stringify(head).slice(0, -1)},"features":[\n`);
  let count = 0;
  return {
    write(feature) {
      const text = `${count === 0 ? '' : ',\n'}${formatFeature(feature, precision)}`;
      count++;
      return sink.write(text);
    },
    async close() {
      await sink.write(`${count === 0 ? '' : '\n'}]}\n`);
      await sink.commit();
      return { features: count };
    },
    abort: () => sink.abort(),
  };
}

/**
 * Writes features as a GeoJSON FeatureCollection (see {@link createGeoJsonWriter}).
 * @param path - the output file
 * @param features - the features, in memory or streamed
 * @param options - precision (7), foreign members
 * @returns the number of features written
 * @throws AppError when the file cannot be written
 */
export async function writeGeoJson(
  path: string,
  features: Iterable<OutputFeature> | AsyncIterable<OutputFeature>,
  options: GeoJsonWriterOptions = {},
): Promise<number> {
  const writer = await createGeoJsonWriter(path, options);
  try {
    for await (const feature of features) await writer.write(feature);
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return (await writer.close()).features;
}

/** Twice the signed planar area of a ring; positive when counter-clockwise with y to the north. */
function shoelace(ring: readonly Position[]): number {
  let twice = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i] as Position;
    const b = ring[i + 1] as Position;
    twice += (a[0] as number) * (b[1] as number) - (b[0] as number) * (a[1] as number);
  }
  return twice;
}
