/**
 * @module datasets/dataset-stac-item — the STAC Item (core 1.1.0 + Label extension 1.0.1) that describes a dataset
 * folder: its extent, mask classes and assets.
 */
import type { Polygon } from 'geojson';
import { bboxPolygon } from '../geo/index.ts';
import type { DatasetManifest } from './manifest.ts';
import { DatasetLayout } from './dataset-folder.ts';

/** STAC version and the extension the item declares. */
export const STAC_VERSION = '1.1.0';
/** Label extension schema the item declares. */
export const LABEL_EXTENSION = 'https://stac-extensions.github.io/label/v1.0.1/schema.json';
/** Classification extension schema the item declares (the mask values of the `masks` asset). */
export const CLASSIFICATION_EXTENSION = 'https://stac-extensions.github.io/classification/v2.0.0/schema.json';

/** The property every feature of `labels.geojson` carries, and its one value (the Label extension's class). */
export const LABEL_CLASS_PROPERTY = 'class';
/** The class of every label. */
export const LABEL_CLASS = 'building';

/** A STAC asset. */
export type StacAsset = {
  href: string;
  type?: string;
  title?: string;
  roles?: string[];
  'classification:classes'?: { value: number; name: string; description?: string }[];
};

/** A STAC link. */
export type StacLink = { rel: string; href: string; type?: string; title?: string };

/** The STAC Item of a dataset (the fields fAIr writes). */
export type DatasetStacItem = {
  type: 'Feature';
  stac_version: string;
  stac_extensions: string[];
  id: string;
  bbox: [number, number, number, number];
  geometry: Polygon;
  properties: Record<string, unknown> & { datetime: string };
  links: StacLink[];
  assets: Record<string, StacAsset>;
};

/** Options of `datasetStacItem`. */
export type DatasetStacOptions = {
  /** Item id; default `fair-dataset-<created time, digits only>`. */
  id?: string;
  /** Title; default `fAIr building dataset`. */
  title?: string;
  /** Description; default names the chip count, size, zooms and mask kind. */
  description?: string;
  /** SPDX licence id of the labels; default `other`. */
  license?: string;
  /** Building count written to `label:overviews`; omitted when undefined. */
  buildings?: number;
};

/**
 * Builds the dataset's STAC Item: Label extension fields for the vector labels (`label:type` vector, `label:tasks`
 * segmentation, `label:properties` `["class"]`, `label:classes` `building`), keywords, the dataset extent as bbox and
 * geometry, and assets for the manifest, the labels GeoJSON and the chips and masks folders (hrefs relative to the
 * dataset folder); the masks asset lists its pixel values with the Classification extension. A `source` link points
 * at the imagery when it is a URL.
 * @param manifest - the dataset manifest
 * @param options - id, title, description, licence, building count (defaults above)
 * @returns a STAC Item that validates against core 1.1.0 and the Label extension 1.0.1
 * @example
 * const item = datasetStacItem(manifest, { license: 'ODbL-1.0' });
 */
export function datasetStacItem(
  manifest: DatasetManifest,
  options: DatasetStacOptions = {},
): DatasetStacItem {
  const geometry = bboxPolygon(manifest.bounds);
  const chips = manifest.chips.length;
  const description =
    options.description ??
    `${chips} chips of ${manifest.chipSize} px at zoom ${manifest.zooms.join(', ')} with ${manifest.maskKind} building masks`;
  const properties: DatasetStacItem['properties'] = {
    datetime: manifest.created,
    created: manifest.created,
    title: options.title ?? 'fAIr building dataset',
    description,
    license: options.license ?? 'other',
    keywords: ['building', 'semantic-segmentation', 'polygon', 'fair', `mask-${manifest.maskKind}`],
    'label:type': 'vector',
    'label:tasks': ['segmentation'],
    'label:properties': [LABEL_CLASS_PROPERTY],
    'label:classes': [{ name: LABEL_CLASS_PROPERTY, classes: [LABEL_CLASS] }],
    'label:description': `Building footprints rasterized to ${manifest.maskKind} masks (${manifest.classes
      .map((c) => `${c.value} ${c.name}`)
      .join(', ')})`,
    'label:methods': ['manual'],
  };
  if (options.buildings !== undefined)
    properties['label:overviews'] = [
      { property_key: LABEL_CLASS_PROPERTY, counts: [{ name: LABEL_CLASS, count: options.buildings }] },
    ];
  return {
    type: 'Feature',
    stac_version: STAC_VERSION,
    stac_extensions: [LABEL_EXTENSION, CLASSIFICATION_EXTENSION],
    id: options.id ?? `fair-dataset-${manifest.created.replace(/\D/g, '')}`,
    bbox: [...manifest.bounds],
    geometry,
    properties,
    links: sourceLinks(manifest.imagery),
    assets: {
      manifest: asset(DatasetLayout.manifest, 'application/json', 'Dataset manifest (chips, tiles, bounds)', [
        'metadata',
      ]),
      labels: asset(DatasetLayout.labels, 'application/geo+json', 'Building footprints used for the masks', [
        'labels',
      ]),
      chips: asset(`${DatasetLayout.chips}/`, 'image/png', `Image chips (${chips}, RGB PNG)`, ['data']),
      masks: {
        ...asset(`${DatasetLayout.masks}/`, 'image/png', 'Masks (single-band PNG of class values)', [
          'labels',
        ]),
        'classification:classes': manifest.classes.map((c) => ({ value: c.value, name: c.name })),
      },
    },
  };
}

function asset(href: string, type: string, title: string, roles: string[]): StacAsset {
  return { href, type, title, roles };
}

function sourceLinks(imagery: string): StacLink[] {
  if (!/^https?:\/\//i.test(imagery)) return [];
  return [{ rel: 'source', href: imagery, title: 'Source imagery' }];
}
