/**
 * @module ml/graph/test-support/reference-network — a plain float64 TypeScript interpreter of the layer IR and the
 * losses: the reference the gradient checks difference numerically (tests only).
 */
import { INPUT_ID } from '../network.ts';
import type { Layer, Network } from '../network.ts';
import type { LossSpec } from '../losses.ts';
import { DICE_SMOOTHING } from '../losses.ts';

/** A float64 NCHW tensor. */
export type Tensor64 = { readonly shape: readonly number[]; readonly data: Float64Array };

type Params = ReadonlyMap<string, Float64Array>;

const at = (a: Float64Array, i: number): number => a[i] as number;

function conv(
  x: Tensor64,
  w: Float64Array,
  b: Float64Array | undefined,
  co: number,
  k: number,
  s: number,
): Tensor64 {
  const [n = 0, ci = 0, h = 0, wd = 0] = x.shape;
  const p = Math.floor(k / 2);
  const ho = h / s;
  const wo = wd / s;
  const out = new Float64Array(n * co * ho * wo);
  for (let b0 = 0; b0 < n; b0++)
    for (let o = 0; o < co; o++)
      for (let y = 0; y < ho; y++)
        for (let xx = 0; xx < wo; xx++) {
          let sum = b === undefined ? 0 : at(b, o);
          for (let c = 0; c < ci; c++)
            for (let i = 0; i < k; i++)
              for (let j = 0; j < k; j++) {
                const yi = y * s + i - p;
                const xj = xx * s + j - p;
                if (yi < 0 || yi >= h || xj < 0 || xj >= wd) continue;
                sum += at(x.data, ((b0 * ci + c) * h + yi) * wd + xj) * at(w, ((o * ci + c) * k + i) * k + j);
              }
          out[((b0 * co + o) * ho + y) * wo + xx] = sum;
        }
  return { shape: [n, co, ho, wo], data: out };
}

function convTranspose(
  x: Tensor64,
  w: Float64Array,
  b: Float64Array | undefined,
  co: number,
  k: number,
): Tensor64 {
  const [n = 0, ci = 0, h = 0, wd = 0] = x.shape;
  const ho = h * k;
  const wo = wd * k;
  const out = new Float64Array(n * co * ho * wo);
  for (let b0 = 0; b0 < n; b0++)
    for (let o = 0; o < co; o++)
      for (let y = 0; y < ho; y++)
        for (let xx = 0; xx < wo; xx++) {
          let sum = b === undefined ? 0 : at(b, o);
          const yi = Math.floor(y / k);
          const xj = Math.floor(xx / k);
          for (let c = 0; c < ci; c++)
            sum +=
              at(x.data, ((b0 * ci + c) * h + yi) * wd + xj) *
              at(w, ((c * co + o) * k + (y % k)) * k + (xx % k));
          out[((b0 * co + o) * ho + y) * wo + xx] = sum;
        }
  return { shape: [n, co, ho, wo], data: out };
}

function perChannel(x: Tensor64, f: (v: number, c: number) => number): Tensor64 {
  const [, c = 0, h = 0, w = 0] = x.shape;
  const hw = h * w;
  return { shape: x.shape, data: x.data.map((v, i) => f(v, Math.floor(i / hw) % c)) };
}

function channelStats(x: Tensor64): { mean: number[]; variance: number[]; count: number } {
  const [n = 0, c = 0, h = 0, w = 0] = x.shape;
  const count = n * h * w;
  const sum = new Array<number>(c).fill(0);
  const sq = new Array<number>(c).fill(0);
  x.data.forEach((v, i) => {
    const ch = Math.floor(i / (h * w)) % c;
    sum[ch] = (sum[ch] as number) + v;
  });
  const mean = sum.map((s) => s / count);
  x.data.forEach((v, i) => {
    const ch = Math.floor(i / (h * w)) % c;
    sq[ch] = (sq[ch] as number) + (v - (mean[ch] as number)) ** 2;
  });
  return { mean, variance: sq.map((s) => s / count), count };
}

function maxPool(x: Tensor64): Tensor64 {
  const [n = 0, c = 0, h = 0, w = 0] = x.shape;
  const out = new Float64Array((n * c * h * w) / 4);
  for (let nc = 0; nc < n * c; nc++)
    for (let y = 0; y < h / 2; y++)
      for (let xx = 0; xx < w / 2; xx++) {
        let m = -Infinity;
        for (let i = 0; i < 2; i++)
          for (let j = 0; j < 2; j++) m = Math.max(m, at(x.data, (nc * h + 2 * y + i) * w + 2 * xx + j));
        out[(nc * (h / 2) + y) * (w / 2) + xx] = m;
      }
  return { shape: [n, c, h / 2, w / 2], data: out };
}

function concat(parts: readonly Tensor64[]): Tensor64 {
  const first = parts[0] as Tensor64;
  const [n = 0, , h = 0, w = 0] = first.shape;
  const channels = parts.reduce((s, p) => s + (p.shape[1] ?? 0), 0);
  const out = new Float64Array(n * channels * h * w);
  let offset = 0;
  for (const p of parts) {
    const c = p.shape[1] ?? 0;
    for (let b = 0; b < n; b++)
      out.set(p.data.subarray(b * c * h * w, (b + 1) * c * h * w), (b * channels + offset) * h * w);
    offset += c;
  }
  return { shape: [n, channels, h, w], data: out };
}

function param(params: Params, name: string): Float64Array {
  const v = params.get(name);
  if (v === undefined) throw new Error(`reference: no value for ${name}`);
  return v;
}

function runLayer(
  layer: Layer,
  ins: Tensor64[],
  params: Params,
  train: boolean,
  updates: Map<string, number[]>,
): Tensor64 {
  const x = ins[0] as Tensor64;
  const opt = (name: string) => params.get(name);
  switch (layer.kind) {
    case 'conv':
      return conv(
        x,
        param(params, `${layer.name}.weight`),
        opt(`${layer.name}.bias`),
        layer.outChannels,
        layer.kernel,
        layer.stride,
      );
    case 'conv-transpose':
      return convTranspose(
        x,
        param(params, `${layer.name}.weight`),
        opt(`${layer.name}.bias`),
        layer.outChannels,
        layer.kernel,
      );
    case 'batch-norm': {
      const gamma = param(params, `${layer.name}.weight`);
      const beta = param(params, `${layer.name}.bias`);
      const rm = param(params, `${layer.name}.running_mean`);
      const rv = param(params, `${layer.name}.running_var`);
      const stats = train ? channelStats(x) : { mean: [...rm], variance: [...rv], count: 1 };
      if (train) {
        const m = layer.momentum;
        const unbiased = stats.count / (stats.count - 1);
        updates.set(
          `${layer.name}.running_mean`,
          stats.mean.map((v, c) => (1 - m) * at(rm, c) + m * v),
        );
        updates.set(
          `${layer.name}.running_var`,
          stats.variance.map((v, c) => (1 - m) * at(rv, c) + m * v * unbiased),
        );
      }
      return perChannel(
        x,
        (v, c) =>
          (at(gamma, c) * (v - (stats.mean[c] as number))) /
            Math.sqrt((stats.variance[c] as number) + layer.epsilon) +
          at(beta, c),
      );
    }
    case 'relu':
      return { shape: x.shape, data: x.data.map((v) => Math.max(v, 0)) };
    case 'leaky-relu':
      return { shape: x.shape, data: x.data.map((v) => (v > 0 ? v : layer.alpha * v)) };
    case 'max-pool':
      return maxPool(x);
    case 'add':
      return { shape: x.shape, data: x.data.map((v, i) => v + at((ins[1] as Tensor64).data, i)) };
    case 'concat':
      return concat(ins);
    case 'dropout':
      if (train && layer.ratio > 0)
        throw new Error('reference: dropout with ratio > 0 is random; check it separately');
      return x;
    case 'normalize':
      return perChannel(
        x,
        (v, c) => (v * layer.scale - (layer.mean[c] as number)) / (layer.std[c] as number),
      );
  }
}

/**
 * Runs the network in float64.
 * @returns the logits and, in train mode, the updated running statistics
 */
export function referenceForward(
  network: Network,
  params: Params,
  input: Tensor64,
  train: boolean,
): { logits: Tensor64; updates: Map<string, number[]> } {
  const values = new Map<string, Tensor64>([[INPUT_ID, input]]);
  const updates = new Map<string, number[]>();
  for (const layer of network.layers)
    values.set(
      layer.output,
      runLayer(
        layer,
        layer.inputs.map((id) => values.get(id) as Tensor64),
        params,
        train,
        updates,
      ),
    );
  return { logits: values.get(network.output) as Tensor64, updates };
}

const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** The loss of `logits` against `target` in float64, by the definitions of {@link LossSpec}. */
export function referenceLoss(loss: LossSpec, logits: Tensor64, target: Float64Array): number {
  const x = logits.data;
  const bce = (w: number) =>
    x.reduce((s, v, i) => s + w * at(target, i) * softplus(-v) + (1 - at(target, i)) * softplus(v), 0) /
    x.length;
  const dice = () => {
    const p = x.map(sigmoid);
    const inter = p.reduce((s, v, i) => s + v * at(target, i), 0);
    const sumP = p.reduce((s, v) => s + v, 0);
    const sumY = target.reduce((s, v) => s + v, 0);
    return 1 - (2 * inter + DICE_SMOOTHING) / (sumP + sumY + DICE_SMOOTHING);
  };
  switch (loss.kind) {
    case 'bce':
      return bce(loss.posWeight ?? 1);
    case 'dice':
      return dice();
    case 'bce-dice':
      return bce(loss.posWeight ?? 1) + (loss.diceWeight ?? 1) * dice();
    case 'softmax-ce': {
      const [n = 0, c = 0, h = 0, w = 0] = logits.shape;
      let total = 0;
      let weight = 0;
      for (let b = 0; b < n; b++)
        for (let pix = 0; pix < h * w; pix++) {
          const idx = (ch: number) => (b * c + ch) * h * w + pix;
          const max = Math.max(...Array.from({ length: c }, (_, ch) => at(x, idx(ch))));
          const lse =
            max +
            Math.log(
              Array.from({ length: c }, (_, ch) => Math.exp(at(x, idx(ch)) - max)).reduce((a, v) => a + v, 0),
            );
          for (let ch = 0; ch < c; ch++) {
            const tw = at(target, idx(ch)) * (loss.classWeights?.[ch] ?? 1);
            total -= tw * (at(x, idx(ch)) - lse);
            weight += tw;
          }
        }
      return total / Math.max(weight, 1e-12) + (loss.diceWeight ?? 0) * softmaxDice(logits, target);
    }
  }
}

/** Mean soft Dice loss of the classes after the first over the labelled pixels, by {@link LossSpec}'s definition. */
function softmaxDice(logits: Tensor64, target: Float64Array): number {
  const [n = 0, c = 0, h = 0, w = 0] = logits.shape;
  const x = logits.data;
  const inter = new Float64Array(c);
  const sumP = new Float64Array(c);
  const sumT = new Float64Array(c);
  for (let b = 0; b < n; b++)
    for (let pix = 0; pix < h * w; pix++) {
      const idx = (ch: number) => (b * c + ch) * h * w + pix;
      const e = Array.from({ length: c }, (_, ch) => Math.exp(at(x, idx(ch))));
      const z = e.reduce((a, v) => a + v, 0);
      const labelled = Array.from({ length: c }, (_, ch) => at(target, idx(ch))).reduce((a, v) => a + v, 0);
      for (let ch = 0; ch < c; ch++) {
        const p = (e[ch] ?? 0) / z;
        inter[ch] = at(inter, ch) + p * at(target, idx(ch));
        sumP[ch] = at(sumP, ch) + p * labelled;
        sumT[ch] = at(sumT, ch) + at(target, idx(ch));
      }
    }
  let ratios = 0;
  for (let ch = 1; ch < c; ch++)
    ratios += (2 * at(inter, ch) + DICE_SMOOTHING) / (at(sumP, ch) + at(sumT, ch) + DICE_SMOOTHING);
  return 1 - ratios / (c - 1);
}

/** Central differences of `f` with respect to every element of `x` (modified in place and restored). */
export function numericGradient(f: () => number, x: Float64Array, eps = 1e-5): Float64Array {
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const saved = at(x, i);
    x[i] = saved + eps;
    const up = f();
    x[i] = saved - eps;
    const down = f();
    x[i] = saved;
    grad[i] = (up - down) / (2 * eps);
  }
  return grad;
}
