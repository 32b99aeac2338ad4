/** @module tests/predict/worker-session.test — the worker-thread session gives ml's results without holding the thread. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInferenceSession, loadModel } from '../../src/ml/index.ts';
import type { LoadedModel } from '../../src/ml/index.ts';
import { createWorkerSession, defaultInferenceWorkers } from '../../src/predict/index.ts';
import { writeRedModel } from './support/red-model.ts';

let dir = '';
let model: LoadedModel;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fair-worker-'));
  model = await loadModel(await writeRedModel(path.join(dir, 'red'), 32));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createWorkerSession', () => {
  it('returns what the in-process session returns, for batches in flight together', async () => {
    const batch = (k: number): Float32Array =>
      Float32Array.from({ length: 2 * 3 * 32 * 32 }, (_, i) => (i * 7 + k * 13) % 256);
    const inProcess = await createInferenceSession(model.bytes, { threads: 1 });
    const worker = await createWorkerSession(model, { threads: 1 });
    try {
      expect([worker.inputSize, worker.channels, worker.classes]).toEqual([32, 3, 1]);
      const expected = await Promise.all([0, 1, 2].map((k) => inProcess.run(batch(k), 2)));
      const got = await Promise.all([0, 1, 2].map((k) => worker.run(batch(k), 2)));
      got.forEach((out, k) => out.forEach((v, i) => expect(v).toBeCloseTo(expected[k]?.[i] as number, 6)));
      // A view of a larger buffer is copied before the transfer, so the caller's buffer stays usable.
      const big = batch(3);
      const view = big.subarray(0, 3 * 32 * 32);
      await worker.run(view, 1);
      expect(big.length).toBe(2 * 3 * 32 * 32);
      await expect(worker.run(new Float32Array(5), 1)).rejects.toThrow(/batch has 5 values/);
    } finally {
      await inProcess.release();
      await worker.release();
    }
    await expect(worker.run(batch(0), 2)).rejects.toThrow(/inference worker .* has stopped/);
  });

  it('spreads batches over a pool of workers with the same results, and stops them all on release', async () => {
    const batch = (k: number): Float32Array =>
      Float32Array.from({ length: 3 * 32 * 32 }, (_, i) => (i * 5 + k * 11) % 256);
    const inProcess = await createInferenceSession(model.bytes, { threads: 1 });
    const pool = await createWorkerSession(model, { threads: 3, workers: 2 });
    try {
      expect(pool.concurrency).toBe(2);
      const ks = [0, 1, 2, 3, 4, 5];
      const expected = await Promise.all(ks.map((k) => inProcess.run(batch(k), 1)));
      const got = await Promise.all(ks.map((k) => pool.run(batch(k), 1)));
      got.forEach((out, k) => out.forEach((v, i) => expect(v).toBeCloseTo(expected[k]?.[i] as number, 6)));
    } finally {
      await inProcess.release();
      await pool.release();
    }
    await expect(pool.run(batch(0), 1)).rejects.toThrow(/inference worker .* has stopped/);
  });

  it('starts one worker per thread up to 4, and refuses more workers than threads', async () => {
    expect([1, 2, 3, 4, 16].map(defaultInferenceWorkers)).toEqual([1, 2, 3, 4, 4]);
    await expect(createWorkerSession(model, { threads: 1, workers: 2 })).rejects.toThrow(
      /inference workers 2 must be an integer from 1 to the threads \(1\)/,
    );
  });

  it('refuses a model that is not ONNX before starting a worker', async () => {
    await expect(
      createWorkerSession({
        ...model,
        bytes: new TextEncoder().encode('not a model'),
        onnxPath: 'fake.onnx',
      }),
    ).rejects.toThrow(/fake.onnx is not an ONNX model/);
  });
});
