/**
 * @module predict — the prediction pipeline (issue 4): imagery + area + model → stitched, simplified, filtered building
 * polygons with a confidence each, streamed to GeoJSON or OSM XML for JOSM; conflation with existing buildings,
 * JOSM remote-control URLs and a preview picture.
 */
export { predictBuildings } from './predict-buildings.ts';
export type { PredictResult, PredictSummary } from './predict-buildings.ts';
export { DEFAULT_MAX_PREDICT_TILES, DEFAULT_OVERLAP_PX, resolveSettings } from './predict-options.ts';
export type { PredictOptions, ResolvedSettings } from './predict-options.ts';
export { resolvePredictArea } from './predict-area.ts';
export type { AreaLimits, PredictArea } from './predict-area.ts';
export { PREDICT_STAGES } from './stage-clock.ts';
export type { PredictStage, StageTimes } from './stage-clock.ts';
export type { EmitCounts } from './building-emitter.ts';
export { DEFAULT_MAX_STRIPE_WIDTH, planGrid, windowTileRange } from './grid-plan.ts';
export type { GridPlan, GridSettings, Stripe } from './grid-plan.ts';
export { blendRamp, originsTouching, windowOrigins } from './window-grid.ts';
export { ProbabilityRows } from './probability-rows.ts';
export type { FinishedRows, ProbabilityRowsLayout } from './probability-rows.ts';
export { InstanceScanner } from './instance-scanner.ts';
export type { PixelInstance, ScannerSettings } from './instance-scanner.ts';
export { fillWindow, inputScaling } from './window-input.ts';
export type { InputScaling, WindowGeometry } from './window-input.ts';
export { TilePrefetcher, fitTile } from './tile-prefetcher.ts';
export type { PrefetchOptions, TileResult } from './tile-prefetcher.ts';
export { createAreaFilter } from './area-filter.ts';
export { DEFAULT_CONFLATE_THRESHOLD, createConflator } from './conflate.ts';
export { scoreAgainstReference } from './reference-scores.ts';
export type { ReferenceScores } from './reference-scores.ts';
export type { Conflator } from './conflate.ts';
export type { FeatureWriter, OutputFeature } from './feature-writer.ts';
export {
  DEFAULT_COORDINATE_PRECISION,
  createGeoJsonWriter,
  formatFeature,
  windRing,
  writeGeoJson,
} from './geojson-writer.ts';
export type { GeoJsonWriterOptions } from './geojson-writer.ts';
export { OsmEncoder, createOsmXmlWriter, escapeXml, toOsmXml } from './osm-xml.ts';
export type { OsmElements, OsmXmlOptions } from './osm-xml.ts';
export { poleOfInaccessibility } from './pole-of-inaccessibility.ts';
export {
  JOSM_REMOTE_CONTROL,
  josmImageryUrl,
  josmImportUrl,
  josmLoadDataUrl,
  josmZoomUrl,
} from './josm-urls.ts';
export type { JosmImageryOptions, JosmLayerOptions } from './josm-urls.ts';
export { PreviewCanvas, confidenceColour, renderPreview } from './preview.ts';
export { createWorkerSession, defaultInferenceWorkers } from './worker-session.ts';
export type { WorkerSessionOptions } from './worker-session.ts';
export type { PreviewFrame, PreviewGrid } from './preview.ts';
