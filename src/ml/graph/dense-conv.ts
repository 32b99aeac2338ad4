/**
 * @module ml/graph/dense-conv — emits one k×k convolution either as the standard `Conv` or, when a block size is
 * given and the channels fit, as onnxruntime's blocked-layout kernel (`com.microsoft.nchwc` ReorderInput → Conv →
 * ReorderOutput). The blocked kernels are direct convolutions, 1.3–1.8× faster than the im2col + GEMM of the
 * standard CPU `Conv` on this project's U-Net layers (issue 3 §10); onnxruntime applies them on its own only to
 * convolutions with constant weights, which a training graph never has.
 */
import type { GraphBuilder } from './graph-builder.ts';

const NCHWC_DOMAIN = 'com.microsoft.nchwc';

/** One dense (group 1) convolution. */
export type DenseConv = {
  readonly input: string;
  /** Weights [out, in, k, k] in the standard layout. */
  readonly weight: string;
  readonly bias?: string;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride: number;
  readonly pads: readonly [number, number, number, number];
};

/** Whether the blocked kernel can run this convolution with block size `block`. */
function fitsBlocks(conv: DenseConv, block: number): boolean {
  const inputFits = conv.inChannels % block === 0 || conv.inChannels < block;
  return block > 0 && inputFits && conv.outChannels % block === 0;
}

/**
 * Reorders OIHW weights to the blocked filter layout: OIHWBiBo ([O/B, I/B, k, k, Bi, Bo]) for blocked inputs,
 * OIHWBo ([O/B, I, k, k, Bo]) for an input with fewer channels than a block (kept in NCHW).
 */
function blockedWeight(g: GraphBuilder, conv: DenseConv, block: number): string {
  const { inChannels: ci, outChannels: co, kernel: k } = conv;
  const shape = g.ints([co, ci, k, k]);
  if (ci < block) {
    const split = g.op('Reshape', [conv.weight, g.ints([co / block, block, ci, k, k])]);
    return g.op('Reshape', [g.op('Transpose', [split], { perm: [0, 2, 3, 4, 1] }), shape]);
  }
  const split = g.op('Reshape', [conv.weight, g.ints([co / block, block, ci / block, block, k, k])]);
  return g.op('Reshape', [g.op('Transpose', [split], { perm: [0, 2, 4, 5, 3, 1] }), shape]);
}

/**
 * Emits the convolution.
 * @param g - graph under construction
 * @param conv - the convolution
 * @param block - blocked-layout block size (16 with AVX-512, 8 with AVX2; see `detectNchwcBlockSize`), 0 for the
 * standard operator
 * @returns the output value name (NCHW)
 */
export function emitDenseConv(g: GraphBuilder, conv: DenseConv, block: number): string {
  const attributes = {
    kernel_shape: [conv.kernel, conv.kernel],
    pads: conv.pads,
    strides: [conv.stride, conv.stride],
  };
  const args = conv.bias === undefined ? [conv.input, conv.weight] : [conv.input, conv.weight, conv.bias];
  if (!fitsBlocks(conv, block)) return g.op('Conv', args, attributes);
  const input =
    conv.inChannels < block
      ? conv.input
      : (g.node('ReorderInput', [conv.input], {}, 1, NCHWC_DOMAIN)[0] as string);
  const blockedArgs = [input, blockedWeight(g, conv, block), ...(conv.bias === undefined ? [] : [conv.bias])];
  const output = g.node('Conv', blockedArgs, attributes, 1, NCHWC_DOMAIN)[0] as string;
  return g.node('ReorderOutput', [output], { channels: conv.outChannels }, 1, NCHWC_DOMAIN)[0] as string;
}
