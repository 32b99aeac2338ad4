/**
 * @module labels/parse-aoi — areas of interest: GeoJSON or a bbox in, one checked Polygon/MultiPolygon out, refused
 * when larger than the area limit.
 */
import type { Position } from 'geojson';
import polygonClipping from 'polygon-clipping';
import { type BBox, type Polygonal, bboxPolygon, geodesicArea, polygonsOf } from '../geo/index.ts';
import { AppError, invalid } from '../shared/index.ts';
import { featuresOf, parseJsonText } from './geojson-features.ts';
import { checkTextLimits } from './geojson-size-scan.ts';
import { defaultLabelLimits, resolveLabelLimits } from './label-types.ts';
import type { LabelLimits } from './label-types.ts';
import { requirePolygonal } from './polygon-normalize.ts';
import { readTextFileWithin } from './read-label-file.ts';
import { RepairLog } from './repair-log.ts';

/** Default largest AOI, km². */
export const DEFAULT_MAX_AOI_KM2 = 100;

/** Options of an AOI import. */
export type AoiOptions = Partial<LabelLimits> & {
  /** Largest accepted geodesic area in km², default {@link DEFAULT_MAX_AOI_KM2} (100). */
  maxAreaKm2?: number;
};

/**
 * Reads an area of interest from GeoJSON: a FeatureCollection, Feature or geometry of Polygons/MultiPolygons in
 * EPSG:4326. Several polygons are merged (overlaps unioned) into one MultiPolygon; rings are repaired and checked as
 * for labels ({@link parseLabelGeoJson}).
 * @param text - GeoJSON text
 * @param options - `maxAreaKm2` (default 100) and text limits (defaults {@link defaultLabelLimits})
 * @returns one Polygon or MultiPolygon with RFC 7946 winding
 * @throws AppError LIMIT_EXCEEDED when the area is over `maxAreaKm2`, naming both
 * @throws AppError INVALID_PARAMETER_VALUE for malformed input, a non-polygonal or null geometry, or no polygon
 * @example
 * const aoi = parseAoi('{"type":"Polygon","coordinates":[[[85.51,27.62],[85.53,27.62],[85.53,27.64],[85.51,27.62]]]}');
 */
export function parseAoi(text: string, options: AoiOptions = {}): Polygonal {
  const what = 'AOI GeoJSON';
  checkTextLimits(text, resolveLabelLimits(options), what);
  const log = new RepairLog();
  const polygons: Position[][][] = [];
  for (const feature of featuresOf(parseJsonText(text, what), what)) {
    const where = `AOI feature ${feature.index}`;
    polygons.push(...polygonsOf(requirePolygonal(feature.geometry, { where, feature: feature.index, log })));
  }
  const first = polygons[0];
  if (first === undefined) invalid(`${what} has no polygon`);
  const aoi = polygons.length === 1 ? { type: 'Polygon' as const, coordinates: first } : merged(polygons);
  assertAoiArea(aoi, options.maxAreaKm2);
  return aoi;
}

/**
 * Reads an AOI file (see {@link parseAoi}); the file size is checked before reading.
 * @param path - a GeoJSON file
 * @param options - as for {@link parseAoi}
 * @returns one Polygon or MultiPolygon
 * @throws AppError as {@link parseAoi}, plus RESOURCE_DOES_NOT_EXIST for a missing file; messages name the file
 */
export async function readAoiFile(path: string, options: AoiOptions = {}): Promise<Polygonal> {
  const text = await readTextFileWithin(path, options.maxBytes ?? defaultLabelLimits.maxBytes);
  try {
    return parseAoi(text, options);
  } catch (error) {
    if (error instanceof AppError) throw new AppError(error.code, `${path}: ${error.message}`, error.details);
    throw error;
  }
}

/** Unions overlapping polygons so the area is not counted twice, then re-checks the result. */
function merged(polygons: Position[][][]): Polygonal {
  const pairs = polygons.map((rings) =>
    rings.map((ring) => ring.map(([x = 0, y = 0]): [number, number] => [x, y])),
  );
  const [head = [], ...rest] = pairs;
  const union = polygonClipping.union(head, ...rest);
  const geometry: Polygonal =
    union.length === 1 && union[0]
      ? { type: 'Polygon', coordinates: union[0] }
      : { type: 'MultiPolygon', coordinates: union };
  return requirePolygonal(geometry, { where: 'merged AOI', feature: 0, log: new RepairLog() });
}

/**
 * Checks the geodesic area of an AOI against a limit.
 * @param aoi - the area
 * @param maxAreaKm2 - the limit in km², default {@link DEFAULT_MAX_AOI_KM2} (100)
 * @returns the area in km²
 * @throws AppError LIMIT_EXCEEDED naming the area and the limit; INVALID_PARAMETER_VALUE for a non-positive limit
 */
export function assertAoiArea(aoi: Polygonal, maxAreaKm2: number = DEFAULT_MAX_AOI_KM2): number {
  if (!(maxAreaKm2 > 0)) invalid(`maxAreaKm2 must be a positive number, got ${maxAreaKm2}`);
  const km2 = geodesicArea(aoi) / 1e6;
  if (km2 > maxAreaKm2)
    throw new AppError(
      'LIMIT_EXCEEDED',
      `AOI area ${formatKm2(km2)} km² is over the limit of ${maxAreaKm2} km²`,
      {
        areaKm2: km2,
        maxAreaKm2,
      },
    );
  return km2;
}

function formatKm2(km2: number): string {
  return km2 >= 10 ? km2.toFixed(1) : km2.toPrecision(3);
}

/**
 * Checks a bbox `[west, south, east, north]` in degrees and returns it as a counter-clockwise Polygon.
 * @param bbox - the box; west < east, south < north, within lon -180..180 and lat -90..90
 * @returns the Polygon
 * @throws AppError INVALID_PARAMETER_VALUE naming the bbox
 */
export function bboxToPolygon(bbox: BBox): Polygonal {
  const [w, s, e, n] = bbox;
  const ok =
    bbox.length === 4 &&
    bbox.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
    w >= -180 &&
    e <= 180 &&
    s >= -90 &&
    n <= 90 &&
    w < e &&
    s < n;
  if (!ok)
    invalid(
      `bbox ${JSON.stringify(bbox)} is not [west, south, east, north] in degrees with west < east and south < north`,
    );
  return bboxPolygon(bbox);
}

/**
 * Parses `west,south,east,north` text (as given on a command line).
 * @param text - four comma-separated numbers
 * @returns the checked bbox
 * @throws AppError INVALID_PARAMETER_VALUE naming the text
 */
export function parseBBoxText(text: string): BBox {
  const parts = text.split(',').map((p) => p.trim());
  const numbers = parts.map((p) => (p === '' ? Number.NaN : Number(p)));
  if (numbers.length !== 4 || numbers.some((v) => !Number.isFinite(v)))
    invalid(`bbox ${JSON.stringify(text)} is not four comma-separated numbers west,south,east,north`);
  const bbox = numbers as BBox;
  bboxToPolygon(bbox);
  return bbox;
}
