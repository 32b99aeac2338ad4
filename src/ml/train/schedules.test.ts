import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/index.ts';
import { learningRateAt, parseLrSchedule } from './schedules.ts';
import type { LrSchedule } from './schedules.ts';

const at = (schedule: LrSchedule, step: number, total = 100): number =>
  learningRateAt(schedule, 0.1, step, total);

describe('learningRateAt', () => {
  it('keeps a constant rate', () => {
    expect(at({ kind: 'constant' }, 0)).toBe(0.1);
    expect(at({ kind: 'constant' }, 500)).toBe(0.1);
  });

  it('warms up linearly and reaches the base rate at the last warm-up step', () => {
    const s: LrSchedule = { kind: 'constant', warmupSteps: 10 };
    expect(at(s, 0)).toBeCloseTo(0.01, 12);
    expect(at(s, 4)).toBeCloseTo(0.05, 12);
    expect(at(s, 9)).toBeCloseTo(0.1, 12);
    expect(at(s, 10)).toBeCloseTo(0.1, 12);
  });

  it('decays in steps at exact multiples of stepSize after warm-up', () => {
    const s: LrSchedule = { kind: 'step', stepSize: 10, gamma: 0.5, warmupSteps: 5 };
    expect(at(s, 5)).toBeCloseTo(0.1, 12);
    expect(at(s, 14)).toBeCloseTo(0.1, 12);
    expect(at(s, 15)).toBeCloseTo(0.05, 12);
    expect(at(s, 25)).toBeCloseTo(0.025, 12);
  });

  it('follows a half cosine from the base rate to minLr and stays there', () => {
    const s: LrSchedule = { kind: 'cosine', minLr: 0.01 };
    expect(at(s, 0)).toBeCloseTo(0.1, 12);
    expect(at(s, 50)).toBeCloseTo(0.055, 12);
    expect(at(s, 100)).toBeCloseTo(0.01, 12);
    expect(at(s, 150)).toBeCloseTo(0.01, 12);
  });

  it('starts the cosine after warm-up', () => {
    const s: LrSchedule = { kind: 'cosine', warmupSteps: 20 };
    expect(at(s, 19)).toBeCloseTo(0.1, 12);
    expect(at(s, 20)).toBeCloseTo(0.1, 12);
    expect(at(s, 60)).toBeCloseTo(0.05, 12);
    expect(at(s, 100)).toBeCloseTo(0, 12);
  });

  it('decays linearly and exponentially', () => {
    expect(at({ kind: 'linear' }, 50)).toBeCloseTo(0.05, 12);
    expect(at({ kind: 'linear', minLr: 0.02 }, 100)).toBeCloseTo(0.02, 12);
    expect(at({ kind: 'exponential', gamma: 0.9 }, 2)).toBeCloseTo(0.081, 12);
  });

  it('rejects bad schedules, steps and totals with a message naming them', () => {
    expect(() => at({ kind: 'step', stepSize: 0, gamma: 0.5 }, 0)).toThrow(/stepSize/);
    expect(() => at({ kind: 'constant' }, -1)).toThrow(/step -1/);
    expect(() => learningRateAt({ kind: 'constant' }, 0.1, 0, 0)).toThrow(/totalSteps/);
    expect(() => learningRateAt({ kind: 'constant' }, Number.NaN, 0, 1)).toThrow(AppError);
  });
});

describe('parseLrSchedule', () => {
  it('accepts a valid schedule from JSON', () => {
    expect(parseLrSchedule(JSON.parse('{"kind":"cosine","minLr":0.0001,"warmupSteps":50}'))).toEqual({
      kind: 'cosine',
      minLr: 0.0001,
      warmupSteps: 50,
    });
  });

  it('rejects unknown kinds and unknown fields', () => {
    expect(() => parseLrSchedule({ kind: 'poly' })).toThrow(AppError);
    expect(() => parseLrSchedule({ kind: 'constant', gamma: 2 })).toThrow(AppError);
  });
});
