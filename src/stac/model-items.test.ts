import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { declareModel, parseModelCard } from '../ml/index.ts';
import type { ModelCard } from '../ml/index.ts';
import { createStacValidator } from '../shared/index.ts';
import type { StacValidator } from '../shared/index.ts';
import { baseModelItem } from './base-model-item.ts';
import { catalogItemHref } from './item-links.ts';
import { localModelItem } from './local-model-item.ts';
import type { LocalModelItemInput } from './local-model-item.ts';
import { StacExtensions } from './stac-constants.ts';

const root = path.resolve(import.meta.dirname, '../..');
const schemasDir = path.resolve(root, '../shared/schemas/stac');
const card: ModelCard = parseModelCard(
  JSON.parse(readFileSync(path.join(root, 'models/base-unet-s/model.json'), 'utf8')),
);
const facts = declareModel('unet-s', {
  classes: card.classes,
  inputSize: card.inputSize,
  classNames: card.classNames,
}).mlmFacts();
const created = '2026-03-01T10:00:00.000Z';

function versionInput(overrides: Partial<LocalModelItemInput> = {}): LocalModelItemInput {
  return {
    name: 'banepa-buildings',
    version: 2,
    created,
    metrics: { object_f1: 0.612, pixel_iou: 0.7 },
    artifacts: {
      onnx: { href: 's3://fair/models/banepa/2/model.onnx' },
      checkpoint: { href: 's3://fair/models/banepa/2/checkpoint.safetensors', bytes: 1943584 },
      modelCard: { href: 's3://fair/models/banepa/2/model.json' },
      curves: { href: 's3://fair/models/banepa/2/history.png' },
    },
    run: { id: 'abc123', url: 'http://localhost:8080/mlflow/#/experiments/1/runs/abc123' },
    executionId: 'exec-1',
    dataset: { href: catalogItemHref('datasets', 'banepa'), title: 'Banepa buildings' },
    baseModel: { href: catalogItemHref('base-models', 'unet-s'), name: 'unet-s' },
    card,
    facts,
    predecessor: 'banepa-buildings-v1',
    latest: 'banepa-buildings-v3',
    successor: 'banepa-buildings-v3',
    stage: 'Production',
    bbox: [85.5188, 27.6292, 85.5233, 27.6344],
    ...overrides,
  };
}

describe('model items', () => {
  let validator: StacValidator;
  beforeAll(async () => {
    validator = await createStacValidator(schemasDir);
  });

  it('a base-model item validates against STAC 1.1.0, MLM 1.5.2, Version, Classification and File', () => {
    const item = baseModelItem({
      id: 'unet-s',
      title: 'U-Net S (synthetic)',
      description: 'The built-in small U-Net, trained on synthetic imagery.',
      created,
      facts,
      card,
      pretrainedSource: 'fAIr synthetic scene, seed 42',
      artifacts: { onnx: { href: 'models/base-unet-s/model.onnx' } },
    });
    const result = validator.validate(item);
    expect(result.errors).toEqual([]);
    expect(result.schemas).toEqual(
      expect.arrayContaining([StacExtensions.mlm, StacExtensions.version, StacExtensions.file]),
    );
    expect(item.collection).toBe('base-models');
    expect(item.properties['mlm:pretrained']).toBe(true);
    expect(item.assets['model']?.['file:checksum']).toBe(`1220${card.onnx.sha256}`);
    expect(item.assets['model']?.['file:size']).toBe(card.onnx.bytes);
  });

  it('a base model trained from scratch says so with a null pretrained source', () => {
    const item = baseModelItem({
      id: 'unet-m',
      title: 'U-Net M',
      description: 'Declared, not trained.',
      created,
      facts: declareModel('unet-m', { classes: 1 }).mlmFacts(),
      artifacts: { onnx: { href: 'https://example.org/unet-m.onnx' } },
    });
    expect(validator.validate(item).errors).toEqual([]);
    expect(item.properties['mlm:pretrained']).toBe(false);
    expect(item.properties['mlm:pretrained_source']).toBeNull();
    expect(item.properties['mlm:framework_version']).toBe('1.12.0');
  });

  it('a model-version item carries MLM fields from the declaration and the card', () => {
    const item = localModelItem(versionInput());
    expect(validator.validate(item).errors).toEqual([]);
    const p = item.properties;
    expect(item.id).toBe('banepa-buildings-v2');
    expect(p['mlm:name']).toBe('banepa-buildings');
    expect(p['mlm:tasks']).toEqual(['semantic-segmentation']);
    expect(p['mlm:framework']).toBe('ONNX');
    expect(p['mlm:total_parameters']).toBe(card.parameters);
    expect(p['mlm:memory_size']).toBe(card.onnx.bytes);
    expect(p['mlm:accelerator']).toBe('amd64');
    const [input] = p['mlm:input'] as { input: { shape: number[]; dim_order: string[] }; bands: string[] }[];
    expect(input?.input.shape).toEqual([-1, 3, 256, 256]);
    expect(input?.input.dim_order).toEqual(['batch', 'bands', 'height', 'width']);
    expect(input?.bands).toEqual(['red', 'green', 'blue']);
    const [output] = p['mlm:output'] as { 'classification:classes': { name: string }[] }[];
    expect(output?.['classification:classes'].map((c) => c.name)).toEqual(card.classNames);
    expect(p['mlm:hyperparameters']).toMatchObject({ model: 'unet-s' });
    expect(p['fair:runtimes']).toEqual(['wasm']);
    expect(p['fair:object_f1']).toBe(0.612);
    expect(p['fair:stage']).toBe('Production');
    expect(p['version']).toBe('2');
    expect(p['deprecated']).toBe(false);
  });

  it('links the version to its base model, dataset, run and neighbouring versions', () => {
    const item = localModelItem(versionInput());
    const rels = item.links.map((l) => `${l.rel} ${l.href}`);
    expect(rels).toEqual([
      'collection ../../local-models',
      'derived_from ../../base-models/items/unet-s',
      'derived_from ../../datasets/items/banepa',
      'mlflow-run http://localhost:8080/mlflow/#/experiments/1/runs/abc123',
      'predecessor-version ../../local-models/items/banepa-buildings-v1',
      'successor-version ../../local-models/items/banepa-buildings-v3',
      'latest-version ../../local-models/items/banepa-buildings-v3',
    ]);
    expect(item.links[1]?.['mlm:name']).toBe('unet-s');
  });

  it('gives the ONNX the mlm:model role and the other files none', () => {
    const { assets } = localModelItem(versionInput());
    expect(assets['model']).toMatchObject({ roles: ['mlm:model'], 'mlm:artifact_type': 'onnx' });
    expect(assets['checkpoint']?.roles).toEqual(['mlm:checkpoint', 'mlm:weights']);
    expect(assets['checkpoint']?.['mlm:artifact_type']).toBeUndefined();
    expect(Object.keys(assets)).toEqual(['model', 'checkpoint', 'model-card', 'training-curves']);
  });

  it('lists every browser runtime asked for and refuses an unknown one', () => {
    const item = localModelItem(versionInput({ runtimes: ['wasm', 'webgpu', 'webnn'] }));
    expect(item.properties['fair:runtimes']).toEqual(['wasm', 'webgpu', 'webnn']);
    expect(validator.validate(item).valid).toBe(true);
    expect(() => localModelItem(versionInput({ runtimes: ['cuda' as 'wasm'] }))).toThrow(/runtime cuda/);
  });

  it('is caught by the validator when an MLM field is broken', () => {
    const item = localModelItem(versionInput());
    item.properties['mlm:tasks'] = ['building-spotting'];
    expect(validator.validate(item).valid).toBe(false);
  });

  it('makes a registry name that starts with a digit a valid mlm:name', () => {
    const item = localModelItem(versionInput({ name: '2024 kathmandu!' }));
    expect(item.properties['mlm:name']).toBe('model-2024 kathmandu');
    expect(validator.validate(item).errors).toEqual([]);
  });

  it('refuses a metric that is not a finite number', () => {
    expect(() => localModelItem(versionInput({ metrics: { object_f1: Number.NaN } }))).toThrow(/object_f1/);
  });
});
