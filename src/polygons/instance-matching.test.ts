import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/index.ts';
import { matchInstances, matchScores } from './instance-matching.ts';

describe('matchInstances', () => {
  it('matches one-to-one, greedily by descending IoU', () => {
    const pairs = [
      { pred: 0, truth: 1, iou: 0.6 },
      { pred: 0, truth: 0, iou: 0.9 },
      { pred: 1, truth: 0, iou: 0.7 },
    ];
    const r = matchInstances(pairs, 2, 2);
    expect(r.matches).toEqual([{ pred: 0, truth: 0, iou: 0.9 }]);
    expect([r.tp, r.fp, r.fn]).toEqual([1, 1, 1]);
  });

  it('ignores pairs below the threshold and accepts IoU exactly at it', () => {
    expect(matchInstances([{ pred: 0, truth: 0, iou: 0.4999 }], 1, 1).tp).toBe(0);
    expect(matchInstances([{ pred: 0, truth: 0, iou: 0.5 }], 1, 1).tp).toBe(1);
    expect(matchInstances([{ pred: 0, truth: 0, iou: 0.4 }], 1, 1, 0.3).tp).toBe(1);
  });

  it('breaks IoU ties by index, so the result does not depend on pair order', () => {
    const pairs = [
      { pred: 1, truth: 0, iou: 0.8 },
      { pred: 0, truth: 0, iou: 0.8 },
    ];
    expect(matchInstances(pairs, 2, 1).matches[0]?.pred).toBe(0);
    expect(matchInstances([...pairs].reverse(), 2, 1).matches[0]?.pred).toBe(0);
  });

  it('rejects indices outside the counts and a bad threshold', () => {
    expect(() => matchInstances([{ pred: 2, truth: 0, iou: 1 }], 2, 1)).toThrow(/predicted index 2/);
    expect(() => matchInstances([], 1, 1, 0)).toThrow(AppError);
  });
});

describe('matchScores', () => {
  it('scores counts, with 0/0 perfect only when both sides are empty', () => {
    expect(matchScores({ tp: 1, fp: 1, fn: 0 })).toEqual({ precision: 0.5, recall: 1, f1: 2 / 3 });
    expect(matchScores({ tp: 0, fp: 0, fn: 0 })).toEqual({ precision: 1, recall: 1, f1: 1 });
    expect(matchScores({ tp: 0, fp: 0, fn: 2 })).toEqual({ precision: 0, recall: 0, f1: 0 });
  });
});
