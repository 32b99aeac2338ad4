/**
 * @module labels — building labels in: GeoJSON import with checks and repairs, areas of interest, and OpenStreetMap
 * buildings through the Overpass API.
 */
export {
  type LabelProperties,
  type LabelFeature,
  type LabelCollection,
  type LabelLimits,
  type LabelParseOptions,
  type LabelParseResult,
  defaultLabelLimits,
  resolveLabelLimits,
} from './label-types.ts';
export { parseLabelGeoJson } from './parse-label-geojson.ts';
export { type GeoJsonTextCounts, checkTextLimits, scanGeoJsonText } from './geojson-size-scan.ts';
export { readLabelFile, readTextFileWithin } from './read-label-file.ts';
export {
  type AoiOptions,
  DEFAULT_MAX_AOI_KM2,
  assertAoiArea,
  bboxToPolygon,
  parseAoi,
  parseBBoxText,
  readAoiFile,
} from './parse-aoi.ts';
export { type OsmArea, MAX_QUERY_POLY_VERTICES, buildOverpassQuery } from './overpass-query.ts';
export {
  type OverpassLabels,
  type OverpassSkips,
  overpassRuntimeError,
  overpassToLabels,
} from './overpass-to-labels.ts';
export {
  type FetchOsmOptions,
  type OsmFetchReport,
  fetchOsmBuildings,
  fetchOsmBuildingsReport,
} from './fetch-osm-buildings.ts';
export { type LabelSummary, summarizeLabels } from './label-summary.ts';
export { formatLabelGeoJson, writeLabelFile } from './write-label-file.ts';
