import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createStacValidator, schemasFor, type StacValidator } from './stac-validator.ts';

const schemasDir = path.resolve(import.meta.dirname, '../..', '../shared/schemas/stac');
const banepa = path.resolve(import.meta.dirname, '../..', '../shared/data/banepa');

async function sampleItem(kind: string): Promise<Record<string, unknown>> {
  return JSON.parse(
    await readFile(path.join(banepa, `buildings-banepa-${kind}`, 'stac-item.json'), 'utf8'),
  ) as Record<string, unknown>;
}

describe('createStacValidator', () => {
  let validator: StacValidator;
  beforeAll(async () => {
    validator = await createStacValidator(schemasDir);
  });

  it('validates the published Banepa sample items offline', async () => {
    for (const kind of ['segmentation', 'detection', 'classification']) {
      const result = validator.validate(await sampleItem(kind));
      expect(result.errors, kind).toEqual([]);
      expect(result.schemas).toHaveLength(5);
    }
  });

  it('reports a broken extension field with its schema and path', async () => {
    const item = await sampleItem('segmentation');
    (item['properties'] as Record<string, unknown>)['label:tasks'] = 'segmentation';
    const result = validator.validate(item);
    expect(result.valid).toBe(false);
    expect(
      result.errors.some((e) => e.includes('label/v1.0.1') && e.includes('/properties/label:tasks')),
    ).toBe(true);
  });

  it('reports a core failure (a bbox of three numbers)', async () => {
    const item = await sampleItem('segmentation');
    item['bbox'] = [1, 2, 3];
    expect(validator.validate(item).valid).toBe(false);
  });

  it('names a declared extension that is not in the offline set', async () => {
    const item = {
      ...(await sampleItem('segmentation')),
      stac_extensions: ['https://example.org/nope/v9/schema.json'],
    };
    expect(() => validator.validate(item)).toThrow(/nope\/v9\/schema\.json is not in the offline set/);
  });

  it('lists every schema of the folder', () => {
    expect(validator.schemaUrls).toContain('https://stac-extensions.github.io/label/v1.0.1/schema.json');
  });
});

describe('schemasFor', () => {
  it('picks the core schema by version and type, then the extensions', () => {
    const urls = schemasFor({
      type: 'Collection',
      stac_version: '1.0.0',
      stac_extensions: ['https://x.org/s.json#'],
    });
    expect(urls).toEqual([
      'https://schemas.stacspec.org/v1.0.0/collection-spec/json-schema/collection.json',
      'https://x.org/s.json',
    ]);
  });

  it('rejects a document without stac_version or with an unknown type', () => {
    expect(() => schemasFor({ type: 'Feature' })).toThrow(/no stac_version/);
    expect(() => schemasFor({ type: 'Thing', stac_version: '1.1.0' })).toThrow(/type "Thing"/);
    expect(() => schemasFor([])).toThrow(/not a JSON object/);
  });

  it('names a missing schema folder', async () => {
    await expect(createStacValidator('/nonexistent/schemas')).rejects.toThrow(
      /\/nonexistent\/schemas\/url-map\.json/,
    );
  });
});
