/**
 * @module stac — STAC-MLM items built from fAIr's data (base models, model versions, datasets), the catalog
 * `fair-models` and its collections, the item store, and the STAC API as an endpoint table.
 */
export * from './stac-constants.ts';
export type * from './stac-types.ts';
export { baseModelItem, HOT_PROVIDER, MODEL_ITEM_EXTENSIONS } from './base-model-item.ts';
export type { BaseModelItemInput } from './base-model-item.ts';
export { localModelItem, localModelItemId } from './local-model-item.ts';
export type { LineageRef, LocalModelItemInput } from './local-model-item.ts';
export { datasetItem } from './dataset-item.ts';
export type { DatasetItemInput } from './dataset-item.ts';
export {
  GLOBAL_BBOX,
  MODEL_KEYWORDS,
  bboxGeometry,
  mlmName,
  mlmProperties,
  modelAssets,
  onnxReleaseForOpset,
  versionLinks,
} from './mlm-properties.ts';
export type { ModelArtifacts, ModelFileRef, MlmPropertyOptions, VersionRefs } from './mlm-properties.ts';
export { DEFAULT_EXTENT, fairCatalog, fairCollection, fairCollections, isCollectionId } from './catalog.ts';
export { catalogItemHref, collectionLink, stacUrls, withApiLinks } from './item-links.ts';
export type {
  CollectionSummary,
  ItemHead,
  ItemKey,
  StacBackend,
  StacItemQuery,
  StoredItem,
} from './backend.ts';
export { ByteCache } from './byte-cache.ts';
export type { ByteCacheLimits } from './byte-cache.ts';
export { openSqlStacBackend } from './backend.sql.ts';
export { stacMigrations } from './migrations.ts';
export { publishItems, unpublishItem } from './publish.ts';
export type { PublishOptions } from './publish.ts';
export { parseDatetimeRange } from './datetime-range.ts';
export type { DatetimeRange } from './datetime-range.ts';
export { decodePageToken, encodePageToken } from './page-token.ts';
export type { PageToken } from './page-token.ts';
export { checkGeometry, geometriesIntersect, geometryBbox } from './search-geometry.ts';
export {
  checkBbox,
  parseSearchBody,
  parseSearchQuery,
  searchToBody,
  searchToQueryString,
} from './search-request.ts';
export type { QueryParams, SearchLimits, SearchScope, StacSearch } from './search-request.ts';
export {
  conformance,
  getCollection,
  getItem,
  landingPage,
  listCollections,
  requireCollection,
  searchItems,
  searchItemsJson,
} from './stac-api.ts';
export type { SearchContext, StacApiOptions, StacCollectionList, StacLandingPage } from './stac-api.ts';
export { STAC_API_PREFIX, stacEndpoints, stacErrorResponse } from './stac-endpoints.ts';
export type { StacEndpoint, StacEndpointsOptions, StacRequest } from './stac-endpoints.ts';
export { baseModelItemOf, modelVersionItem, modelVersionItemInput } from './registry-items.ts';
export type { ModelVersionContext, RegistryItemOptions } from './registry-items.ts';
