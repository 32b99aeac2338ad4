/**
 * @module stac/test-support/stac-fixtures — items for STAC tests and benchmarks, built with the real builders from
 * the shipped base model's card: model versions spread over space and time, base models and a dataset.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { classesOf } from '../../datasets/index.ts';
import type { DatasetManifest } from '../../datasets/index.ts';
import { declareModel, parseModelCard } from '../../ml/index.ts';
import type { ModelCard } from '../../ml/index.ts';
import { baseModelItem } from '../base-model-item.ts';
import { datasetItem } from '../dataset-item.ts';
import { catalogItemHref } from '../item-links.ts';
import { localModelItem, localModelItemId } from '../local-model-item.ts';
import type { StacItem } from '../stac-types.ts';

const root = path.resolve(import.meta.dirname, '../../..');

/** The folder of the official STAC schemas (`../shared/schemas/stac`). */
export const STAC_SCHEMAS_DIR = path.resolve(root, '../shared/schemas/stac');

/** The card of the shipped base model `models/base-unet-s/model.json`. */
export function shippedCard(): ModelCard {
  return parseModelCard(JSON.parse(readFileSync(path.join(root, 'models/base-unet-s/model.json'), 'utf8')));
}

/** Where {@link modelVersionItems} puts the versions. */
export type VersionLayout = {
  /** South-west corner of version 1's box, default 0, 0. */
  lon0?: number;
  lat0?: number;
  /** Degrees east between versions, default 1. */
  step?: number;
  /** Digits of the zero-padded version in the id (so id order is version order), default none. */
  pad?: number;
};

/**
 * `count` versions of model `name` (ids `<name>-v<n>`, n from 1), version n created n days after 2026-01-01 and covering a 0.01° box that moves `step` east per version from (lon0, lat0).
 */
export function modelVersionItems(name: string, count: number, layout: VersionLayout = {}): StacItem[] {
  const { lon0 = 0, lat0 = 0, step = 1, pad = 0 } = layout;
  const card = shippedCard();
  const facts = declareModel('unet-s', {
    classes: card.classes,
    inputSize: card.inputSize,
    classNames: card.classNames,
  }).mlmFacts();
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const x = lon0 + i * step;
    return localModelItem({
      name,
      version: String(n).padStart(pad, '0'),
      created: new Date(Date.UTC(2026, 0, 1 + n)).toISOString(),
      metrics: { object_f1: 0.5 + n / 1000 },
      artifacts: { onnx: { href: `s3://fair/models/${name}/${n}/model.onnx` } },
      card,
      facts,
      baseModel: { href: catalogItemHref('base-models', 'unet-s'), name: 'unet-s' },
      dataset: { href: catalogItemHref('datasets', 'banepa') },
      run: { id: `run${n}`, url: `http://127.0.0.1:5000/#/experiments/1/runs/run${n}` },
      bbox: [x, lat0, x + 0.01, lat0 + 0.01],
      ...(n > 1 ? { predecessor: localModelItemId(name, String(n - 1).padStart(pad, '0')) } : {}),
      latest: localModelItemId(name, String(count).padStart(pad, '0')),
    });
  });
}

/** Two base models: `unet-s` (semantic segmentation) and `yolo-buildings` (object detection, imported-style). */
export function baseModelItems(): StacItem[] {
  const card = shippedCard();
  const facts = declareModel('unet-s', { classes: 4 }).mlmFacts();
  const unet = baseModelItem({
    id: 'unet-s',
    title: 'U-Net S',
    description: 'Built-in small U-Net',
    created: '2025-12-01T00:00:00Z',
    facts,
    card,
    artifacts: { onnx: { href: 'https://example.org/unet-s.onnx' } },
  });
  const yolo = baseModelItem({
    id: 'yolo-buildings',
    title: 'YOLO buildings',
    description: 'Imported detection model',
    created: '2025-11-01T00:00:00Z',
    facts,
    artifacts: { onnx: { href: 'https://example.org/yolo.onnx' } },
    keywords: ['building', 'Object-Detection', 'polygon'],
  });
  yolo.properties['mlm:tasks'] = ['object-detection'];
  return [unet, yolo];
}

/** The dataset item `banepa` (bbox over Banepa, created 2026-01-02). */
export function banepaDatasetItem(): StacItem {
  const manifest: DatasetManifest = {
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
    chips: [],
  };
  return datasetItem({ manifest, id: 'banepa', baseHref: 's3://fair/datasets/banepa', userId: 'osm:1' });
}
