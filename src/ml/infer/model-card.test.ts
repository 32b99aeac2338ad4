import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { imageToChw } from '../train/index.ts';
import { readModelCard, writeModelCard } from './model-card-file.ts';
import { callerNormalization, parseModelCard } from './model-card.ts';
import type { ModelCardInput } from './model-card.ts';

const card: ModelCardInput = {
  format: 'fair-model',
  version: 1,
  name: 'banepa-buildings',
  architecture: 'unet-s',
  classes: 1,
  classNames: ['building'],
  inputSize: 256,
  inputScale: 1 / 255,
  normalization: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  output: 'probabilities',
  activation: 'sigmoid',
  maskKind: 'binary',
  onnx: { file: 'model.onnx', opset: 17, sha256: 'a'.repeat(64), bytes: 1934000 },
  parameters: 482737,
  training: { epochs: 20, batchSize: 8, lr: 0.001, seed: 7, dataset: 'datasets/banepa' },
  metrics: { iou: 0.71, f1: 0.83 },
  created: '2026-05-01T10:00:00.000Z',
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fair-card-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('model.json', () => {
  it('round-trips through writeModelCard and readModelCard with defaults filled in', async () => {
    const written = await writeModelCard(dir, card);
    const read = await readModelCard(dir);
    expect(read).toEqual(written);
    expect(read.threshold).toBe(0.5);
    expect(read.normalizedBy).toBe('caller');
    expect(read.training['epochs']).toBe(20);
    expect(JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')).metrics).toEqual({
      iou: 0.71,
      f1: 0.83,
    });
  });

  it.each([
    [{ ...card, format: 'fair-dataset' }, /field format/],
    [{ ...card, classes: 4 }, /field classNames: needs 4 names/],
    [{ ...card, activation: 'softmax' }, /field activation: must be sigmoid/],
    [{ ...card, onnx: { ...card.onnx, opset: 11 } }, /field onnx\.opset/],
    [{ ...card, onnx: { ...card.onnx, sha256: 'xyz' } }, /field onnx\.sha256: must be 64 lowercase hex/],
    [{ ...card, normalization: { mean: [0, 0, 0], std: [1, 0, 1] } }, /field normalization\.std\.1/],
    [{ ...card, threshold: 1.5 }, /field threshold/],
    [{ ...card, created: 'yesterday' }, /field created/],
  ])('names the bad field of an invalid card (%#)', (bad, message) => {
    expect(() => parseModelCard(bad, 'm/model.json')).toThrow(message);
    expect(() => parseModelCard(bad, 'm/model.json')).toThrow(/^m\/model\.json: field /);
  });

  it('refuses to write an invalid card and leaves nothing behind', async () => {
    await expect(writeModelCard(dir, { ...card, inputSize: -1 })).rejects.toThrow(/field inputSize/);
    await expect(readModelCard(dir)).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('reports a card that is not JSON, naming the file', async () => {
    await writeFile(join(dir, 'model.json'), '{ "format": ');
    await expect(readModelCard(dir)).rejects.toThrow(/model\.json is not valid JSON/);
  });
});

describe('callerNormalization', () => {
  it('turns the card normalisation into the imageToChw form', () => {
    const valid = parseModelCard(card);
    const norm = callerNormalization(valid);
    const chw = imageToChw(Uint8Array.of(255, 128, 0), 1, norm);
    expect(chw[0]).toBeCloseTo((1 - 0.485) / 0.229, 5);
    expect(chw[1]).toBeCloseTo((128 / 255 - 0.456) / 0.224, 5);
    expect(chw[2]).toBeCloseTo(-0.406 / 0.225, 5);
  });

  it('feeds raw 0–255 values when the graph normalises', () => {
    const norm = callerNormalization({ ...parseModelCard(card), normalizedBy: 'graph' });
    expect(
      Array.from(imageToChw(Uint8Array.of(255, 128, 0), 1, norm)).map((v) => Math.round(v * 1e3) / 1e3),
    ).toEqual([255, 128, 0]);
  });
});
