import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportInferenceModel } from '../models/index.ts';
import { exportModel } from './export-model.ts';
import { loadModel } from './load-model.ts';
import { smallModel } from './test-support/small-model.ts';

const banepaChip = resolve(
  import.meta.dirname,
  '../../..',
  '../shared/data/banepa/predict/oam/OAM-386697-220243-19.tif',
);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fair-load-model-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('exportModel and loadModel', () => {
  it('writes model.onnx and model.json that load back from the folder, the ONNX or the card', async () => {
    const { decl, params } = smallModel(4, 32, 1);
    const out = join(dir, 'multi');
    const { card } = await exportModel(out, decl, params, {
      name: 'banepa-ramp',
      training: { epochs: 2 },
      metrics: { iou: 0.5 },
    });
    expect(card).toMatchObject({
      architecture: 'unet-s',
      classes: 4,
      inputSize: 32,
      activation: 'softmax',
      maskKind: 'multi',
    });
    expect(card.classNames).toEqual(['background', 'footprint', 'boundary', 'contact']);
    expect(card.onnx.opset).toBeGreaterThanOrEqual(13);
    expect(card.parameters).toBe(decl.parameterCount());
    for (const path of [out, join(out, 'model.onnx'), join(out, 'model.json')]) {
      const model = await loadModel(path);
      expect(model.cardSource).toBe('model.json');
      expect(model.card).toEqual(card);
      expect(model.sha256).toBe(card.onnx.sha256);
      expect(model.info.inputs[0]?.shape).toEqual(['N', 3, 32, 32]);
    }
  });

  it('derives a card from the ONNX metadata when there is no model.json', async () => {
    const { decl, params } = smallModel(1, 32, 2);
    const path = join(dir, 'bare.onnx');
    await writeFile(path, exportInferenceModel(decl, params));
    const model = await loadModel(path);
    expect(model.cardSource).toBe('onnx');
    expect(model.card).toMatchObject({ name: 'bare', architecture: 'unet-s', classes: 1, inputSize: 32 });
    expect(model.card.classNames).toEqual(['building']);
    expect(model.card.normalization.mean).toEqual(decl.spec.normalization.mean);
    expect(model.card.parameters).toBe(decl.parameterCount());
  });

  it('refuses an ONNX that changed after its card was written', async () => {
    const out = join(dir, 'changed');
    const first = smallModel(1, 32, 3);
    await exportModel(out, first.decl, first.params);
    const second = smallModel(1, 32, 4);
    await writeFile(join(out, 'model.onnx'), exportInferenceModel(second.decl, second.params));
    await expect(loadModel(out)).rejects.toThrow(
      /model\.json: field onnx\.sha256 does not match .*model\.onnx/,
    );
  });

  it('refuses a file that is not ONNX with INVALID_PARAMETER_VALUE naming the file', async () => {
    const fake = join(dir, 'photo.onnx');
    await copyFile(banepaChip, fake);
    await expect(loadModel(fake)).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining(`${fake} is not an ONNX model`),
    });
    const text = join(dir, 'notes.onnx');
    await writeFile(text, 'not a model at all\n');
    await expect(loadModel(text)).rejects.toThrow(`${text} is not an ONNX model`);
  });

  it('reports missing paths and folders without a model', async () => {
    await expect(loadModel(join(dir, 'nowhere.onnx'))).rejects.toMatchObject({
      code: 'RESOURCE_DOES_NOT_EXIST',
    });
    await expect(loadModel(dir)).rejects.toThrow(/has neither model\.json nor model\.onnx/);
  });

  it('refuses a card whose onnx.file leaves its folder', async () => {
    const out = join(dir, 'escape');
    const { decl, params } = smallModel(1, 32, 5);
    const { cardPath } = await exportModel(out, decl, params);
    const card = JSON.parse(await readFile(cardPath, 'utf8')) as { onnx: { file: string } };
    card.onnx.file = '../bare.onnx';
    await writeFile(cardPath, JSON.stringify(card));
    await expect(loadModel(out)).rejects.toThrow(/field onnx\.file: \.\.\/bare\.onnx must be a file name/);
  });
});
