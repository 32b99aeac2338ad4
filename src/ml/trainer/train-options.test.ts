/** @module ml/trainer/train-options.test — defaults, bad options, loss derivation and the resume agreement rule. */
import { describe, expect, it } from 'vitest';
import { resumedConfig } from './run-config.ts';
import type { RunConfig } from './run-config.ts';
import { defaultSchedule, resolveTrainOptions } from './train-options.ts';
import { trainingTarget } from './training-target.ts';

const base = { datasetDir: 'd', out: 'o' };

describe('resolveTrainOptions', () => {
  it('fills the documented defaults', () => {
    const r = resolveTrainOptions(base);
    expect(r).toMatchObject({
      model: 'unet-s',
      epochs: 20,
      batchSize: 8,
      lr: 1e-3,
      optimizer: 'adamw',
      valRatio: 0.2,
      seed: 42,
      patience: 10,
    });
    expect(r.augment).toEqual({ flips: true, rotations: true, brightness: 0.1, contrast: 0.1 });
    expect(resolveTrainOptions({ ...base, augment: false, earlyStopping: false })).toMatchObject({
      patience: 0,
      augment: { flips: false },
    });
  });

  it.each([
    [{ epochs: 0 }, /epochs must be an integer/],
    [{ batchSize: 2.5 }, /batch size must be an integer/],
    [{ lr: -1 }, /learning rate must be a positive number/],
    [{ valRatio: 1 }, /validation ratio must be between 0 and 1/],
    [{ model: 'resnet' as 'unet-s' }, /unknown model resnet/],
    [{ optimizer: 'lion' as 'adam' }, /optimizer lion is unknown/],
    [{ loss: 'focal' as 'ce' }, /loss focal is unknown/],
    [{ earlyStopping: { monitor: 'accuracy' as 'pixel_iou' } }, /monitor accuracy is unknown/],
    [{ base: 'a', resume: 'b' }, /either base or resume/],
    [{ augment: { brightness: 2 } }, /augment brightness must be in \[0, 1\]/],
  ])('rejects %j', (bad, message) => {
    expect(() => resolveTrainOptions({ ...base, ...bad })).toThrow(message);
  });

  it('warms up over 5 % of the steps, between 1 and 200', () => {
    expect(defaultSchedule(100, 1e-3)).toEqual({ kind: 'cosine', warmupSteps: 5, minLr: 1e-5 });
    expect(defaultSchedule(10, 1e-3)).toMatchObject({ warmupSteps: 1 });
    expect(defaultSchedule(100000, 1e-3)).toMatchObject({ warmupSteps: 200 });
  });
});

describe('trainingTarget', () => {
  it('weights sparse building pixels in binary BCE', () => {
    const mask = Uint8Array.from({ length: 100 }, (_, i) => (i < 10 ? 1 : 0));
    const target = trainingTarget('binary', 2, [mask], undefined);
    expect(target.classes).toBe(1);
    expect(target.loss).toEqual({ kind: 'bce-dice', posWeight: 3 });
    expect(trainingTarget('binary', 2, [mask], 'bce').loss).toEqual({ kind: 'bce', posWeight: 3 });
    expect(trainingTarget('binary', 2, [mask], 'dice').loss).toEqual({ kind: 'dice' });
  });

  it('uses inverse-sqrt class weights for multi-class masks, capped at 10', () => {
    const mask = Uint8Array.from({ length: 10000 }, (_, i) =>
      i < 2500 ? 1 : i < 2600 ? 2 : i < 2601 ? 3 : 0,
    );
    const target = trainingTarget('multi', 4, [mask], 'ce');
    expect(target.classes).toBe(4);
    expect(target.loss.kind).toBe('softmax-ce');
    const weights = (target.loss as { classWeights: number[] }).classWeights;
    expect(weights[0]).toBe(1);
    expect(weights[1]).toBeCloseTo(Math.sqrt(0.7399 / 0.25), 3);
    expect(weights[3]).toBe(10);
    expect(target.loss).not.toHaveProperty('diceWeight');
    expect(trainingTarget('multi', 4, [mask], undefined).loss).toEqual({
      kind: 'softmax-ce',
      classWeights: weights,
      diceWeight: 1,
    });
  });

  it('refuses a loss made for the other mask kind, naming the ones that fit', () => {
    const mask = Uint8Array.from({ length: 100 }, (_, i) => i % 4);
    expect(() => trainingTarget('multi', 4, [mask], 'bce-dice')).toThrow(
      "loss bce-dice trains binary masks, but the dataset's masks are multi: use ce or ce-dice",
    );
    expect(() => trainingTarget('binary', 2, [mask.map((v) => v % 2)], 'ce')).toThrow(
      "loss ce trains multi masks, but the dataset's masks are binary: use bce, bce-dice or dice",
    );
  });
});

describe('resumedConfig', () => {
  const stored = {
    model: 'unet-s',
    batchSize: 8,
    lr: 1e-3,
    seed: 42,
    epochs: 10,
    patience: 10,
    minDelta: 0,
    monitor: 'pixel_iou',
    augment: { flips: true, rotations: true, brightness: 0.1, contrast: 0.1 },
  } as unknown as RunConfig;

  it('keeps the stored run and lets epochs and patience change', () => {
    const options = { ...base, epochs: 15, earlyStopping: { patience: 3 } };
    const merged = resumedConfig(stored, options, resolveTrainOptions(options), 'last');
    expect(merged).toMatchObject({ epochs: 15, patience: 3, batchSize: 8, lr: 1e-3 });
  });

  it('refuses options that contradict the stored run', () => {
    const options = { ...base, batchSize: 4 };
    expect(() => resumedConfig(stored, options, resolveTrainOptions(options), 'runs/a/last')).toThrow(
      "resume from runs/a/last: batchSize 4 differs from the run's 8; leave it out to continue the run",
    );
  });
});
