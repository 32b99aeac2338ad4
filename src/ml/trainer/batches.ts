/**
 * @module ml/trainer/batches — which chips each step trains on, and the float tensors of a batch. The chip order of
 * an epoch and the augmentation of a step come from random streams derived from (seed, epoch[, step]), so any step
 * can be replayed alone: a resumed run draws exactly what the uninterrupted run would have drawn (issue 3 §4).
 */
import { augmentSample, createRng, imageToChw } from '../train/index.ts';
import type { Normalization, Rng } from '../train/index.ts';
import { chipImage, chipMask } from './chip-store.ts';
import type { ChipStore } from './chip-store.ts';
import type { AugmentSettings } from './train-options.ts';

/**
 * A 32-bit seed derived from a run seed and integer keys (splitmix-style mixing), so that streams for different
 * keys are unrelated.
 * @param seed - the run seed (a safe integer)
 * @param keys - e.g. a stream tag, the epoch and the step
 * @returns an unsigned 32-bit integer
 */
export function streamSeed(seed: number, ...keys: number[]): number {
  let h = (seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) >>> 0, 0x27d4eb2f);
  for (const key of [...keys, keys.length]) {
    h = Math.imul(h ^ (key >>> 0), 0x9e3779b1) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
  }
  return h >>> 0;
}

const ORDER_STREAM = 1;
const AUGMENT_STREAM = 2;

/**
 * The chip order of an epoch: a seeded permutation of `0 … count−1`.
 * @param count - chips in the training split
 * @param seed - run seed
 * @param epoch - 0-based epoch
 */
export function epochOrder(count: number, seed: number, epoch: number): number[] {
  return createRng(streamSeed(seed, ORDER_STREAM, epoch)).shuffle(Array.from({ length: count }, (_, i) => i));
}

/**
 * The augmentation stream of one step.
 * @param seed - run seed
 * @param epoch - 0-based epoch
 * @param stepInEpoch - 0-based step within the epoch
 */
export function stepRng(seed: number, epoch: number, stepInEpoch: number): Rng {
  return createRng(streamSeed(seed, AUGMENT_STREAM, epoch, stepInEpoch));
}

/**
 * Steps per epoch: every chip is seen once; the last batch is completed by wrapping to the start of the order.
 * @param count - chips in the training split
 * @param batchSize - chips per step
 */
export function stepsPerEpoch(count: number, batchSize: number): number {
  return Math.ceil(count / batchSize);
}

/**
 * The chips of one step. The training graph has a fixed batch size, so the last, partial batch of an epoch is filled
 * up with the first chips of the same epoch's order (wrapping again when the split is smaller than a batch); those
 * chips are seen twice in that epoch, with different augmentation.
 * @param order - the epoch's order ({@link epochOrder})
 * @param stepInEpoch - 0-based step within the epoch
 * @param batchSize - chips per step
 * @returns `batchSize` store indices
 */
export function batchIndices(order: readonly number[], stepInEpoch: number, batchSize: number): number[] {
  return Array.from(
    { length: batchSize },
    (_, k) => order[(stepInEpoch * batchSize + k) % order.length] as number,
  );
}

/**
 * Writes the target planes of one mask: one channel of 0/1 (any value > 0 is a building) for a binary model, a
 * one-hot plane per class for a multi-class model (values ≥ `classes` leave the pixel all zero: ignored by the loss).
 * @param mask - `size²` class values
 * @param classes - model output channels
 * @param target - the batch's target tensor
 * @param offset - where this sample's first plane starts in `target`
 */
export function writeTarget(mask: Uint8Array, classes: number, target: Float32Array, offset: number): void {
  const plane = mask.length;
  if (classes === 1) {
    for (let i = 0; i < plane; i++) target[offset + i] = (mask[i] as number) > 0 ? 1 : 0;
    return;
  }
  target.fill(0, offset, offset + classes * plane);
  for (let i = 0; i < plane; i++) {
    const v = mask[i] as number;
    if (v < classes) target[offset + v * plane + i] = 1;
  }
}

/** How training chips become tensors. */
export type BatchSettings = {
  /** Normalisation of the model input (relative to v/255). */
  normalization: Normalization;
  /** Model output channels. */
  classes: number;
  augment: AugmentSettings;
};

function augments(a: AugmentSettings): boolean {
  return a.flips || a.rotations || a.brightness > 0 || a.contrast > 0;
}

/**
 * Fills the input `[B, 3, S, S]` and target `[B, classes, S, S]` tensors of a training step, augmenting each chip
 * and its mask identically with draws from `rng` in batch order.
 * @param store - the training chips
 * @param indices - store index per batch slot
 * @param rng - the step's stream ({@link stepRng})
 * @param settings - normalisation, classes, augmentation
 * @param input - the input tensor (overwritten)
 * @param target - the target tensor (overwritten)
 */
export function fillTrainingBatch(
  store: ChipStore,
  indices: readonly number[],
  rng: Rng,
  settings: BatchSettings,
  input: Float32Array,
  target: Float32Array,
): void {
  const { size } = store;
  const plane = size * size;
  const augmentation = augments(settings.augment)
    ? { ...settings.augment, normalization: settings.normalization }
    : undefined;
  indices.forEach((index, slot) => {
    const chw = imageToChw(chipImage(store, index), size, settings.normalization);
    const mask = chipMask(store, index);
    const sample =
      augmentation === undefined ? { image: chw, mask } : augmentSample(chw, mask, size, rng, augmentation);
    input.set(sample.image, slot * 3 * plane);
    writeTarget(sample.mask, settings.classes, target, slot * settings.classes * plane);
  });
}

/**
 * Fills the input tensor of an evaluation batch (no augmentation).
 * @param store - the chips
 * @param first - index of the first chip
 * @param count - chips in this batch
 * @param normalization - model input normalisation
 * @returns `count × 3 × S × S` values
 */
export function evaluationInput(
  store: ChipStore,
  first: number,
  count: number,
  normalization: Normalization,
): Float32Array {
  const plane = store.size * store.size;
  const input = new Float32Array(count * 3 * plane);
  for (let k = 0; k < count; k++)
    input.set(imageToChw(chipImage(store, first + k), store.size, normalization), k * 3 * plane);
  return input;
}
