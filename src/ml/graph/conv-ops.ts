/**
 * @module ml/graph/conv-ops — forward and backward rules of Conv (k×k, stride 1/2, 'same') and ConvTranspose
 * (kernel == stride), in standard opset-17 operators (rules from docs/onnx-training.md, issue 3).
 */
import { emitDenseConv } from './dense-conv.ts';
import type { GraphBuilder } from './graph-builder.ts';
import type { ConvLayer, ConvTransposeLayer } from './network.ts';
import type { BackwardResult, EmitContext, OpRule } from './op-rule.ts';

/** Sum over batch and space of `dz` [N, C, H, W]: the bias gradient [C]. */
function biasGradient(g: GraphBuilder, dz: string): string {
  return g.op('ReduceSum', [dz, g.ints([0, 2, 3])], { keepdims: 0 });
}

/**
 * im2col of `x` [N, ci, H, W] for a k×k kernel with padding p and stride s: [N, ci·k·k, Ho·Wo], the column index
 * ordered (ci, i, j) like a Conv weight [co, ci, k, k]. Built from k² strided Slices of the padded input.
 */
function im2col(g: GraphBuilder, x: string, xShape: readonly number[], layer: ConvLayer): string {
  const [n = 0, ci = 0, h = 0, w = 0] = xShape;
  const { kernel: k, stride: s } = layer;
  const p = Math.floor(k / 2);
  const ho = h / s;
  const wo = w / s;
  if (k === 1 && s === 1) return g.op('Reshape', [x, g.ints([n, ci, h * w])]);
  const padded = p > 0 ? g.op('Pad', [x, g.ints([0, 0, p, p, 0, 0, p, p])]) : x;
  const shifts: string[] = [];
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const slice = g.op('Slice', [
        padded,
        g.ints([i, j]),
        g.ints([i + s * (ho - 1) + 1, j + s * (wo - 1) + 1]),
        g.ints([2, 3]),
        g.ints([s, s]),
      ]);
      shifts.push(g.op('Unsqueeze', [slice, g.ints([2])]));
    }
  const stacked = g.op('Concat', shifts, { axis: 2 });
  return g.op('Reshape', [stacked, g.ints([n, ci * k * k, ho * wo])]);
}

/**
 * Weights of a grouped convolution that copies each channel c into k shifted versions (output channel c·k + t):
 * one-hot k-tap kernels, laid out [channels·k, 1, 1, k] (`horizontal`) or [channels·k, 1, k, 1].
 * @param position - the tap that is 1 in kernel t
 */
function shiftKernels(
  g: GraphBuilder,
  channels: number,
  k: number,
  horizontal: boolean,
  position: (t: number) => number,
): string {
  const values = new Array<number>(channels * k * k).fill(0);
  for (let c = 0; c < channels; c++) for (let t = 0; t < k; t++) values[(c * k + t) * k + position(t)] = 1;
  return g.constant(values, horizontal ? [channels * k, 1, 1, k] : [channels * k, 1, k, 1]);
}

/**
 * dW for stride 1 without a k²-fold im2col (issue 3, performance): k horizontal shifts of the padded input
 * Xj[n, (ci, j), h', w] = Xp[n, ci, h', w + j] and k vertical shifts of the output gradient
 * Dz[n, (co, i), h', w] = dz[n, co, h' − i, w] (both over the H + 2p padded rows), then one MatMul over (h', w)
 * gives Σ dz[h, w]·Xp[h + i, w + j] = dW[co, ci, i, j] for all k² taps. It writes k·(|x| + |dz|) values instead of
 * k²·|x| twice, which is what the step time is made of at 256 px.
 */
function convWeightGradientStride1(ctx: EmitContext, layer: ConvLayer, x: string, dz: string): string {
  const { g } = ctx;
  const [n = 0, co = 0, h = 0, w = 0] = ctx.shape(layer.output);
  const { inChannels: ci, kernel: k } = layer;
  const p = Math.floor(k / 2);
  const rows = h + 2 * p;
  const horizontal = shiftKernels(g, ci, k, true, (j) => j);
  const vertical = shiftKernels(g, co, k, false, (i) => k - 1 - i);
  const xShifts = g.op('Conv', [x, horizontal], {
    kernel_shape: [1, k],
    pads: [p, p, p, p],
    group: ci,
  });
  const dzShifts = g.op('Conv', [dz, vertical], {
    kernel_shape: [k, 1],
    pads: [k - 1, 0, k - 1, 0],
    group: co,
  });
  const a = g.op('Reshape', [dzShifts, g.ints([n, k * co, rows * w])]);
  const b = g.op('Reshape', [xShifts, g.ints([n, k * ci, rows * w])]);
  const perSample = g.op('MatMul', [a, g.op('Transpose', [b], { perm: [0, 2, 1] })]);
  const summed = g.op('ReduceSum', [perSample, g.ints([0])], { keepdims: 0 });
  return g.op('Transpose', [g.op('Reshape', [summed, g.ints([co, k, ci, k])])], { perm: [0, 2, 1, 3] });
}

/** dW [co, ci, k, k] = Σ_n dz_n · im2col(x)_nᵀ (the shift form for stride 1 and k > 1). */
function convWeightGradient(ctx: EmitContext, layer: ConvLayer, x: string, dz: string): string {
  const { g } = ctx;
  if (layer.stride === 1 && layer.kernel > 1) return convWeightGradientStride1(ctx, layer, x, dz);
  const xShape = ctx.shape(layer.inputs[0] as string);
  const [n = 0, co = 0, ho = 0, wo = 0] = ctx.shape(layer.output);
  const { inChannels: ci, kernel: k } = layer;
  const cols = im2col(g, x, xShape, layer);
  const dzFlat = g.op('Reshape', [dz, g.ints([n, co, ho * wo])]);
  const perSample = g.op('MatMul', [dzFlat, g.op('Transpose', [cols], { perm: [0, 2, 1] })]);
  const summed = g.op('ReduceSum', [perSample, g.ints([0])], { keepdims: 0 });
  return g.op('Reshape', [summed, g.ints([co, ci, k, k])]);
}

/** dX [N, ci, H, W]: the transposed convolution of dz with the same weights (output_padding restores H, W). */
function convInputGradient(ctx: EmitContext, layer: ConvLayer, weight: string, dz: string): string {
  const { g } = ctx;
  const [, , h = 0, w = 0] = ctx.shape(layer.inputs[0] as string);
  const [, , ho = 0, wo = 0] = ctx.shape(layer.output);
  const { kernel: k, stride: s } = layer;
  const p = Math.floor(k / 2);
  if (s === 1) {
    // Stride 1: a forward convolution with the kernel flipped and in/out channels swapped.
    const flipped = g.op('Slice', [
      weight,
      g.ints([-1, -1]),
      g.ints([-k - 1, -k - 1]),
      g.ints([2, 3]),
      g.ints([-1, -1]),
    ]);
    const swapped = g.op('Transpose', [flipped], { perm: [1, 0, 2, 3] });
    const conv = {
      input: dz,
      weight: swapped,
      inChannels: layer.outChannels,
      outChannels: layer.inChannels,
      kernel: k,
      stride: 1,
      pads: [p, p, p, p],
    } as const;
    return emitDenseConv(g, conv, k > 1 ? ctx.nchwcBlock : 0);
  }
  const outPadH = h - ((ho - 1) * s - 2 * p + k);
  const outPadW = w - ((wo - 1) * s - 2 * p + k);
  return g.op('ConvTranspose', [dz, weight], {
    kernel_shape: [k, k],
    strides: [s, s],
    pads: [p, p, p, p],
    output_padding: [outPadH, outPadW],
  });
}

/** Conv k×k, stride 1 or 2, 'same' padding k÷2, optional bias. */
export const convRule: OpRule<ConvLayer> = {
  forward(ctx, layer, inputs) {
    const k = layer.kernel;
    const p = Math.floor(k / 2);
    const conv = {
      input: inputs[0] as string,
      weight: ctx.param(`${layer.name}.weight`),
      ...(layer.bias ? { bias: ctx.param(`${layer.name}.bias`) } : {}),
      inChannels: layer.inChannels,
      outChannels: layer.outChannels,
      kernel: k,
      stride: layer.stride,
      pads: [p, p, p, p],
    } as const;
    return { value: emitDenseConv(ctx.g, conv, k > 1 ? ctx.nchwcBlock : 0) };
  },
  backward(ctx, step): BackwardResult {
    const { layer, dOutput } = step;
    const x = step.inputs[0] as string;
    const weightName = `${layer.name}.weight`;
    const params = new Map<string, string>();
    if (step.needParam(weightName)) params.set(weightName, convWeightGradient(ctx, layer, x, dOutput));
    if (layer.bias && step.needParam(`${layer.name}.bias`))
      params.set(`${layer.name}.bias`, biasGradient(ctx.g, dOutput));
    const dx = step.needInput[0] ? convInputGradient(ctx, layer, ctx.param(weightName), dOutput) : undefined;
    return { inputs: [dx], params };
  },
};

/**
 * ConvTranspose with kernel == stride k; weights [ci, co, k, k]. Backward: S = SpaceToDepth(dz) (channels (i, j, o))
 * gives both dX = 1×1 Conv(S, W as [ci, (i, j, o)]) and dW = Σ_n x_n · S_nᵀ. (A forward as 1×1 Conv + DepthToSpace
 * measured slower: onnxruntime's DepthToSpace is a generic 6-D transpose.)
 */
export const convTransposeRule: OpRule<ConvTransposeLayer> = {
  forward(ctx, layer, inputs) {
    const k = layer.kernel;
    const args = [inputs[0] as string, ctx.param(`${layer.name}.weight`)];
    if (layer.bias) args.push(ctx.param(`${layer.name}.bias`));
    return { value: ctx.g.op('ConvTranspose', args, { kernel_shape: [k, k], strides: [k, k] }) };
  },
  backward(ctx, step): BackwardResult {
    const { g } = ctx;
    const { layer, dOutput } = step;
    const x = step.inputs[0] as string;
    const { inChannels: ci, outChannels: co, kernel: k } = layer;
    const [n = 0, , h = 0, w = 0] = ctx.shape(layer.inputs[0] as string);
    const weightName = `${layer.name}.weight`;
    const params = new Map<string, string>();
    const needWeight = step.needParam(weightName);
    const blocks = needWeight || step.needInput[0] ? g.op('SpaceToDepth', [dOutput], { blocksize: k }) : '';
    if (needWeight) {
      const blocksFlat = g.op('Reshape', [blocks, g.ints([n, k * k * co, h * w])]);
      const xFlat = g.op('Reshape', [x, g.ints([n, ci, h * w])]);
      const perSample = g.op('MatMul', [xFlat, g.op('Transpose', [blocksFlat], { perm: [0, 2, 1] })]);
      const summed = g.op('ReduceSum', [perSample, g.ints([0])], { keepdims: 0 });
      const grouped = g.op('Reshape', [summed, g.ints([ci, k, k, co])]);
      params.set(weightName, g.op('Transpose', [grouped], { perm: [0, 3, 1, 2] }));
    }
    if (layer.bias && step.needParam(`${layer.name}.bias`))
      params.set(`${layer.name}.bias`, biasGradient(g, dOutput));
    if (!step.needInput[0]) return { inputs: [undefined], params };
    const weight = ctx.param(weightName);
    const gathered = g.op('Reshape', [
      g.op('Transpose', [weight], { perm: [0, 2, 3, 1] }),
      g.ints([ci, k * k * co, 1, 1]),
    ]);
    return { inputs: [g.op('Conv', [blocks, gathered], { kernel_shape: [1, 1] })], params };
  },
};
