/** @module ml/graph/network — the typed layer IR: a network is a list of layers over named tensors, with shapes. */
import { invalid } from '../../shared/index.ts';

/** Per-sample tensor shape: channels, height, width (the batch dimension is added when a graph is built). */
export type Shape3 = readonly [channels: number, height: number, width: number];

/** A tensor of a network under construction: its id and per-sample shape. */
export type TensorHandle = { readonly id: string; readonly shape: Shape3 };

type LayerBase = {
  /** Unique layer name; parameters are named `<name>.<weight|bias|running_mean|running_var>`. */
  readonly name: string;
  /** Ids of the input tensors. */
  readonly inputs: readonly string[];
  /** Id of the output tensor (the layer name). */
  readonly output: string;
  readonly outputShape: Shape3;
  /** True for layers of the encoder (frozen by `--freeze-encoder`). */
  readonly encoder: boolean;
};

/** k×k convolution, stride 1 or 2, 'same' padding k÷2 on each side (k odd), optional bias. */
export type ConvLayer = LayerBase & {
  readonly kind: 'conv';
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride: 1 | 2;
  readonly bias: boolean;
};
/** Transposed convolution with kernel == stride (an exact k× upsampling), optional bias. */
export type ConvTransposeLayer = LayerBase & {
  readonly kind: 'conv-transpose';
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly bias: boolean;
};
/** Batch normalisation: batch statistics while training, running statistics in eval mode and in the export. */
export type BatchNormLayer = LayerBase & {
  readonly kind: 'batch-norm';
  readonly channels: number;
  readonly epsilon: number;
  /** Weight of the new batch statistic in the running average (PyTorch convention, 0.1). */
  readonly momentum: number;
};
/** max(x, 0). */
export type ReluLayer = LayerBase & { readonly kind: 'relu' };
/** x for x > 0, alpha·x otherwise. */
export type LeakyReluLayer = LayerBase & { readonly kind: 'leaky-relu'; readonly alpha: number };
/** 2×2 max pooling, stride 2. */
export type MaxPoolLayer = LayerBase & { readonly kind: 'max-pool' };
/** Element-wise sum of two tensors of the same shape (residual connections). */
export type AddLayer = LayerBase & { readonly kind: 'add' };
/** Concatenation along channels. */
export type ConcatLayer = LayerBase & { readonly kind: 'concat' };
/** Inverted dropout while training (kept values scaled by 1/(1−ratio)), identity in eval mode and the export. */
export type DropoutLayer = LayerBase & {
  readonly kind: 'dropout';
  readonly ratio: number;
  readonly seed: number;
};
/** Fixed input scaling: (x·scale − mean[c]) / std[c]; no parameters, no gradient. */
export type NormalizeLayer = LayerBase & {
  readonly kind: 'normalize';
  readonly scale: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
};

/** One layer of the IR. */
export type Layer =
  | ConvLayer
  | ConvTransposeLayer
  | BatchNormLayer
  | ReluLayer
  | LeakyReluLayer
  | MaxPoolLayer
  | AddLayer
  | ConcatLayer
  | DropoutLayer
  | NormalizeLayer;

/** Kind of a parameter tensor. */
export type ParameterKind = 'weight' | 'bias' | 'bn-scale' | 'bn-bias' | 'bn-mean' | 'bn-var';

/** A parameter tensor of a network: its name, shape, kind and whether the optimiser updates it. */
export type ParameterInfo = {
  readonly name: string;
  readonly shape: readonly number[];
  readonly kind: ParameterKind;
  /** False for BatchNorm running statistics: the training graph outputs their new values instead of gradients. */
  readonly trainable: boolean;
  readonly encoder: boolean;
  /** Name of the layer that owns it. */
  readonly layer: string;
  /** Fan-in of the layer (input channels × kernel area) for weights, used by He initialisation. */
  readonly fanIn: number;
};

/** A finished network: the input tensor `input`, the layers in execution order and the logits tensor. */
export type Network = {
  readonly name: string;
  readonly inputShape: Shape3;
  readonly layers: readonly Layer[];
  /** Id of the logits tensor (the last layer's output). */
  readonly output: string;
  readonly outputShape: Shape3;
  readonly parameters: readonly ParameterInfo[];
};

/** Id of the network input tensor. */
export const INPUT_ID = 'input';

/**
 * The parameters a layer owns, in a fixed order.
 * @param layer - any layer
 * @returns weight/bias for convolutions; scale, bias, running mean and variance for BatchNorm; none otherwise
 */
export function parametersOf(layer: Layer): ParameterInfo[] {
  const p = (suffix: string, shape: number[], kind: ParameterKind, fanIn: number): ParameterInfo => ({
    name: `${layer.name}.${suffix}`,
    shape,
    kind,
    trainable: kind !== 'bn-mean' && kind !== 'bn-var',
    encoder: layer.encoder,
    layer: layer.name,
    fanIn,
  });
  switch (layer.kind) {
    case 'conv': {
      const { inChannels: ci, outChannels: co, kernel: k } = layer;
      const fanIn = ci * k * k;
      const w = p('weight', [co, ci, k, k], 'weight', fanIn);
      return layer.bias ? [w, p('bias', [co], 'bias', fanIn)] : [w];
    }
    case 'conv-transpose': {
      const { inChannels: ci, outChannels: co, kernel: k } = layer;
      const fanIn = ci;
      const w = p('weight', [ci, co, k, k], 'weight', fanIn);
      return layer.bias ? [w, p('bias', [co], 'bias', fanIn)] : [w];
    }
    case 'batch-norm': {
      const c = layer.channels;
      return [
        p('weight', [c], 'bn-scale', 1),
        p('bias', [c], 'bn-bias', 1),
        p('running_mean', [c], 'bn-mean', 1),
        p('running_var', [c], 'bn-var', 1),
      ];
    }
    default:
      return [];
  }
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Number of trainable values of a network (BatchNorm running statistics excluded, as PyTorch counts). */
export function trainableParameterCount(network: Network): number {
  return network.parameters.filter((p) => p.trainable).reduce((sum, p) => sum + sizeOf(p.shape), 0);
}

/**
 * Per-sample shapes of every tensor of a network, by id (the input included).
 * @param network - a finished network
 */
export function shapesOf(network: Network): Map<string, Shape3> {
  const shapes = new Map<string, Shape3>([[INPUT_ID, network.inputShape]]);
  for (const layer of network.layers) shapes.set(layer.output, layer.outputShape);
  return shapes;
}

/**
 * Checks that a network is well formed: unique layer names, inputs defined before use, the output defined.
 * @throws AppError naming the first offending layer
 */
export function validateNetwork(network: Network): void {
  const known = new Set<string>([INPUT_ID]);
  for (const layer of network.layers) {
    for (const id of layer.inputs)
      if (!known.has(id)) invalid(`layer ${layer.name} reads unknown tensor ${id}`);
    if (known.has(layer.output)) invalid(`layer name ${layer.name} is used twice`);
    known.add(layer.output);
  }
  if (!known.has(network.output)) invalid(`network ${network.name} output ${network.output} is not produced`);
}
