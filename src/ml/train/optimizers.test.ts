import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/index.ts';
import { createAdam, createSgd } from './optimizers.ts';
import type { Optimizer } from './optimizers.ts';
import { createRng } from './rng.ts';

const one = (v: number): Map<string, Float32Array> => new Map([['w', Float32Array.of(v)]]);
const value = (params: Map<string, Float32Array>, name = 'w'): number => params.get(name)?.[0] ?? Number.NaN;

describe('createAdam', () => {
  it('takes the bias-corrected first steps computed by hand', () => {
    const adam = createAdam();
    const params = one(1);
    adam.step(params, one(0.5), 0.1);
    // t=1: m=0.05, v=0.00025, m̂=0.5, v̂=0.25 → p = 1 − 0.1·0.5/0.5
    expect(value(params)).toBeCloseTo(0.9, 6);
    adam.step(params, one(-1), 0.1);
    // t=2: m=−0.055, v=0.00124975, m̂=−0.055/0.19, v̂=0.00124975/0.001999
    const update = (0.1 * (-0.055 / 0.19)) / (Math.sqrt(0.00124975 / 0.001999) + 1e-8);
    expect(value(params)).toBeCloseTo(0.9 - update, 6);
  });

  it('adds L2 decay to the gradient (Adam) but shrinks weights directly (AdamW)', () => {
    const adam = createAdam({ weightDecay: 0.1 });
    const adamW = createAdam({ weightDecay: 0.1, decoupled: true });
    const a = one(2);
    const b = one(2);
    adam.step(a, one(0), 0.1);
    adamW.step(b, one(0), 0.1);
    // Adam: g = 0.1·2 → a unit-size step of lr; AdamW: p·(1 − lr·wd), gradient 0 moves nothing.
    expect(value(a)).toBeCloseTo(1.9, 6);
    expect(value(b)).toBeCloseTo(1.98, 6);
  });

  it('leaves frozen parameters untouched and does not count their steps', () => {
    const adam = createAdam();
    const params = new Map([
      ['a', Float32Array.of(1, 2)],
      ['frozen', Float32Array.of(3, 4)],
    ]);
    adam.step(params, new Map([['a', Float32Array.of(1, 1)]]), 0.01);
    expect([...(params.get('frozen') ?? [])]).toEqual([3, 4]);
    expect(adam.state().paramSteps).toEqual({ a: 1 });
    expect(adam.state().buffers.has('m.frozen')).toBe(false);
  });

  it('minimises a quadratic', () => {
    const adam = createAdam();
    const target = Float32Array.from({ length: 10 }, (_, i) => i - 5);
    const params = new Map([['w', new Float32Array(10)]]);
    for (let s = 0; s < 2000; s++) {
      const w = params.get('w') as Float32Array;
      adam.step(params, new Map([['w', w.map((v, i) => 2 * (v - (target[i] as number)))]]), 0.05);
    }
    const w = params.get('w') as Float32Array;
    w.forEach((v, i) => expect(v).toBeCloseTo(target[i] as number, 2));
  });

  it('rejects bad hyper-parameters and mismatched gradients', () => {
    expect(() => createAdam({ beta1: 1 })).toThrow(/beta1/);
    expect(() => createAdam({ eps: 0 })).toThrow(AppError);
    const adam = createAdam();
    expect(() => adam.step(one(1), new Map([['x', Float32Array.of(1)]]), 0.1)).toThrow(
      /gradient x has no matching parameter/,
    );
    expect(() => adam.step(one(1), new Map([['w', Float32Array.of(1, 2)]]), 0.1)).toThrow(/2 values/);
    expect(() => adam.step(one(1), one(1), Number.NaN)).toThrow(/learning rate/);
  });
});

describe('createSgd', () => {
  it('applies momentum as computed by hand', () => {
    const sgd = createSgd({ momentum: 0.9 });
    const params = one(1);
    sgd.step(params, one(1), 0.1);
    expect(value(params)).toBeCloseTo(0.9, 6);
    sgd.step(params, one(1), 0.1);
    expect(value(params)).toBeCloseTo(0.71, 6);
  });

  it('applies Nesterov momentum as computed by hand', () => {
    const sgd = createSgd({ momentum: 0.9, nesterov: true });
    const params = one(1);
    sgd.step(params, one(1), 0.1);
    expect(value(params)).toBeCloseTo(0.81, 6);
    sgd.step(params, one(1), 0.1);
    expect(value(params)).toBeCloseTo(0.539, 6);
  });

  it('applies weight decay without momentum', () => {
    const sgd = createSgd({ momentum: 0, weightDecay: 0.5 });
    const params = one(1);
    sgd.step(params, one(0), 0.1);
    expect(value(params)).toBeCloseTo(0.95, 6);
    expect(sgd.state().buffers.size).toBe(0);
  });

  it('refuses Nesterov without momentum', () => {
    expect(() => createSgd({ momentum: 0, nesterov: true })).toThrow(/nesterov/);
  });
});

describe('optimizer state', () => {
  const makeParams = (): Map<string, Float32Array> =>
    new Map([
      ['conv.weight', Float32Array.from({ length: 64 }, (_, i) => Math.sin(i))],
      ['conv.bias', Float32Array.from({ length: 8 }, (_, i) => i / 8)],
    ]);
  const randomGrads = (seed: number): Map<string, Float32Array> => {
    const rng = createRng(seed);
    return new Map([
      ['conv.weight', Float32Array.from({ length: 64 }, () => rng.normal())],
      ['conv.bias', Float32Array.from({ length: 8 }, () => rng.normal())],
    ]);
  };

  for (const [label, make] of [
    ['adamw', () => createAdam({ weightDecay: 0.01, decoupled: true })],
    ['sgd nesterov', () => createSgd({ momentum: 0.9, nesterov: true, weightDecay: 1e-4 })],
  ] as [string, () => Optimizer][]) {
    it(`${label}: a loaded state takes exactly the next step the original takes`, () => {
      const original = make();
      const params = makeParams();
      for (let s = 0; s < 5; s++) original.step(params, randomGrads(s), 0.01);
      const resumed = make();
      resumed.load(original.state());
      const copy = new Map([...params].map(([k, v]) => [k, v.slice()]));
      original.step(params, randomGrads(99), 0.01);
      resumed.step(copy, randomGrads(99), 0.01);
      for (const [name, p] of params) expect(copy.get(name)).toEqual(p);
      expect(resumed.state().stepCount).toBe(6);
    });

    it(`${label}: the same seed gives the same trajectory`, () => {
      const run = (): Float32Array[] => {
        const opt = make();
        const params = makeParams();
        for (let s = 0; s < 4; s++) opt.step(params, randomGrads(100 + s), 0.05);
        return [...params.values()];
      };
      expect(run()).toEqual(run());
    });
  }

  it('returns copies, so changing a snapshot does not change the optimiser', () => {
    const adam = createAdam();
    const params = one(1);
    adam.step(params, one(1), 0.1);
    const snapshot = adam.state();
    snapshot.buffers.get('m.w')?.fill(123);
    expect(adam.state().buffers.get('m.w')?.[0]).toBeCloseTo(0.1, 6);
  });

  it('refuses a state of another kind or with foreign buffers', () => {
    const sgd = createSgd();
    expect(() => sgd.load(createAdam().state())).toThrow(/kind adam cannot be loaded into sgd/);
    const state = createAdam().state();
    state.buffers.set('momentum.w', new Float32Array(1));
    expect(() => createAdam().load(state)).toThrow(/not a adam buffer/);
  });

  it('reports a buffer that no longer fits its parameter', () => {
    const adam = createAdam();
    adam.step(one(1), one(1), 0.1);
    const bigger = new Map([['w', Float32Array.of(1, 2)]]);
    expect(() => adam.step(bigger, new Map([['w', Float32Array.of(1, 1)]]), 0.1)).toThrow(
      /buffer m.w has 1 values/,
    );
  });

  it('changes nothing when a step is rejected', () => {
    const adam = createAdam();
    const params = new Map([
      ['a', Float32Array.of(1)],
      ['b', Float32Array.of(2)],
    ]);
    const grads = new Map([
      ['a', Float32Array.of(1)],
      ['missing', Float32Array.of(1)],
    ]);
    expect(() => adam.step(params, grads, 0.1)).toThrow(AppError);
    expect(params.get('a')?.[0]).toBe(1);
    expect(adam.state().stepCount).toBe(0);
  });
});
