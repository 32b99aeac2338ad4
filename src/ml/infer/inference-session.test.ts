import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrainingSession } from '../graph/index.ts';
import { buildEvalGraph, exportInferenceModel } from '../models/index.ts';
import { createInferenceSession } from './inference-session.ts';
import type { InferenceSession } from './inference-session.ts';
import { randomBatch, smallModel } from './test-support/small-model.ts';

const SIZE = 32;
const BATCH = 3;
const banepaChip = path.resolve(
  import.meta.dirname,
  '../../..',
  '../shared/data/banepa/predict/oam/OAM-386697-220243-19.tif',
);

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

async function evalGraphForward(classes: number, seed: number, batch: Float32Array): Promise<Float32Array> {
  const { decl, params } = smallModel(classes, SIZE, seed);
  const graph = buildEvalGraph(decl);
  const session = await createTrainingSession(graph.model, { threads: 1 });
  try {
    const feeds = new Map(params);
    feeds.set(graph.inputNames.input, batch);
    const out = await session.run(feeds, [graph.outputNames.predictions]);
    return out.get(graph.outputNames.predictions) as Float32Array;
  } finally {
    await session.release();
  }
}

describe.each([1, 4])('a unet-s export with %i class(es)', (classes) => {
  const seed = 11 + classes;
  const batch = randomBatch(BATCH, SIZE, 100 + classes);
  let node: InferenceSession;
  let web: InferenceSession;

  beforeAll(async () => {
    const { decl, params } = smallModel(classes, SIZE, seed);
    const onnx = exportInferenceModel(decl, params);
    node = await createInferenceSession(onnx, { backend: 'node', threads: 1 });
    web = await createInferenceSession(onnx, { backend: 'web', threads: 2 });
  });
  afterAll(async () => {
    await node.release();
    await web.release();
  });

  it('reports its input size, channels and classes', () => {
    expect([node.inputSize, node.channels, node.classes]).toEqual([SIZE, 3, classes]);
    expect([web.inputSize, web.channels, web.classes]).toEqual([SIZE, 3, classes]);
    expect(node.info.opset).toBeGreaterThanOrEqual(13);
  });

  it('gives the same probabilities on onnxruntime-node and onnxruntime-web', async () => {
    const [a, b] = await Promise.all([node.run(batch, BATCH), web.run(batch, BATCH)]);
    expect(a.length).toBe(BATCH * classes * SIZE * SIZE);
    expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(1e-4);
  });

  it('equals the eval graph forward run with the same parameters', async () => {
    const [exported, reference] = await Promise.all([
      node.run(batch, BATCH),
      evalGraphForward(classes, seed, batch),
    ]);
    expect(maxAbsDiff(exported, reference)).toBeLessThanOrEqual(1e-4);
  });

  it('outputs probabilities: in [0, 1], and summing to 1 over classes for softmax', async () => {
    const out = await node.run(batch, BATCH);
    expect(out.every((p) => p >= 0 && p <= 1)).toBe(true);
    if (classes === 1) return;
    const plane = SIZE * SIZE;
    for (const i of [0, 517, plane - 1]) {
      const sum = [0, 1, 2, 3].reduce((s, c) => s + (out[c * plane + i] as number), 0);
      expect(sum).toBeCloseTo(1, 5);
    }
  });

  it('gives each image of a batch the result it gets alone', async () => {
    const second = batch.slice(3 * SIZE * SIZE, 6 * SIZE * SIZE);
    const [all, alone] = await Promise.all([node.run(batch, BATCH), node.run(second, 1)]);
    const n = classes * SIZE * SIZE;
    expect(maxAbsDiff(all.slice(n, 2 * n), alone)).toBeLessThanOrEqual(1e-5);
  });
});

describe('createInferenceSession on bad input', () => {
  it('refuses an image file as a model, naming the file', async () => {
    await expect(createInferenceSession(banepaChip, { backend: 'node' })).rejects.toMatchObject({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringMatching(/OAM-386697-220243-19\.tif is not an ONNX model/),
    });
  });

  it('refuses JSON and truncated ONNX bytes on both backends', async () => {
    const { decl, params } = smallModel(1, SIZE, 3);
    const onnx = exportInferenceModel(decl, params);
    const json = new TextEncoder().encode('{"format":"fair-model"}');
    for (const backend of ['node', 'web'] as const) {
      await expect(createInferenceSession(json, { backend, name: 'card.json' })).rejects.toThrow(
        /^card\.json is not an ONNX model/,
      );
      await expect(
        createInferenceSession(onnx.subarray(0, 5000), { backend, name: 'cut.onnx' }),
      ).rejects.toThrow(/^cut\.onnx is not an ONNX model/);
    }
  });

  it('reports a well-formed ONNX that onnxruntime rejects, naming the model, on both backends', async () => {
    const { decl, params } = smallModel(1, SIZE, 4);
    const onnx = exportInferenceModel(decl, params);
    // Same-length rename of every Relu node keeps the protobuf valid but names an operator no runtime knows.
    const text = Buffer.from(onnx).toString('latin1').replaceAll('\u0004Relu', '\u0004Rulu');
    const broken = new Uint8Array(Buffer.from(text, 'latin1'));
    expect(broken.length).toBe(onnx.length);
    for (const backend of ['node', 'web'] as const)
      await expect(createInferenceSession(broken, { backend, name: 'odd.onnx' })).rejects.toThrow(
        new RegExp(`^odd\\.onnx cannot be loaded by onnxruntime-${backend}: `),
      );
  });

  it('reports a missing file as RESOURCE_DOES_NOT_EXIST', async () => {
    await expect(createInferenceSession('/nonexistent/model.onnx')).rejects.toMatchObject({
      code: 'RESOURCE_DOES_NOT_EXIST',
    });
  });

  it('refuses a bad batch length, a bad thread count and runs after release', async () => {
    const { decl, params } = smallModel(1, SIZE, 5);
    const session = await createInferenceSession(exportInferenceModel(decl, params), { threads: 1 });
    await expect(session.run(new Float32Array(10), 1)).rejects.toThrow(/batch has 10 values/);
    await expect(session.run(new Float32Array(0), 0)).rejects.toThrow(/batch size 0/);
    await session.release();
    await expect(session.run(randomBatch(1, SIZE, 1), 1)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(createInferenceSession(new Uint8Array(4), { threads: 0 })).rejects.toThrow(
      /threads must be/,
    );
  });
});
