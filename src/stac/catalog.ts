/**
 * @module stac/catalog — the catalog `fair-models` and its collections `base-models`, `local-models` and
 * `datasets` (fAIr-models' layout), as documents whose extent the caller fills from the items.
 */
import { invalid } from '../shared/index.ts';
import { MODEL_ITEM_EXTENSIONS } from './base-model-item.ts';
import { CATALOG_ID, COLLECTION_IDS, CollectionIds, STAC_VERSION, StacExtensions } from './stac-constants.ts';
import type { CollectionId } from './stac-constants.ts';
import type { StacCatalog, StacCollection, StacExtent } from './stac-types.ts';

/** The extent of an empty collection: the world, from 2026-01-01 (fAIr-models' choice), open ended. */
export const DEFAULT_EXTENT: StacExtent = {
  spatial: { bbox: [[-180, -90, 180, 90]] },
  temporal: { interval: [['2026-01-01T00:00:00Z', null]] },
};

const descriptions: Readonly<
  Record<CollectionId, { title: string; description: string; extensions: string[] }>
> = {
  [CollectionIds.baseModels]: {
    title: 'Base models',
    description:
      'Model architectures with the weights fAIr finetunes from: the built-in U-Nets and imported base-model ' +
      'items. Each item is a complete MLM model card.',
    extensions: [...MODEL_ITEM_EXTENSIONS],
  },
  [CollectionIds.localModels]: {
    title: 'Local models',
    description:
      'Finetuned models: every registered model version, a base model trained on a dataset, with its metrics, ' +
      'ONNX model, lineage and tracking run.',
    extensions: [...MODEL_ITEM_EXTENSIONS],
  },
  [CollectionIds.datasets]: {
    title: 'Datasets',
    description: 'Training data: imagery chips and OpenStreetMap building labels rasterized to masks.',
    extensions: [StacExtensions.label, StacExtensions.classification, StacExtensions.version],
  },
};

/**
 * Whether an id names one of the catalog's collections.
 * @param id - a collection id from a request
 * @returns true for `base-models`, `local-models` and `datasets`
 */
export function isCollectionId(id: string): id is CollectionId {
  return (COLLECTION_IDS as readonly string[]).includes(id);
}

/**
 * The document of one collection (links are added by the API).
 * @param id - collection id
 * @param extent - the items' extent, default {@link DEFAULT_EXTENT}
 * @returns a Collection that validates against STAC 1.1.0 and its extensions
 * @throws AppError INVALID_PARAMETER_VALUE for an unknown id
 */
export function fairCollection(id: CollectionId, extent: StacExtent = DEFAULT_EXTENT): StacCollection {
  const info = descriptions[id] as (typeof descriptions)[CollectionId] | undefined;
  if (info === undefined) invalid(`collection ${String(id)} is not one of ${COLLECTION_IDS.join(', ')}`);
  return {
    type: 'Collection',
    stac_version: STAC_VERSION,
    stac_extensions: [...info.extensions],
    id,
    title: info.title,
    description: info.description,
    keywords: ['fair', 'building', 'openstreetmap', 'machine-learning'],
    license: 'various',
    providers: [
      { name: 'HOTOSM', roles: ['host', 'processor'], url: 'https://www.hotosm.org', description: 'fAIr' },
    ],
    extent: structuredClone(extent),
    links: [],
  };
}

/**
 * The three collections in catalog order, with the default extent.
 * @returns base-models, local-models, datasets
 */
export function fairCollections(): StacCollection[] {
  return COLLECTION_IDS.map((id) => fairCollection(id));
}

/**
 * The root catalog `fair-models` (links are added by the API; the landing page adds `conformsTo`).
 * @returns a Catalog that validates against STAC 1.1.0
 */
export function fairCatalog(): StacCatalog {
  return {
    type: 'Catalog',
    stac_version: STAC_VERSION,
    id: CATALOG_ID,
    title: 'fAIr models',
    description:
      'fAIr model registry and dataset catalog: base models, finetuned models and training datasets',
    links: [],
  };
}
