/** @module ml/graph/op-rule — the contract between the graph emitters and each layer kind's forward/backward rule. */
import type { GraphBuilder } from './graph-builder.ts';
import type { Layer } from './network.ts';

/** `train`: batch statistics, dropout on, tape recorded; `eval`: running statistics, dropout off. */
export type EmitMode = 'train' | 'eval';

/** What an op rule may use while emitting nodes. */
export type EmitContext = {
  readonly g: GraphBuilder;
  readonly mode: EmitMode;
  /** Full static shape [N, C, H, W] of a network tensor, by id (batch size fixed at build time). */
  shape(id: string): readonly number[];
  /** ONNX value name holding a parameter, by parameter name. */
  param(name: string): string;
  /** Block size of onnxruntime's blocked-layout convolution kernels, 0 for the standard `Conv` everywhere. */
  readonly nchwcBlock: number;
};

/** The result of one layer's forward emission. */
export type ForwardResult = {
  /** ONNX value name of the layer output. */
  readonly value: string;
  /** Values the backward rule needs besides inputs and output (e.g. batch mean, pooling indices). */
  readonly saved?: Readonly<Record<string, string>>;
  /** New values of non-trainable parameters (BatchNorm running statistics), by parameter name. */
  readonly updates?: ReadonlyMap<string, string>;
};

/** One recorded forward step, as the backward rule receives it. */
export type BackwardStep<L extends Layer> = {
  readonly layer: L;
  /** ONNX value names of the layer inputs, in order. */
  readonly inputs: readonly string[];
  /** ONNX value name of the layer output. */
  readonly output: string;
  readonly saved: Readonly<Record<string, string>>;
  /** Gradient of the loss with respect to the output. */
  readonly dOutput: string;
  /** Which inputs need a gradient. */
  readonly needInput: readonly boolean[];
  /** Whether a parameter (by name) needs a gradient. */
  needParam(name: string): boolean;
};

/** Gradients produced by a backward rule: per input (undefined when not needed) and per parameter name. */
export type BackwardResult = {
  readonly inputs: readonly (string | undefined)[];
  readonly params: ReadonlyMap<string, string>;
};

/** Forward and backward emission for one layer kind. */
export type OpRule<L extends Layer> = {
  forward(ctx: EmitContext, layer: L, inputs: readonly string[]): ForwardResult;
  backward(ctx: EmitContext, step: BackwardStep<L>): BackwardResult;
};

/** A backward result with no parameter gradients. */
export function inputGradients(inputs: readonly (string | undefined)[]): BackwardResult {
  return { inputs, params: new Map() };
}
