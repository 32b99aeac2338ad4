/**
 * @module ml/trainer/train-quality.test — a real training run to a quality bar (issue 3 §9): unet-s from scratch on
 * 36 synthetic 64 px chips (zoom 20, 0.6 m/px) reaches building pixel IoU ≥ 0.8 on the spatial validation split.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSyntheticDataset } from './test-support/synthetic-dataset.ts';
import { trainModel } from './train-model.ts';

let work = '';
let datasetDir = '';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'fair-trainer-quality-'));
  datasetDir = (await createSyntheticDataset(join(work, 'data'), { tilesPerSide: 6 })).datasetDir;
}, 60_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

it('reaches building pixel IoU >= 0.8 on 64 px synthetic chips', { timeout: 240_000 }, async () => {
  const result = await trainModel({
    datasetDir,
    out: join(work, 'run'),
    epochs: 16,
    batchSize: 8,
    lr: 4e-3,
    seed: 42,
    threads: 2,
  });
  expect(result.config).toMatchObject({ trainChips: 26, valChips: 10 });
  const epochs = result.history.epochs;
  expect(epochs[epochs.length - 1]?.trainLoss).toBeLessThan((epochs[0]?.trainLoss as number) / 2);
  expect(result.metrics?.pixel_iou).toBeGreaterThanOrEqual(0.8);
  expect(result.metrics?.object_f1).toBeGreaterThanOrEqual(0.6);
});
