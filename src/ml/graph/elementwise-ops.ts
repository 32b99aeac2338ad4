/**
 * @module ml/graph/elementwise-ops — forward and backward rules of the parameter-free layers: ReLU, LeakyReLU,
 * Dropout, MaxPool 2×2, Add, Concat and the fixed input normalisation (issue 3).
 */
import { float } from './graph-builder.ts';
import { OnnxDataType } from './onnx-proto.ts';
import type {
  AddLayer,
  ConcatLayer,
  DropoutLayer,
  LeakyReluLayer,
  MaxPoolLayer,
  NormalizeLayer,
  ReluLayer,
} from './network.ts';
import { inputGradients } from './op-rule.ts';
import type { EmitContext, OpRule } from './op-rule.ts';

/**
 * [y > 0] as a float tensor: HardSigmoid max(0, min(1, α·y)) with α the largest float, so y ≤ 0 gives 0 and every
 * y from the smallest normal float up gives exactly 1; only a subnormal y below 2.9e-39 would give a fraction. One
 * pass that onnxruntime spreads over its threads, where Greater + Cast took two and Cast ran on one thread (Where
 * and Sign are slower still).
 */
function positiveMask(ctx: EmitContext, y: string): string {
  return ctx.g.op('HardSigmoid', [y], { alpha: float(FLOAT32_MAX), beta: float(0) });
}

/** The largest float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** ReLU; backward dx = dy·[y > 0] (issue 3 §10: this pass runs on every activation). */
export const reluRule: OpRule<ReluLayer> = {
  forward: (ctx, _layer, inputs) => ({ value: ctx.g.op('Relu', [inputs[0] as string]) }),
  backward: (ctx, step) => inputGradients([ctx.g.op('Mul', [step.dOutput, positiveMask(ctx, step.output)])]),
};

/** LeakyReLU; backward dx = dy·(alpha + (1 − alpha)·[y > 0]) (y > 0 exactly where x > 0 since alpha ≥ 0). */
export const leakyReluRule: OpRule<LeakyReluLayer> = {
  forward: (ctx, layer, inputs) => ({
    value: ctx.g.op('LeakyRelu', [inputs[0] as string], { alpha: float(layer.alpha) }),
  }),
  backward(ctx, step) {
    const { g } = ctx;
    const { alpha } = step.layer;
    const mask = positiveMask(ctx, step.output);
    const slope = g.op('Add', [g.op('Mul', [mask, g.constant(1 - alpha)]), g.constant(alpha)]);
    return inputGradients([g.op('Mul', [step.dOutput, slope])]);
  },
};

/**
 * Dropout: onnxruntime's Dropout in training mode (its own generator, seeded by the layer seed once per session),
 * returning the keep mask; backward dx = dy/(1−ratio) where kept, else 0. Eval mode: identity.
 */
export const dropoutRule: OpRule<DropoutLayer> = {
  forward(ctx, layer, inputs) {
    const x = inputs[0] as string;
    if (ctx.mode === 'eval') return { value: x };
    const { g } = ctx;
    const [value, mask] = g.node(
      'Dropout',
      [x, g.constant(layer.ratio), g.bool(true)],
      { seed: layer.seed },
      2,
    );
    return { value: value as string, saved: { mask: mask as string } };
  },
  backward(ctx, step) {
    const { g } = ctx;
    const scaled = g.op('Mul', [step.dOutput, g.constant(1 / (1 - step.layer.ratio))]);
    const kept = g.op('Cast', [step.saved['mask'] as string], { to: OnnxDataType.FLOAT });
    return inputGradients([g.op('Mul', [scaled, kept])]);
  },
};

/** MaxPool 2×2 stride 2; backward puts dy at the arg-max of each window (MaxUnpool of the saved indices). */
export const maxPoolRule: OpRule<MaxPoolLayer> = {
  forward(ctx, _layer, inputs) {
    const attributes = { kernel_shape: [2, 2], strides: [2, 2] };
    if (ctx.mode === 'eval') return { value: ctx.g.op('MaxPool', [inputs[0] as string], attributes) };
    const [value, indices] = ctx.g.node('MaxPool', [inputs[0] as string], attributes, 2);
    return { value: value as string, saved: { indices: indices as string } };
  },
  backward(ctx, step) {
    const unpooled = ctx.g.op('MaxUnpool', [step.dOutput, step.saved['indices'] as string], {
      kernel_shape: [2, 2],
      strides: [2, 2],
    });
    return inputGradients([unpooled]);
  },
};

/** Element-wise sum; both inputs receive dy. */
export const addRule: OpRule<AddLayer> = {
  forward: (ctx, _layer, inputs) => ({ value: ctx.g.op('Add', [inputs[0] as string, inputs[1] as string]) }),
  backward: (_ctx, step) => inputGradients([step.dOutput, step.dOutput]),
};

/** Concatenation along channels; backward splits dy by the input channel counts. */
export const concatRule: OpRule<ConcatLayer> = {
  forward: (ctx, _layer, inputs) => ({ value: ctx.g.op('Concat', inputs, { axis: 1 }) }),
  backward(ctx, step) {
    const channels = step.layer.inputs.map((id) => ctx.shape(id)[1] ?? 0);
    const parts = ctx.g.node('Split', [step.dOutput, ctx.g.ints(channels)], { axis: 1 }, channels.length);
    return inputGradients(parts.map((p, i) => (step.needInput[i] ? p : undefined)));
  },
};

/** Fixed normalisation (x·scale − mean)/std as one Mul and one Add with per-channel constants. */
export const normalizeRule: OpRule<NormalizeLayer> = {
  forward(ctx, layer, inputs) {
    const { g } = ctx;
    const c = layer.mean.length;
    const factor = g.constant(
      layer.std.map((s) => layer.scale / s),
      [1, c, 1, 1],
    );
    const offset = g.constant(
      layer.mean.map((m, i) => -m / (layer.std[i] as number)),
      [1, c, 1, 1],
    );
    return { value: g.op('Add', [g.op('Mul', [inputs[0] as string, factor]), offset]) };
  },
  backward(ctx, step) {
    const { layer } = step;
    const factor = ctx.g.constant(
      layer.std.map((s) => layer.scale / s),
      [1, layer.mean.length, 1, 1],
    );
    return inputGradients([ctx.g.op('Mul', [step.dOutput, factor])]);
  },
};
