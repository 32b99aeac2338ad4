/** @module ml/trainer/batches.test — step chip selection, replayable random streams and target tensors. */
import { describe, expect, it } from 'vitest';
import {
  batchIndices,
  epochOrder,
  fillTrainingBatch,
  stepRng,
  stepsPerEpoch,
  streamSeed,
  writeTarget,
} from './batches.ts';
import type { ChipStore } from './chip-store.ts';

const unit = { mean: [0, 0, 0], std: [1, 1, 1] };
const noAugment = { flips: false, rotations: false, brightness: 0, contrast: 0 };

function store(count: number, size: number): ChipStore {
  const plane = size * size;
  const images = Uint8Array.from({ length: count * plane * 3 }, (_, i) => (i * 7) % 256);
  const masks = Uint8Array.from({ length: count * plane }, (_, i) => (i % 5 === 0 ? 1 : 0));
  return { size, count, ids: Array.from({ length: count }, (_, i) => `c${i}`), images, masks };
}

describe('epoch order and steps', () => {
  it('is a permutation that depends on seed and epoch only', () => {
    const a = epochOrder(10, 42, 3);
    expect([...a].sort((x, y) => x - y)).toEqual([...Array(10).keys()]);
    expect(epochOrder(10, 42, 3)).toEqual(a);
    expect(epochOrder(10, 42, 4)).not.toEqual(a);
    expect(epochOrder(10, 43, 3)).not.toEqual(a);
  });

  it('wraps the last partial batch to the start of the order', () => {
    const order = [4, 2, 0, 1, 3];
    expect(stepsPerEpoch(5, 2)).toBe(3);
    expect(batchIndices(order, 2, 2)).toEqual([3, 4]);
    expect(batchIndices(order, 0, 8)).toEqual([4, 2, 0, 1, 3, 4, 2, 0]);
  });

  it('derives unrelated streams per step that replay exactly', () => {
    expect(stepRng(1, 2, 3).next()).toBe(stepRng(1, 2, 3).next());
    expect(stepRng(1, 2, 3).next()).not.toBe(stepRng(1, 2, 4).next());
    expect(streamSeed(1, 2, 3)).not.toBe(streamSeed(1, 3, 2));
    expect(streamSeed(2 ** 40 + 1, 0)).not.toBe(streamSeed(1, 0));
  });
});

describe('writeTarget', () => {
  it('writes 0/1 for one channel and one-hot planes for several', () => {
    const mask = Uint8Array.from([0, 1, 2, 3]);
    const binary = new Float32Array(4);
    writeTarget(mask, 1, binary, 0);
    expect([...binary]).toEqual([0, 1, 1, 1]);
    const multi = new Float32Array(2 + 16).fill(9);
    writeTarget(mask, 4, multi, 2);
    expect([...multi.subarray(2)]).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(multi[0]).toBe(9);
  });

  it('leaves pixels with an unknown class all zero (ignored by the loss)', () => {
    const multi = new Float32Array(8);
    writeTarget(Uint8Array.from([1, 7]), 4, multi, 0);
    expect([...multi]).toEqual([0, 0, 1, 0, 0, 0, 0, 0]);
  });
});

describe('fillTrainingBatch', () => {
  it('fills images and targets in batch order, identically for the same stream', () => {
    const chips = store(3, 8);
    const settings = {
      normalization: unit,
      classes: 1,
      augment: { ...noAugment, flips: true, rotations: true, brightness: 0.2 },
    };
    const fill = () => {
      const input = new Float32Array(2 * 3 * 64);
      const target = new Float32Array(2 * 64);
      fillTrainingBatch(chips, [2, 0], stepRng(5, 0, 0), settings, input, target);
      return { input, target };
    };
    const a = fill();
    expect(fill()).toEqual(a);
    const plain = { input: new Float32Array(2 * 3 * 64), target: new Float32Array(2 * 64) };
    fillTrainingBatch(
      chips,
      [2, 0],
      stepRng(5, 0, 0),
      { ...settings, augment: noAugment },
      plain.input,
      plain.target,
    );
    expect(plain.input[0]).toBeCloseTo((chips.images[2 * 192] as number) / 255, 6);
    expect(plain.target.reduce((s, v) => s + v, 0)).toBe(a.target.reduce((s, v) => s + v, 0));
  });
});
