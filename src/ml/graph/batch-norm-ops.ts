/**
 * @module ml/graph/batch-norm-ops — BatchNorm forward (batch statistics and running-stat updates while training,
 * running statistics in eval mode) and its backward rule, in standard operators (issue 3).
 */
import { float } from './graph-builder.ts';
import type { BatchNormLayer } from './network.ts';
import type { EmitContext, ForwardResult, OpRule } from './op-rule.ts';

const CHANNEL_REDUCE_AXES = [0, 2, 3];

function parameterNames(layer: BatchNormLayer) {
  return {
    scale: `${layer.name}.weight`,
    bias: `${layer.name}.bias`,
    mean: `${layer.name}.running_mean`,
    variance: `${layer.name}.running_var`,
  };
}

/** Number of values each channel statistic averages over: N·H·W. */
function countPerChannel(ctx: EmitContext, layer: BatchNormLayer): number {
  const [n = 0, , h = 0, w = 0] = ctx.shape(layer.output);
  return n * h * w;
}

function trainForward(ctx: EmitContext, layer: BatchNormLayer, x: string): ForwardResult {
  const { g } = ctx;
  const names = parameterNames(layer);
  const count = countPerChannel(ctx, layer);
  // One pass for Σx and one for Σx² (E[x²] − E[x]², clamped at 0): the activations this follows are conv outputs of
  // moderate mean, where float32 keeps ample precision, and a second centred pass would cost a full tensor read.
  const mean = g.op('ReduceMean', [x], { axes: CHANNEL_REDUCE_AXES, keepdims: 0 });
  const sumSquares = g.op('ReduceSumSquare', [x], { axes: CHANNEL_REDUCE_AXES, keepdims: 0 });
  const meanSquare = g.op('Mul', [sumSquares, g.constant(1 / count)]);
  const variance = g.op('Relu', [g.op('Sub', [meanSquare, g.op('Mul', [mean, mean])])]);
  // The inference-mode operator with the batch statistics is exactly the training-mode output, in one fused pass.
  const value = g.op(
    'BatchNormalization',
    [x, ctx.param(names.scale), ctx.param(names.bias), mean, variance],
    { epsilon: float(layer.epsilon) },
  );
  const invStd = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.constant(layer.epsilon)])])]);
  const m = layer.momentum;
  const unbiased = count > 1 ? count / (count - 1) : 1;
  const blend = (old: string, fresh: string, freshWeight: number) =>
    g.op('Add', [g.op('Mul', [old, g.constant(1 - m)]), g.op('Mul', [fresh, g.constant(freshWeight)])]);
  const updates = new Map([
    [names.mean, blend(ctx.param(names.mean), mean, m)],
    [names.variance, blend(ctx.param(names.variance), variance, m * unbiased)],
  ]);
  return { value, saved: { mean, invStd }, updates };
}

/** BatchNorm; parameters `weight` (γ), `bias` (β), `running_mean`, `running_var`, each [C]. */
export const batchNormRule: OpRule<BatchNormLayer> = {
  forward(ctx, layer, inputs) {
    const x = inputs[0] as string;
    if (ctx.mode === 'train') return trainForward(ctx, layer, x);
    const n = parameterNames(layer);
    const args = [x, ctx.param(n.scale), ctx.param(n.bias), ctx.param(n.mean), ctx.param(n.variance)];
    return { value: ctx.g.op('BatchNormalization', args, { epsilon: float(layer.epsilon) }) };
  },
  // dβ = Σdy; dγ = Σ(dy·x̂) = invstd·(Σ dy·x − mean·Σdy); dx = a·dy + b·x + c per channel with a = γ·invstd,
  // b = −a·invstd·dγ/M, c = −a·Σdy/M − b·mean (the standard formula (1/M)·γ·invstd·(M·dy − Σdy − x̂·Σ dy·x̂)).
  backward(ctx, step) {
    const { g } = ctx;
    const { layer, dOutput: dy, saved } = step;
    const x = step.inputs[0] as string;
    const names = parameterNames(layer);
    const mean = saved['mean'] as string;
    const invStd = saved['invStd'] as string;
    const count = countPerChannel(ctx, layer);
    const sumDy = g.op('ReduceSum', [dy, g.ints(CHANNEL_REDUCE_AXES)], { keepdims: 0 });
    const sumDyX = g.op('ReduceSum', [g.op('Mul', [dy, x]), g.ints(CHANNEL_REDUCE_AXES)], { keepdims: 0 });
    const dScale = g.op('Mul', [invStd, g.op('Sub', [sumDyX, g.op('Mul', [mean, sumDy])])]);
    const params = new Map<string, string>();
    if (step.needParam(names.scale)) params.set(names.scale, dScale);
    if (step.needParam(names.bias)) params.set(names.bias, sumDy);
    if (!step.needInput[0]) return { inputs: [undefined], params };
    const a = g.op('Mul', [ctx.param(names.scale), invStd]);
    const b = g.op('Mul', [g.op('Mul', [a, invStd]), g.op('Mul', [dScale, g.constant(-1 / count)])]);
    const c = g.op('Sub', [
      g.op('Mul', [a, g.op('Mul', [sumDy, g.constant(-1 / count)])]),
      g.op('Mul', [b, mean]),
    ]);
    const channelShape = g.ints([1, layer.channels, 1, 1]);
    const scaledDy = g.op('Mul', [dy, g.op('Reshape', [a, channelShape])]);
    // b·x + c as an inference-mode BatchNormalization (mean 0, variance 1, epsilon 0): one pass over x.
    const zeros = g.constant(new Array<number>(layer.channels).fill(0), [layer.channels]);
    const ones = g.constant(new Array<number>(layer.channels).fill(1), [layer.channels]);
    const affineX = g.op('BatchNormalization', [x, b, c, zeros, ones], { epsilon: float(0) });
    return { inputs: [g.op('Add', [scaledDy, affineX])], params };
  },
};
