/**
 * @module ml/graph/losses — loss heads on the logits: sigmoid + (weighted) BCE, soft Dice, BCE+Dice for one
 * channel; softmax + (class-weighted) cross-entropy for C channels. Each emits the scalar loss, the probabilities
 * and, for training, the closed-form gradient with respect to the logits (issue 3).
 */
import { invalid } from '../../shared/index.ts';
import type { GraphBuilder } from './graph-builder.ts';
import { sizeOf } from './network.ts';

/**
 * The training loss. Binary losses (one output channel) take targets N×1×H×W with values in [0, 1];
 * `softmax-ce` (C ≥ 2 channels) takes one-hot targets N×C×H×W (a pixel whose target row is all zero is ignored).
 * - `bce`: mean of −[w·y·log p + (1−y)·log(1−p)], p = sigmoid(logit), w = `posWeight` (default 1).
 * - `dice`: 1 − (2Σpy + 1)/(Σp + Σy + 1), sums over the whole batch (stable on chips without buildings).
 * - `bce-dice`: bce + `diceWeight` (default 1) · dice.
 * - `softmax-ce`: Σ w_y·(−log softmax_y) / Σ w_y over pixels, w = `classWeights` (default all 1), plus
 *   `diceWeight` (default 0) · the mean soft Dice loss of the classes after the first (background), each summed over
 *   the whole batch's labelled pixels: Dice rewards the overlap of thin classes (boundary, contact) directly.
 */
export type LossSpec =
  | { kind: 'bce'; posWeight?: number }
  | { kind: 'dice' }
  | { kind: 'bce-dice'; posWeight?: number; diceWeight?: number }
  | { kind: 'softmax-ce'; classWeights?: number[]; diceWeight?: number };

/** Smoothing term of the soft Dice ratio. */
export const DICE_SMOOTHING = 1;

/** The values a loss head adds to a graph. */
export type LossValues = {
  /** Scalar loss. */
  readonly loss: string;
  /** Gradient of the loss with respect to the logits (same shape), when requested. */
  readonly dLogits: string | undefined;
};

/**
 * Checks a loss against the number of output classes.
 * @throws AppError when a binary loss meets C ≠ 1, softmax-ce meets C < 2, or a weight is not a positive number
 */
export function validateLoss(loss: LossSpec, classes: number): void {
  const positive = (v: number | undefined, what: string) => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0))
      invalid(`${what} must be a positive number, got ${v}`);
  };
  if (loss.kind === 'softmax-ce') {
    if (classes < 2) invalid(`loss softmax-ce needs at least 2 classes, the model has ${classes}`);
    const w = loss.classWeights;
    if (w !== undefined && w.length !== classes)
      invalid(`loss classWeights needs ${classes} values, got ${w.length}`);
    w?.forEach((v, i) => positive(v, `loss classWeights[${i}]`));
    const d = loss.diceWeight;
    if (d !== undefined && !(Number.isFinite(d) && d >= 0))
      invalid(`loss diceWeight must be a number ≥ 0, got ${d}`);
    return;
  }
  if (loss.kind !== 'bce' && loss.kind !== 'dice' && loss.kind !== 'bce-dice')
    invalid(`unknown loss ${String((loss as { kind: unknown }).kind)}`);
  if (classes !== 1)
    invalid(`loss ${loss.kind} needs 1 output class, the model has ${classes}; use softmax-ce`);
  if (loss.kind !== 'dice') positive(loss.posWeight, 'loss posWeight');
  if (loss.kind === 'bce-dice') positive(loss.diceWeight, 'loss diceWeight');
}

/**
 * Emits the probabilities of the logits: sigmoid for one channel, softmax over channels otherwise.
 * @param name - ONNX name of the output value
 */
export function emitProbabilities(g: GraphBuilder, logits: string, classes: number, name: string): string {
  return classes === 1 ? g.named(name, 'Sigmoid', [logits]) : g.named(name, 'Softmax', [logits], { axis: 1 });
}

function sumAll(g: GraphBuilder, x: string): string {
  return g.op('ReduceSum', [x], { keepdims: 0 });
}

/** mean(w·y·softplus(−x) + (1−y)·softplus(x)) = mean(softplus(x)·(1 + (w−1)·y) − w·y·x); dx = (p·(1+(w−1)y) − w·y)/n. */
function bce(
  g: GraphBuilder,
  logits: string,
  p: string,
  y: string,
  n: number,
  w: number,
  grad: boolean,
): LossValues {
  const weight = w === 1 ? undefined : g.op('Add', [g.op('Mul', [y, g.constant(w - 1)]), g.constant(1)]);
  const wy = w === 1 ? y : g.op('Mul', [y, g.constant(w)]);
  const softplus = g.op('Softplus', [logits]);
  const weighted = weight === undefined ? softplus : g.op('Mul', [softplus, weight]);
  const perPixel = g.op('Sub', [weighted, g.op('Mul', [wy, logits])]);
  const loss = g.op('ReduceMean', [perPixel], { keepdims: 0 });
  if (!grad) return { loss, dLogits: undefined };
  const pw = weight === undefined ? p : g.op('Mul', [p, weight]);
  return { loss, dLogits: g.op('Mul', [g.op('Sub', [pw, wy]), g.constant(1 / n)]) };
}

/** 1 − (2I + s)/D with I = Σpy, D = Σp + Σy + s; dL/dp = (2I + s)/D² − 2y/D; dx = dL/dp · p(1−p). */
function dice(g: GraphBuilder, p: string, y: string, grad: boolean): LossValues {
  const s = g.constant(DICE_SMOOTHING);
  const numerator = g.op('Add', [g.op('Mul', [sumAll(g, g.op('Mul', [p, y])), g.constant(2)]), s]);
  const denominator = g.op('Add', [g.op('Add', [sumAll(g, p), sumAll(g, y)]), s]);
  const ratio = g.op('Div', [numerator, denominator]);
  const loss = g.op('Sub', [g.constant(1), ratio]);
  if (!grad) return { loss, dLogits: undefined };
  const u = g.op('Div', [ratio, denominator]);
  const v = g.op('Div', [g.constant(2), denominator]);
  const dp = g.op('Sub', [u, g.op('Mul', [y, v])]);
  const sigmoidSlope = g.op('Mul', [p, g.op('Sub', [g.constant(1), p])]);
  return { loss, dLogits: g.op('Mul', [dp, sigmoidSlope]) };
}

/** −Σ Tw·log softmax / Σ ω with Tw = T·w[c], ω = Σ_c Tw; dx = (ω·p − Tw)/Σ ω. */
function softmaxCrossEntropy(
  g: GraphBuilder,
  logits: string,
  p: string,
  t: string,
  weights: readonly number[] | undefined,
  grad: boolean,
): LossValues {
  const tw = weights === undefined ? t : g.op('Mul', [t, g.constant(weights, [1, weights.length, 1, 1])]);
  const omega = g.op('ReduceSum', [tw, g.ints([1])], { keepdims: 1 });
  const total = g.op('Max', [sumAll(g, omega), g.constant(1e-12)]);
  const logP = g.op('LogSoftmax', [logits], { axis: 1 });
  const loss = g.op('Div', [g.op('Neg', [sumAll(g, g.op('Mul', [tw, logP]))]), total]);
  if (!grad) return { loss, dLogits: undefined };
  const numerator = g.op('Sub', [g.op('Mul', [p, omega]), tw]);
  return { loss, dLogits: g.op('Div', [numerator, total]) };
}

/**
 * Mean over the foreground classes c ≥ 1 of 1 − (2I_c + s)/D_c, with I_c = Σ p_c·t_c, D_c = Σ p_c·v + Σ t_c + s and
 * v = Σ_c t_c the labelled-pixel mask, sums over batch and space. dL/dp_c = (R_c·v − 2t_c)/(K·D_c) for c ≥ 1 (0 for
 * the background), R_c the ratio, K = C − 1; through the softmax dx = p·(dp − Σ_c p_c·dp_c).
 */
function softmaxDice(g: GraphBuilder, p: string, t: string, classes: number, grad: boolean): LossValues {
  const s = g.constant(DICE_SMOOTHING);
  const overBatchAndSpace = (x: string) => g.op('ReduceSum', [x, g.ints([0, 2, 3])], { keepdims: 1 });
  const labelled = g.op('ReduceSum', [t, g.ints([1])], { keepdims: 1 });
  const foreground = Array.from({ length: classes }, (_, c) => (c === 0 ? 0 : 1 / (classes - 1)));
  const classMean = g.constant(foreground, [1, classes, 1, 1]);
  const intersection = overBatchAndSpace(g.op('Mul', [p, t]));
  const denominator = g.op('Add', [
    g.op('Add', [overBatchAndSpace(g.op('Mul', [p, labelled])), overBatchAndSpace(t)]),
    s,
  ]);
  const ratio = g.op('Div', [g.op('Add', [g.op('Mul', [intersection, g.constant(2)]), s]), denominator]);
  const loss = g.op('Sub', [g.constant(1), sumAll(g, g.op('Mul', [ratio, classMean]))]);
  if (!grad) return { loss, dLogits: undefined };
  const dp = g.op('Mul', [
    g.op('Sub', [g.op('Mul', [ratio, labelled]), g.op('Mul', [t, g.constant(2)])]),
    g.op('Div', [classMean, denominator]),
  ]);
  const expected = g.op('ReduceSum', [g.op('Mul', [p, dp]), g.ints([1])], { keepdims: 1 });
  return { loss, dLogits: g.op('Mul', [p, g.op('Sub', [dp, expected])]) };
}

/** The weighted sum of two losses (the second weighted by `lambda`). */
function combined(g: GraphBuilder, a: LossValues, b: LossValues, lambda: number): LossValues {
  const weight = g.constant(lambda);
  const loss = g.op('Add', [a.loss, g.op('Mul', [b.loss, weight])]);
  if (a.dLogits === undefined || b.dLogits === undefined) return { loss, dLogits: undefined };
  return { loss, dLogits: g.op('Add', [a.dLogits, g.op('Mul', [b.dLogits, weight])]) };
}

/**
 * Emits the loss of `logits` against `target` (same shape, see {@link LossSpec}).
 * @param g - graph under construction
 * @param loss - the loss (assumed validated with {@link validateLoss})
 * @param logits - logits value [N, C, H, W]
 * @param probabilities - sigmoid/softmax of the logits
 * @param target - target value, same shape
 * @param shape - the static shape [N, C, H, W]
 * @param grad - also emit dLoss/dLogits
 */
export function emitLoss(
  g: GraphBuilder,
  loss: LossSpec,
  logits: string,
  probabilities: string,
  target: string,
  shape: readonly number[],
  grad: boolean,
): LossValues {
  const n = sizeOf(shape);
  switch (loss.kind) {
    case 'bce':
      return bce(g, logits, probabilities, target, n, loss.posWeight ?? 1, grad);
    case 'dice':
      return dice(g, probabilities, target, grad);
    case 'bce-dice': {
      const b = bce(g, logits, probabilities, target, n, loss.posWeight ?? 1, grad);
      return combined(g, b, dice(g, probabilities, target, grad), loss.diceWeight ?? 1);
    }
    case 'softmax-ce': {
      const ce = softmaxCrossEntropy(g, logits, probabilities, target, loss.classWeights, grad);
      const lambda = loss.diceWeight ?? 0;
      if (lambda === 0) return ce;
      return combined(g, ce, softmaxDice(g, probabilities, target, shape[1] ?? 2, grad), lambda);
    }
  }
}
