/**
 * @module stac/stac-types — the STAC documents fAIr writes and serves: items, collections, the catalog, links and
 * assets, typed as the STAC 1.1 JSON is spelled.
 */
import type { Geometry } from 'geojson';

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** A 2D bounding box `[west, south, east, north]` in WGS84 degrees. */
export type Bbox = [number, number, number, number];

/** Extension fields (`prefix:name`), as STAC objects carry them. */
export type ExtensionFields = { [field: `${string}:${string}`]: unknown };

/** A STAC link; `method`, `body` and `merge` appear on POST paging links of the item search. */
export type StacLink = {
  rel: string;
  href: string;
  type?: string;
  title?: string;
  method?: 'GET' | 'POST';
  body?: JsonObject;
  merge?: boolean;
} & ExtensionFields;

/** A STAC asset. */
export type StacAsset = {
  href: string;
  type?: string;
  title?: string;
  description?: string;
  roles?: string[];
} & ExtensionFields;

/** The properties of a STAC item: `datetime` (null only with start and end) and any other field. */
export type StacItemProperties = { datetime: string | null; [field: string]: unknown };

/** A STAC Item (GeoJSON Feature). */
export type StacItem = {
  type: 'Feature';
  stac_version: string;
  stac_extensions: string[];
  id: string;
  collection?: string;
  geometry: Geometry | null;
  bbox?: number[];
  properties: StacItemProperties;
  links: StacLink[];
  assets: Record<string, StacAsset>;
};

/** The extent of a collection. */
export type StacExtent = {
  spatial: { bbox: number[][] };
  temporal: { interval: (string | null)[][] };
};

/** A STAC Collection. */
export type StacCollection = {
  type: 'Collection';
  stac_version: string;
  stac_extensions: string[];
  id: string;
  title?: string;
  description: string;
  keywords?: string[];
  license: string;
  providers?: StacProvider[];
  extent: StacExtent;
  summaries?: Record<string, unknown>;
  links: StacLink[];
};

/** A STAC Catalog (the root of fAIr's catalog and the STAC API landing page). */
export type StacCatalog = {
  type: 'Catalog';
  stac_version: string;
  stac_extensions?: string[];
  id: string;
  title?: string;
  description: string;
  links: StacLink[];
  conformsTo?: string[];
};

/** A provider of data or a model (common metadata). */
export type StacProvider = { name: string; roles: string[]; url?: string; description?: string };

/** A page of items (the body of `/collections/{id}/items` and `/search`). */
export type StacItemCollection = {
  type: 'FeatureCollection';
  features: StacItem[];
  links: StacLink[];
  numberReturned: number;
};
