import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportInferenceModel } from '../models/index.ts';
import { createInferenceSession } from './inference-session.ts';
import type { InferenceSession } from './inference-session.ts';
import { symmetryAveraged, symmetrySourceIndex } from './symmetry-averaging.ts';
import { randomBatch, smallModel } from './test-support/small-model.ts';

const SIZE = 32;
const BATCH = 2;
const CLASSES = 4;

/** Applies symmetry k to every plane of `values` (planes of SIZE × SIZE). */
function transformed(values: Float32Array, k: number): Float32Array {
  const map = symmetrySourceIndex(k, SIZE);
  const plane = SIZE * SIZE;
  return values.map((_, i) => values[i - (i % plane) + (map[i % plane] as number)] as number);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((worst, v, i) => Math.max(worst, Math.abs(v - (b[i] as number))), 0);
}

describe('symmetry source maps', () => {
  it('are the 8 distinct permutations of the square, the first the identity', () => {
    const maps = Array.from({ length: 8 }, (_, k) => Array.from(symmetrySourceIndex(k, 3)));
    expect(maps[0]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(maps[1]).toEqual([2, 1, 0, 5, 4, 3, 8, 7, 6]); // left-right
    expect(maps[2]).toEqual([6, 7, 8, 3, 4, 5, 0, 1, 2]); // top-bottom
    expect(maps[4]).toEqual([0, 3, 6, 1, 4, 7, 2, 5, 8]); // transpose
    for (const map of maps) expect([...map].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(maps.map((m) => m.join())).size).toBe(8);
  });
});

describe('a symmetry-averaged unet-s on onnxruntime-node', () => {
  const batch = randomBatch(BATCH, SIZE, 31);
  let session: InferenceSession;

  beforeAll(async () => {
    const { decl, params } = smallModel(CLASSES, SIZE, 17);
    session = await createInferenceSession(exportInferenceModel(decl, params), { threads: 1 });
  });
  afterAll(async () => {
    await session.release();
  });

  it('returns the session itself for 1 symmetry and refuses counts other than 1, 2, 4, 8', () => {
    expect(symmetryAveraged(session, 1)).toBe(session);
    expect(() => symmetryAveraged(session, 3)).toThrow(/1, 2, 4 or 8 symmetries, got 3/);
  });

  it.each([
    [8, [1, 2, 3, 4, 5, 6, 7]],
    [4, [1, 2, 3]],
  ])(
    'averaging %i symmetries commutes with each of them, which the plain model does not',
    async (count, ks) => {
      const averaged = symmetryAveraged(session, count);
      const base = await averaged.run(batch, BATCH);
      const plain = await session.run(batch, BATCH);
      expect(maxAbsDiff(base, plain)).toBeGreaterThan(1e-3);
      for (const k of ks) {
        const turned = await averaged.run(transformed(batch, k), BATCH);
        expect(maxAbsDiff(turned, transformed(base, k))).toBeLessThanOrEqual(1e-5);
        const plainTurned = await session.run(transformed(batch, k), BATCH);
        expect(maxAbsDiff(plainTurned, transformed(plain, k))).toBeGreaterThan(1e-3);
      }
    },
  );

  it('keeps the probabilities of each pixel summing to 1', async () => {
    const out = await symmetryAveraged(session, 8).run(batch, BATCH);
    const plane = SIZE * SIZE;
    for (const i of [0, 333, plane - 1]) {
      let sum = 0;
      for (let c = 0; c < CLASSES; c++) sum += out[c * plane + i] as number;
      expect(sum).toBeCloseTo(1, 5);
    }
  });

  it('lets the wrapped session name a wrong batch', async () => {
    await expect(symmetryAveraged(session, 2).run(new Float32Array(5), 1)).rejects.toThrow(/batch/);
  });
});
