/**
 * @module labels/geojson-features — the outer layers of a GeoJSON input: JSON text, the `crs` member, and the list of
 * features whether the root is a FeatureCollection, one Feature or a bare geometry.
 */
import { invalid } from '../shared/index.ts';

/** One feature of an input before its geometry is checked. */
export type RawFeature = {
  /** Position in the input (0 for a lone Feature or geometry). */
  index: number;
  /** The `geometry` member as parsed. */
  geometry: unknown;
  /** The properties (an empty object when null). */
  properties: Record<string, unknown>;
  /** The feature `id`, when it is a string or number. */
  id: string | number | undefined;
};

/**
 * Parses JSON text, without a byte-order mark.
 * @param text - the text
 * @param what - names the input in messages
 * @throws AppError INVALID_PARAMETER_VALUE naming `what` and the parser's complaint
 */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return invalid(`${what} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const crs84 =
  /^(urn:ogc:def:crs:ogc:(1\.3)?:crs84|(ogc:)?crs84|https?:\/\/www\.opengis\.net\/def\/crs\/ogc\/1\.3\/crs84)$/;
const epsg4326 =
  /^(urn:ogc:def:crs:epsg:[\d.]*:4326|epsg:4326|https?:\/\/www\.opengis\.net\/def\/crs\/epsg\/0\/4326)$/;

/**
 * Accepts an absent or null `crs`, or one naming EPSG:4326 / OGC CRS84 (the 2008 GeoJSON forms, written by QGIS and
 * GDAL); both mean lon/lat degrees in GeoJSON.
 * @param crs - the `crs` member
 * @param what - names the input in messages
 * @throws AppError INVALID_PARAMETER_VALUE naming any other crs
 */
export function checkCrs(crs: unknown, what: string): void {
  if (crs === undefined || crs === null) return;
  const { type, properties } = (typeof crs === 'object' ? crs : {}) as {
    type?: unknown;
    properties?: unknown;
  };
  const props = (typeof properties === 'object' && properties !== null ? properties : {}) as Record<
    string,
    unknown
  >;
  const name =
    type === 'EPSG' ? `epsg:${String(props['code'])}` : String(props['name'] ?? props['href'] ?? '');
  const normal = name.trim().toLowerCase();
  if (crs84.test(normal) || epsg4326.test(normal)) return;
  invalid(
    `${what} has crs ${JSON.stringify(name || crs)}; only EPSG:4326 / CRS84 lon/lat is accepted (reproject first, e.g. ogr2ogr -t_srs EPSG:4326)`,
  );
}

/**
 * Lists the features of a parsed GeoJSON root.
 * @param root - a FeatureCollection, a Feature, or a geometry (wrapped as feature 0)
 * @param what - names the input in messages
 * @returns the features, in input order
 * @throws AppError INVALID_PARAMETER_VALUE when the root or a feature is not GeoJSON, naming the feature index
 */
export function featuresOf(root: unknown, what: string): RawFeature[] {
  if (typeof root !== 'object' || root === null || Array.isArray(root))
    invalid(`${what} is not a GeoJSON object`);
  const object = root as Record<string, unknown>;
  checkCrs(object['crs'], what);
  const type = object['type'];
  if (type === 'FeatureCollection') {
    const features = object['features'];
    if (!Array.isArray(features)) invalid(`${what}: FeatureCollection has no "features" array`);
    return features.map((feature: unknown, index) => rawFeature(feature, index, what));
  }
  if (type === 'Feature') return [rawFeature(root, 0, what)];
  if (typeof type === 'string' && object['coordinates'] !== undefined)
    return [{ index: 0, geometry: root, properties: {}, id: undefined }];
  if (type === 'GeometryCollection') return [{ index: 0, geometry: root, properties: {}, id: undefined }];
  return invalid(
    `${what} has type ${JSON.stringify(type)}; expected FeatureCollection, Feature, Polygon or MultiPolygon`,
  );
}

function rawFeature(feature: unknown, index: number, what: string): RawFeature {
  if (typeof feature !== 'object' || feature === null || (feature as { type?: unknown }).type !== 'Feature')
    invalid(`${what}: feature ${index} is not a GeoJSON Feature object`);
  const { geometry, properties, id, crs } = feature as Record<string, unknown>;
  checkCrs(crs, `${what} feature ${index}`);
  if (!('geometry' in feature)) invalid(`${what}: feature ${index} has no "geometry" member`);
  if (
    properties !== null &&
    properties !== undefined &&
    (typeof properties !== 'object' || Array.isArray(properties))
  )
    invalid(`${what}: feature ${index} has "properties" that are not an object`);
  return {
    index,
    geometry,
    properties: (properties ?? {}) as Record<string, unknown>,
    id: typeof id === 'string' || typeof id === 'number' ? id : undefined,
  };
}
