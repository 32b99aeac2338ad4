/**
 * @module stac/stac-constants — the versions, extension schemas, collection ids, conformance classes and limits the
 * STAC side of fAIr declares, in one place.
 */

/** STAC version of every item, collection and catalog fAIr writes. */
export const STAC_VERSION = '1.1.0';

/** Extension schemas fAIr declares (the versions in `../shared/schemas/stac`). */
export const StacExtensions = {
  mlm: 'https://stac-extensions.github.io/mlm/v1.5.2/schema.json',
  version: 'https://stac-extensions.github.io/version/v1.2.0/schema.json',
  classification: 'https://stac-extensions.github.io/classification/v2.0.0/schema.json',
  file: 'https://stac-extensions.github.io/file/v2.1.0/schema.json',
  label: 'https://stac-extensions.github.io/label/v1.0.1/schema.json',
  raster: 'https://stac-extensions.github.io/raster/v1.1.0/schema.json',
  fairDataset: 'https://hotosm.github.io/fAIr-models/schemas/v1.0.0/dataset/schema.json',
} as const;

/** Id of the root catalog (fAIr-models' layout). */
export const CATALOG_ID = 'fair-models';

/** The three collections of the catalog (fAIr-models' layout). */
export const CollectionIds = {
  baseModels: 'base-models',
  localModels: 'local-models',
  datasets: 'datasets',
} as const;

/** One of the three collection ids. */
export type CollectionId = (typeof CollectionIds)[keyof typeof CollectionIds];

/** Every collection id, in catalog order. */
export const COLLECTION_IDS: readonly CollectionId[] = [
  CollectionIds.baseModels,
  CollectionIds.localModels,
  CollectionIds.datasets,
];

/**
 * Conformance classes of the STAC API: core, collections, features (OGC API Features core and GeoJSON) and item
 * search. No filter class: `mlm:tasks` and `keywords` are plain search parameters (see README), not CQL2.
 */
export const CONFORMANCE_CLASSES: readonly string[] = [
  'https://api.stacspec.org/v1.0.0/core',
  'https://api.stacspec.org/v1.0.0/collections',
  'https://api.stacspec.org/v1.0.0/ogcapi-features',
  'https://api.stacspec.org/v1.0.0/item-search',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
];

/** Media types used in links and assets. */
export const MediaTypes = {
  json: 'application/json',
  geojson: 'application/geo+json',
  onnx: 'application/octet-stream; application=onnx',
  safetensors: 'application/octet-stream; application=safetensors',
  png: 'image/png',
  html: 'text/html',
} as const;

/** Page sizes of item lists and searches: default 10, at most 10,000 (STAC API's usual bounds). */
export const StacLimits = {
  defaultLimit: 10,
  maxLimit: 10_000,
  /** Most positions a search's `intersects` geometry may have; larger ones are refused before any work. */
  maxIntersectsVertices: 10_000,
  /** Most entries of `ids`, `collections`, `mlm:tasks` or `keywords` in one search. */
  maxListEntries: 1000,
} as const;

/**
 * onnxruntime-web execution providers a model can run on in a browser, the values of the `fair:runtimes` item
 * property (see README).
 */
export type BrowserRuntime = 'wasm' | 'webgpu' | 'webnn';

/** Every browser runtime, in the order fAIr prefers them for an unknown device. */
export const BROWSER_RUNTIMES: readonly BrowserRuntime[] = ['wasm', 'webgpu', 'webnn'];
