/** @module labels/parse-label-geojson — imports building labels from GeoJSON text: limits, checks, repairs. */
import { AppError, invalid } from '../shared/index.ts';
import { featuresOf, parseJsonText } from './geojson-features.ts';
import { checkTextLimits } from './geojson-size-scan.ts';
import type { LabelCollection, LabelFeature, LabelParseOptions, LabelParseResult } from './label-types.ts';
import { resolveLabelLimits } from './label-types.ts';
import { normalizeGeometry } from './polygon-normalize.ts';
import { RepairLog } from './repair-log.ts';

/**
 * Imports building labels from GeoJSON text in EPSG:4326 / CRS84.
 *
 * Accepts a FeatureCollection, a single Feature or a bare Polygon/MultiPolygon (wrapped into a collection). Repairs
 * problems with one reading and counts them: unclosed rings are closed, repeated consecutive vertices removed, rings
 * rewound to RFC 7946 (outer counter-clockwise), features with a null geometry dropped. Rejects the rest, naming the
 * feature: other geometry types (unless `skipNonPolygonal`), rings with fewer than 4 positions after repair or zero
 * area, self-intersecting rings, holes outside their outer ring, non-numeric, non-finite or out-of-range
 * coordinates (with a hint when they look swapped or projected), and a `crs` other than EPSG:4326 / CRS84.
 * Altitudes are dropped. Limits are checked on the raw text before parsing.
 *
 * @param text - GeoJSON text
 * @param options - limits (defaults {@link defaultLabelLimits}) and `skipNonPolygonal` (default false)
 * @returns the labels, the number of repairs, one note per kind of repair, the number of skipped features
 * @throws AppError LIMIT_EXCEEDED when the text is over a limit, naming the size and the limit
 * @throws AppError INVALID_PARAMETER_VALUE for malformed input, naming the feature index and the problem
 * @example
 * const { labels, repairs, repairNotes } = parseLabelGeoJson(await readFile('buildings.geojson', 'utf8'));
 */
export function parseLabelGeoJson(text: string, options: LabelParseOptions = {}): LabelParseResult {
  const what = 'label GeoJSON';
  if (typeof text !== 'string') invalid(`${what} must be text, got ${typeof text}`);
  const limits = resolveLabelLimits(options);
  checkTextLimits(text, limits, what);
  const raw = featuresOf(parseJsonText(text, what), what);
  if (raw.length > limits.maxFeatures)
    throw new AppError(
      'LIMIT_EXCEEDED',
      `${what} has ${raw.length} features, over the limit of ${limits.maxFeatures}`,
    );
  const log = new RepairLog();
  const features: LabelFeature[] = [];
  for (const feature of raw) {
    const verdict = normalizeGeometry(feature.geometry, {
      where: `feature ${feature.index}`,
      feature: feature.index,
      log,
    });
    if (verdict.kind === 'null') log.add('nullGeometry', feature.index);
    else if (verdict.kind === 'other') {
      if (options.skipNonPolygonal !== true)
        invalid(
          `feature ${feature.index}: geometry type ${verdict.type} is not Polygon or MultiPolygon (use skipNonPolygonal to skip such features)`,
        );
      log.add('skippedNonPolygonal', `${feature.index} (${verdict.type})`);
    } else {
      const out: LabelFeature = {
        type: 'Feature',
        properties: feature.properties,
        geometry: verdict.geometry,
      };
      if (feature.id !== undefined) out.id = feature.id;
      features.push(out);
    }
  }
  const labels: LabelCollection = { type: 'FeatureCollection', features };
  return {
    labels,
    repairs: log.repairs,
    repairNotes: log.notes(),
    skipped: log.count('skippedNonPolygonal'),
  };
}
