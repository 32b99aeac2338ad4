import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseEngines } from '../db/test-support/test-databases.ts';
import { AppError, createStacValidator } from '../shared/index.ts';
import type { StacValidator } from '../shared/index.ts';
import { failure } from '../shared/test-support/app-error-failure.ts';
import { DEFAULT_STAC_SCHEMAS_DIR, checkBaseModelItem } from './base-model-import.ts';
import { openRegistryFixture } from './test-support/registry-fixture.ts';
import type { RegistryFixture } from './test-support/registry-fixture.ts';

const fixturePath = join(import.meta.dirname, 'fixtures', 'base-model-item.json');

async function fixtureItem(): Promise<Record<string, unknown> & { properties: Record<string, unknown> }> {
  return JSON.parse(await readFile(fixturePath, 'utf8')) as Record<string, unknown> & {
    properties: Record<string, unknown>;
  };
}

async function importErrors(
  f: RegistryFixture,
  item: unknown,
): Promise<{ message: string; errors: string[] }> {
  try {
    await f.service.importBaseModel(item);
  } catch (error) {
    if (error instanceof AppError && error.code === 'INVALID_PARAMETER_VALUE')
      return { message: error.message, errors: (error.details as { errors: string[] }).errors };
    throw error;
  }
  throw new Error('expected the import to fail');
}

describe('base-model item checks', () => {
  let validator: StacValidator;
  beforeAll(async () => {
    validator = await createStacValidator(DEFAULT_STAC_SCHEMAS_DIR);
  });

  it('passes the fixture, warning about the fAIr-models schema it cannot check offline', async () => {
    const { errors, warnings } = checkBaseModelItem(await fixtureItem(), validator);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      'extension https://hotosm.github.io/fAIr-models/schemas/v1.0.0/base-model/schema.json is not in the offline schema set and was not checked',
    ]);
  });

  it('reports schema errors of the MLM extension with the path of the bad field', async () => {
    const item = await fixtureItem();
    const [input] = item.properties['mlm:input'] as { input: Record<string, unknown> }[];
    if (input !== undefined) input.input['data_type'] = 'float99';
    const { errors } = checkBaseModelItem(item, validator);
    expect(
      errors.some((e) =>
        e.startsWith(
          'https://stac-extensions.github.io/mlm/v1.5.2/schema.json /properties/mlm:input/0/input/data_type',
        ),
      ),
    ).toBe(true);
  });

  it('refuses an MLM version fAIr does not read', async () => {
    const item = await fixtureItem();
    item['stac_extensions'] = ['https://stac-extensions.github.io/mlm/v1.4.0/schema.json'];
    expect(checkBaseModelItem(item, validator).errors).toContain(
      'MLM extension https://stac-extensions.github.io/mlm/v1.4.0/schema.json is not v1.5.x, the version fAIr reads',
    );
  });
});

describe.each(testDatabaseEngines())('base models on $name', (engine) => {
  let f: RegistryFixture;
  beforeAll(async () => {
    f = await openRegistryFixture(engine);
  });
  afterAll(() => f.close());

  it('lists the built-in unet-s with its shipped files and unet-m from its declaration', async () => {
    const [unetS, unetM] = await f.service.listBaseModels();
    expect(unetS).toMatchObject({
      id: 'unet-s',
      source: 'builtin',
      tasks: ['semantic-segmentation'],
      keywords: ['building', 'semantic-segmentation', 'polygon'],
      framework: 'ONNX',
      totalParameters: 482_788,
      input: { bands: ['red', 'green', 'blue'], chipSize: null, chipMultiple: 8 },
      classes: [
        { value: 0, name: 'background' },
        { value: 1, name: 'footprint' },
        { value: 2, name: 'boundary' },
        { value: 3, name: 'contact' },
      ],
    });
    expect(Object.keys(unetS?.artifacts ?? {}).sort()).toEqual(['checkpoint', 'model.json', 'model.onnx']);
    expect(unetS?.artifacts['model.onnx']).toMatch(/models\/base-unet-s\/model\.onnx$/);
    expect(unetS?.card?.onnx.opset).toBe(17);
    expect(unetM).toMatchObject({ id: 'unet-m', totalParameters: 1_927_009, artifacts: {}, card: null });
  });

  it('imports a valid base-model item, lists it after the built-ins and reads its facts', async () => {
    const imported = await f.service.importBaseModel(await fixtureItem());
    expect(imported.created).toBe(true);
    expect(imported.warnings).toHaveLength(1);
    expect(imported.baseModel).toMatchObject({
      id: 'roof-segmenter-b0',
      source: 'imported',
      framework: 'PyTorch',
      tasks: ['semantic-segmentation'],
      input: { bands: ['red', 'green', 'blue'], chipSize: 512 },
      classes: [
        { value: 0, name: 'background' },
        { value: 1, name: 'building' },
      ],
      artifacts: { model: 'https://example.org/roof-segmenter/b0/weights.pt' },
    });
    expect((await f.service.listBaseModels()).map((m) => m.id)).toEqual([
      'unet-s',
      'unet-m',
      'roof-segmenter-b0',
    ]);
    expect((await f.service.getBaseModel('roof-segmenter-b0')).version).toBe('2');
  });

  it('treats the identical item (keys in another order) as a no-op and another item under the id as a conflict', async () => {
    const item = await fixtureItem();
    const reordered = Object.fromEntries(Object.entries(item).reverse());
    expect((await f.service.importBaseModel(reordered)).created).toBe(false);
    item.properties['description'] = 'changed';
    expect((await failure(f.service.importBaseModel(item))).code).toBe('RESOURCE_ALREADY_EXISTS');
  });

  it('refuses an item under a built-in id', async () => {
    const item = await fixtureItem();
    item['id'] = 'unet-s';
    expect(await failure(f.service.importBaseModel(item))).toEqual({
      code: 'RESOURCE_ALREADY_EXISTS',
      message: 'base model unet-s is built in; import the item under another id',
    });
  });

  it('refuses an item missing required MLM fields, listing every error', async () => {
    const item = await fixtureItem();
    item['id'] = 'broken';
    delete item.properties['mlm:architecture'];
    delete item.properties['mlm:hyperparameters'];
    item.properties['mlm:tasks'] = ['image-captioning'];
    item.properties['keywords'] = ['building'];
    const { message, errors } = await importErrors(f, item);
    expect(message).toMatch(/^base model item broken is not valid: .+ \(and \d+ more\)$/);
    expect(errors).toEqual(
      expect.arrayContaining([
        'properties.mlm:architecture is missing',
        'properties.mlm:hyperparameters is missing',
        "properties.mlm:tasks has 'image-captioning'; fAIr knows semantic-segmentation, instance-segmentation, object-detection, classification",
        'properties.keywords must name a geometry type (polygon, line, point)',
      ]),
    );
  });

  it('refuses an item without the MLM extension, without a model asset, or not a Feature', async () => {
    const noMlm = await fixtureItem();
    noMlm['stac_extensions'] = [];
    expect((await importErrors(f, noMlm)).errors).toContain(
      'stac_extensions does not declare the MLM extension (v1.5.x)',
    );
    const noModel = await fixtureItem();
    noModel['assets'] = { readme: { href: 'https://example.org/readme.md', roles: ['metadata'] } };
    expect((await importErrors(f, noModel)).errors).toContain("no asset has the role 'mlm:model'");
    expect((await importErrors(f, [1, 2])).errors).toEqual(['the item is not a JSON object']);
  });

  it('deletes an imported base model but not a built-in one', async () => {
    await f.service.deleteBaseModel('roof-segmenter-b0');
    expect((await failure(f.service.getBaseModel('roof-segmenter-b0'))).message).toBe(
      'base model roof-segmenter-b0 not found (known: unet-s, unet-m)',
    );
    expect((await failure(f.service.deleteBaseModel('unet-m'))).code).toBe('INVALID_PARAMETER_VALUE');
    expect((await failure(f.service.deleteBaseModel('roof-segmenter-b0'))).code).toBe(
      'RESOURCE_DOES_NOT_EXIST',
    );
  });
});
