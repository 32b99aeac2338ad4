import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createStacValidator, type StacValidator } from '../shared/index.ts';
import { CLASSIFICATION_EXTENSION, datasetStacItem, LABEL_EXTENSION } from './dataset-stac-item.ts';
import { classesOf, type DatasetManifest } from './manifest.ts';

const schemasDir = path.resolve(import.meta.dirname, '../..', '../shared/schemas/stac');

function manifest(overrides: Partial<DatasetManifest> = {}): DatasetManifest {
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
    ...overrides,
  };
}

describe('datasetStacItem', () => {
  let validator: StacValidator;
  beforeAll(async () => {
    validator = await createStacValidator(schemasDir);
  });

  it('validates against STAC 1.1.0 and the Label extension offline', () => {
    const item = datasetStacItem(manifest(), { buildings: 12, license: 'ODbL-1.0' });
    const result = validator.validate(item);
    expect(result.errors).toEqual([]);
    expect(result.schemas).toContain(LABEL_EXTENSION);
    expect(result.schemas).toContain(CLASSIFICATION_EXTENSION);
    expect(result.schemas[0]).toMatch(/v1\.1\.0\/item-spec/);
  });

  it('describes vector building labels, and the mask values with the Classification extension', () => {
    const item = datasetStacItem(manifest({ maskKind: 'binary', classes: classesOf('binary') }));
    expect(item.properties['label:type']).toBe('vector');
    expect(item.properties['label:tasks']).toEqual(['segmentation']);
    expect(item.properties['label:classes']).toEqual([{ name: 'class', classes: ['building'] }]);
    expect(item.assets['masks']?.['classification:classes']).toEqual([
      { value: 0, name: 'background' },
      { value: 1, name: 'building' },
    ]);
    expect(item.properties['keywords']).toContain('building');
    expect(item.bbox).toEqual([85.5188, 27.6292, 85.5233, 27.6344]);
    expect(item.assets['manifest']?.href).toBe('dataset.json');
    expect(item.links).toEqual([
      { rel: 'source', href: 'https://tiles.example.org/{z}/{x}/{y}.png', title: 'Source imagery' },
    ]);
    expect(validator.validate(item).valid).toBe(true);
  });

  it('leaves out the source link for a local folder', () => {
    const item = datasetStacItem(manifest({ imagery: '../shared/data/banepa/train/oam' }));
    expect(item.links).toEqual([]);
    expect(validator.validate(item).valid).toBe(true);
  });

  it('is caught by the validator when a label field is broken', () => {
    const item = datasetStacItem(manifest());
    item.properties['label:type'] = 'pixels';
    const result = validator.validate(item);
    expect(result.valid).toBe(false);
    expect(result.errors.join('\n')).toMatch(/label:type/);
  });

  it('is caught by the Classification extension when a class name has a space', () => {
    const item = datasetStacItem(manifest());
    const classes = item.assets['masks']?.['classification:classes'];
    if (classes?.[0]) classes[0].name = 'no data';
    expect(validator.validate(item).errors.join('\n')).toMatch(/classification\/v2\.0\.0/);
  });

  it('is caught by the core schema when the geometry is missing', () => {
    const item: Record<string, unknown> = { ...datasetStacItem(manifest()) };
    delete item['geometry'];
    expect(validator.validate(item).valid).toBe(false);
  });
});
