/**
 * @module stac/dataset-item — the STAC item of a training dataset (collection `datasets`): the dataset folder's own
 * item (`datasetStacItem` of datasets/) with absolute asset hrefs, the Version extension and fAIr-models' dataset
 * fields, so fAIr-models' tools read it too.
 */
import { datasetStacItem } from '../datasets/index.ts';
import type { DatasetManifest } from '../datasets/index.ts';
import { invalid } from '../shared/index.ts';
import { HOT_PROVIDER, optional } from './base-model-item.ts';
import { catalogItemHref, collectionLink } from './item-links.ts';
import { versionLinks } from './mlm-properties.ts';
import { CollectionIds, StacExtensions } from './stac-constants.ts';
import type { StacAsset, StacItem } from './stac-types.ts';

/** What a dataset item is built from. */
export type DatasetItemInput = {
  /** The dataset's manifest (`dataset.json`). */
  manifest: DatasetManifest;
  /** Item id (the dataset's id in fAIr). */
  id: string;
  /** Where the dataset folder is (URL or blob URI prefix); relative asset hrefs are resolved against it. */
  baseHref: string;
  /** Owner, `fair:user_id` (fAIr-models' dataset schema requires it). */
  userId: string;
  /** Title, default `fAIr building dataset`. */
  title?: string;
  /** Description, default names the chips, size, zooms and mask kind. */
  description?: string;
  /** SPDX licence of the labels, default `ODbL-1.0` (OpenStreetMap's). */
  license?: string;
  /** Building count (`label:overviews`). */
  buildings?: number;
  /** ISO 8601 time of the last change, default the manifest's `created`. */
  updated?: string;
  /** Version string, default `1`. */
  version?: string;
  /** Whether the dataset should no longer be used, default false. */
  deprecated?: boolean;
  /** Ids of the dataset's other versions in `datasets`. */
  predecessor?: string;
  successor?: string;
  latest?: string;
};

/** Extensions a dataset item declares on top of those `datasetStacItem` declares. */
const DATASET_EXTRA_EXTENSIONS = [StacExtensions.version, StacExtensions.fairDataset];

/**
 * Builds the STAC item of a dataset.
 * @param input - manifest, id, base href, owner and descriptive fields (defaults above)
 * @returns an item of collection `datasets` that validates against STAC 1.1.0, Label 1.0.1, Classification 2.0.0,
 *   Version 1.2.0 and fAIr-models' dataset schema 1.0.0
 * @throws AppError INVALID_PARAMETER_VALUE for an empty id, base href or user id
 * @example
 * const item = datasetItem({ manifest, id: 'banepa', baseHref: 's3://fair/datasets/banepa', userId: 'osm:42' });
 */
export function datasetItem(input: DatasetItemInput): StacItem {
  if (input.id.trim() === '') invalid('dataset id must not be empty');
  if (input.baseHref.trim() === '') invalid(`base href of dataset ${input.id} must not be empty`);
  if (input.userId.trim() === '') invalid(`user id of dataset ${input.id} must not be empty`);
  const folder = datasetStacItem(input.manifest, {
    id: input.id,
    license: input.license ?? 'ODbL-1.0',
    ...optional('title', input.title),
    ...optional('description', input.description),
    ...optional('buildings', input.buildings),
  });
  const assets: Record<string, StacAsset> = {};
  for (const [key, asset] of Object.entries(folder.assets))
    assets[key] = { ...asset, href: resolveIn(input.baseHref, asset.href) } as StacAsset;
  const properties: StacItem['properties'] = {
    ...folder.properties,
    updated: input.updated ?? input.manifest.created,
    version: input.version ?? '1',
    deprecated: input.deprecated ?? false,
    providers: [{ ...HOT_PROVIDER, roles: ['host', 'processor'] }],
    'fair:user_id': input.userId,
  };
  if (input.manifest.chips.length > 0) properties['fair:chip_count'] = input.manifest.chips.length;
  if (input.manifest.imagery !== '') properties['fair:source_imagery'] = input.manifest.imagery;
  return {
    ...folder,
    stac_extensions: [...folder.stac_extensions, ...DATASET_EXTRA_EXTENSIONS],
    collection: CollectionIds.datasets,
    properties,
    links: [
      collectionLink(CollectionIds.datasets),
      ...folder.links.map((link) => ({ ...link })),
      ...versionLinks(
        {
          collection: CollectionIds.datasets,
          id: input.id,
          ...optional('predecessor', input.predecessor),
          ...optional('successor', input.successor),
          ...optional('latest', input.latest),
        },
        catalogItemHref,
      ),
    ],
    assets,
  };
}

/** `href` relative to the dataset folder, joined to the folder's URL or URI (kept when already absolute). */
function resolveIn(base: string, href: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return href;
  return `${base.replace(/\/+$/, '')}/${href.replace(/^\.?\//, '')}`;
}
