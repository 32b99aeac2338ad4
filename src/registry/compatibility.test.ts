import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MULTI_CLASSES, datasetStacItem } from '../datasets/index.ts';
import type { DatasetManifest } from '../datasets/index.ts';
import { testDatabaseEngines } from '../db/test-support/test-databases.ts';
import { baseModelFromItem } from './base-model-import.ts';
import { builtinBaseModels } from './base-model.ts';
import type { BaseModel } from './base-model.ts';
import { assertCompatible, checkCompatibility, datasetFactsOf } from './compatibility.ts';
import type { DatasetFacts } from './compatibility.ts';
import { openRegistryFixture } from './test-support/registry-fixture.ts';
import type { RegistryFixture } from './test-support/registry-fixture.ts';

const manifest: DatasetManifest = {
  format: 'fair-dataset',
  version: 1,
  created: '2025-01-01T00:00:00.000Z',
  chipSize: 256,
  maskKind: 'multi',
  classes: [...MULTI_CLASSES],
  zooms: [19],
  offset: [0, 0],
  imagery: 'https://tiles.example.org/{z}/{x}/{y}.png',
  boundaryWidth: 3,
  contactSpacing: 8,
  bounds: [85.51, 27.63, 85.52, 27.64],
  chips: [],
};

/** The facts of a fAIr dataset, from the STAC item `datasets/` writes. */
const fairDataset = (chipSize = 256): DatasetFacts =>
  datasetFactsOf(datasetStacItem(manifest, { id: 'banepa' }), { chipSize });

describe('compatibility of a base model and a dataset', () => {
  let unetS: BaseModel;
  let roofs: BaseModel;
  beforeAll(async () => {
    [unetS] = (await builtinBaseModels()) as [BaseModel];
    const item = JSON.parse(
      await readFile(join(import.meta.dirname, 'fixtures', 'base-model-item.json'), 'utf8'),
    ) as Record<string, unknown>;
    roofs = baseModelFromItem(item);
  });

  it('reads keywords and label tasks from a fAIr dataset item', () => {
    expect(fairDataset()).toEqual({
      id: 'banepa',
      keywords: ['building', 'semantic-segmentation', 'polygon', 'fair', 'mask-multi'],
      tasks: ['segmentation'],
      chipSize: 256,
    });
  });

  it('accepts the built-in unet-s for a fAIr building dataset of 256 px chips', () => {
    expect(checkCompatibility(unetS, fairDataset())).toEqual({ compatible: true, reasons: [] });
    expect(() => assertCompatible(unetS, fairDataset())).not.toThrow();
  });

  it('refuses chips the U-Net cannot halve three times', () => {
    expect(checkCompatibility(unetS, fairDataset(100)).reasons).toEqual([
      'the model takes chips whose size is a multiple of 8 px, the dataset has 100 px chips',
    ]);
  });

  it('refuses a fixed-size model for chips of another size', () => {
    expect(checkCompatibility(roofs, fairDataset(256)).reasons).toEqual([
      'the model takes 512×512 px chips, the dataset has 256 px chips',
    ]);
    expect(checkCompatibility(roofs, fairDataset(512)).compatible).toBe(true);
  });

  it('refuses a model whose task the dataset is not labelled for', () => {
    const detector: BaseModel = { ...unetS, id: 'yolo', tasks: ['object-detection'] };
    expect(checkCompatibility(detector, fairDataset()).reasons).toEqual([
      'no task in common: the model does object-detection (detection), the dataset is labelled for segmentation',
    ]);
  });

  it('refuses a model about another subject even when task and geometry keywords match', () => {
    const trees: BaseModel = {
      ...unetS,
      id: 'trees',
      keywords: ['tree', 'semantic-segmentation', 'polygon'],
    };
    expect(checkCompatibility(trees, fairDataset()).reasons).toEqual([
      'no subject keyword in common: the model is about tree, the dataset about building',
    ]);
  });

  it('refuses a model predicting another geometry type and one needing bands the dataset lacks', () => {
    const roads: BaseModel = {
      ...unetS,
      keywords: ['building', 'line'],
      input: { ...unetS.input, bands: ['red', 'green', 'blue', 'nir'] },
    };
    const { compatible, reasons } = checkCompatibility(roads, fairDataset());
    expect(compatible).toBe(false);
    expect(reasons).toEqual([
      'geometry types differ: the model predicts line, the dataset has polygon',
      'the model needs bands red, green, blue, nir; the dataset lacks nir',
    ]);
  });

  it('throws INVALID_PARAMETER_VALUE naming the model, the dataset and the reasons', () => {
    expect(() => assertCompatible(roofs, fairDataset())).toThrow(
      'base model roof-segmenter-b0 does not fit dataset banepa: the model takes 512×512 px chips, the dataset has 256 px chips',
    );
  });
});

describe.each(testDatabaseEngines())('compatibility through the service on $name', (engine) => {
  let f: RegistryFixture;
  beforeAll(async () => {
    f = await openRegistryFixture(engine);
  });
  afterAll(() => f.close());

  it('checks a built-in base model by id against a dataset', async () => {
    expect(await f.service.checkCompatibility('unet-m', fairDataset())).toEqual({
      compatible: true,
      reasons: [],
    });
  });
});
