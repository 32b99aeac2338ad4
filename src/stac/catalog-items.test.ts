import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { classesOf } from '../datasets/index.ts';
import type { DatasetManifest } from '../datasets/index.ts';
import { createStacValidator } from '../shared/index.ts';
import type { StacValidator } from '../shared/index.ts';
import { fairCatalog, fairCollection, fairCollections } from './catalog.ts';
import { datasetItem } from './dataset-item.ts';
import { StacExtensions } from './stac-constants.ts';

const schemasDir = path.resolve(import.meta.dirname, '../..', '../shared/schemas/stac');

function manifest(): DatasetManifest {
  return {
    format: 'fair-dataset',
    version: 1,
    created: '2026-01-02T03:04:05.678Z',
    chipSize: 256,
    maskKind: 'multi',
    classes: classesOf('multi'),
    zooms: [19],
    offset: [0, 0],
    imagery: 'https://tiles.example.org/{z}/{x}/{y}.png',
    boundaryWidth: 2,
    contactSpacing: 4,
    bounds: [85.5188, 27.6292, 85.5233, 27.6344],
    chips: [
      {
        id: 'OAM-386690-220241-19-0-0',
        tile: { x: 386690, y: 220241, z: 19 },
        window: { col: 0, row: 0, of: 2 },
        bounds: [85.5188, 27.634, 85.519, 27.6344],
        image: 'chips/OAM-386690-220241-19-0-0.png',
        mask: 'masks/OAM-386690-220241-19-0-0.png',
        buildings: 3,
      },
    ],
  };
}

describe('catalog, collections and dataset items', () => {
  let validator: StacValidator;
  beforeAll(async () => {
    validator = await createStacValidator(schemasDir);
  });

  it('the catalog fair-models validates as a STAC 1.1.0 Catalog', () => {
    const catalog = fairCatalog();
    expect(catalog.id).toBe('fair-models');
    expect(validator.validate(catalog).errors).toEqual([]);
  });

  it('the three collections validate with their extensions', () => {
    const collections = fairCollections();
    expect(collections.map((c) => c.id)).toEqual(['base-models', 'local-models', 'datasets']);
    for (const collection of collections) expect(validator.validate(collection).errors).toEqual([]);
  });

  it('a collection takes the extent it is given', () => {
    const extent = {
      spatial: { bbox: [[85.5, 27.6, 85.6, 27.7]] },
      temporal: { interval: [['2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z']] },
    };
    const collection = fairCollection('local-models', extent);
    expect(collection.extent).toEqual(extent);
    expect(validator.validate(collection).valid).toBe(true);
  });

  it('a dataset item reuses the dataset folder item and validates against fAIr-models’ dataset schema', () => {
    const item = datasetItem({
      manifest: manifest(),
      id: 'banepa',
      baseHref: 's3://fair/datasets/banepa/',
      userId: 'osm:42',
      buildings: 12,
      predecessor: 'banepa-old',
    });
    const result = validator.validate(item);
    expect(result.errors).toEqual([]);
    expect(result.schemas).toEqual(
      expect.arrayContaining([StacExtensions.label, StacExtensions.fairDataset, StacExtensions.version]),
    );
    expect(item.collection).toBe('datasets');
    expect(item.assets['labels']?.href).toBe('s3://fair/datasets/banepa/labels.geojson');
    expect(item.assets['chips']?.href).toBe('s3://fair/datasets/banepa/chips/');
    expect(item.properties['fair:chip_count']).toBe(1);
    expect(item.properties['label:type']).toBe('vector');
    expect(item.links.map((l) => l.rel)).toEqual(['collection', 'source', 'predecessor-version']);
  });

  it('refuses a dataset item without an owner', () => {
    expect(() => datasetItem({ manifest: manifest(), id: 'x', baseHref: 'file:///d', userId: ' ' })).toThrow(
      /user id of dataset x/,
    );
  });
});
