import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/index.ts';
import { clipGradientsByNorm, gradientNorm } from './gradient-clipping.ts';

const grads = (): Map<string, Float32Array> =>
  new Map([
    ['a', Float32Array.of(3, 0)],
    ['b', Float32Array.of(0, 4)],
  ]);

describe('clipGradientsByNorm', () => {
  it('returns the global norm over all tensors', () => {
    expect(gradientNorm(grads())).toBeCloseTo(5, 6);
  });

  it('scales every tensor by the same factor down to maxNorm', () => {
    const g = grads();
    expect(clipGradientsByNorm(g, 1)).toBeCloseTo(5, 6);
    expect(g.get('a')?.[0]).toBeCloseTo(0.6, 5);
    expect(g.get('b')?.[1]).toBeCloseTo(0.8, 5);
    expect(gradientNorm(g)).toBeCloseTo(1, 5);
  });

  it('leaves gradients below maxNorm untouched', () => {
    const g = grads();
    clipGradientsByNorm(g, 10);
    expect([...(g.get('a') ?? [])]).toEqual([3, 0]);
  });

  it('reports a non-finite gradient and leaves the gradients as they were', () => {
    const g = grads();
    g.get('b')?.set([Number.NaN], 0);
    expect(Number.isFinite(clipGradientsByNorm(g, 1))).toBe(false);
    expect(g.get('a')?.[0]).toBe(3);
    g.get('b')?.set([Number.POSITIVE_INFINITY], 0);
    expect(clipGradientsByNorm(g, 1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('rejects a maxNorm that is not positive', () => {
    expect(() => clipGradientsByNorm(grads(), 0)).toThrow(AppError);
  });
});
