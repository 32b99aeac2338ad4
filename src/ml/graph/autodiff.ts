/**
 * @module ml/graph/autodiff — emits a network's forward pass while recording a tape, then the reverse pass: each
 * recorded step's backward rule (from the op table) in reverse order, summing the gradients of a tensor consumed
 * more than once.
 */
import { batchNormRule } from './batch-norm-ops.ts';
import { convRule, convTransposeRule } from './conv-ops.ts';
import {
  addRule,
  concatRule,
  dropoutRule,
  leakyReluRule,
  maxPoolRule,
  normalizeRule,
  reluRule,
} from './elementwise-ops.ts';
import { INPUT_ID } from './network.ts';
import type { Layer, Network } from './network.ts';
import type { BackwardStep, EmitContext, ForwardResult, OpRule } from './op-rule.ts';

type RuleTable = { [K in Layer['kind']]: OpRule<Extract<Layer, { kind: K }>> };

/** The op table: layer kind → forward and backward rule. */
export const opRules: RuleTable = {
  conv: convRule,
  'conv-transpose': convTransposeRule,
  'batch-norm': batchNormRule,
  relu: reluRule,
  'leaky-relu': leakyReluRule,
  'max-pool': maxPoolRule,
  add: addRule,
  concat: concatRule,
  dropout: dropoutRule,
  normalize: normalizeRule,
};

function ruleOf<L extends Layer>(layer: L): OpRule<L> {
  return opRules[layer.kind] as unknown as OpRule<L>;
}

/** One recorded forward step. */
type TapeEntry = { layer: Layer; inputs: string[]; result: ForwardResult };

/** What the forward emission produced. */
export type ForwardTrace = {
  /** ONNX value name of the logits. */
  readonly logits: string;
  /** New running statistics by parameter name (train mode only). */
  readonly updates: ReadonlyMap<string, string>;
  readonly tape: readonly TapeEntry[];
};

/**
 * Emits the forward pass of `network` on the ONNX value `input`.
 * @param ctx - emission context (mode decides BatchNorm and Dropout behaviour)
 * @returns the logits value, the running-stat updates and the tape for {@link emitBackward}
 */
export function emitForward(ctx: EmitContext, network: Network, input: string): ForwardTrace {
  const values = new Map<string, string>([[INPUT_ID, input]]);
  const tape: TapeEntry[] = [];
  const updates = new Map<string, string>();
  for (const layer of network.layers) {
    const inputs = layer.inputs.map((id) => values.get(id) as string);
    const result = ruleOf(layer).forward(ctx, layer, inputs);
    values.set(layer.output, result.value);
    for (const [name, value] of result.updates ?? []) updates.set(name, value);
    tape.push({ layer, inputs, result });
  }
  return { logits: values.get(network.output) as string, updates, tape };
}

/** Which tensors and parameters need gradients. */
type GradientNeeds = { tensors: Set<string>; params: Set<string> };

function gradientNeeds(
  network: Network,
  trainable: ReadonlySet<string>,
  inputGradient: boolean,
): GradientNeeds {
  const tensors = new Set<string>(inputGradient ? [INPUT_ID] : []);
  for (const layer of network.layers) {
    const ownsTrainable = network.parameters.some((p) => p.layer === layer.name && trainable.has(p.name));
    if (ownsTrainable || layer.inputs.some((id) => tensors.has(id))) tensors.add(layer.output);
  }
  return { tensors, params: new Set(trainable) };
}

/** Gradients produced by {@link emitBackward}. */
export type BackwardGradients = {
  /** Gradient value per trainable parameter name. */
  readonly params: ReadonlyMap<string, string>;
  /** Gradient with respect to the network input, when requested. */
  readonly input: string | undefined;
};

/**
 * Emits the reverse pass from `dLogits` back through the tape.
 * @param trainable - parameters that get gradients (frozen and running statistics excluded)
 * @param inputGradient - also return the gradient with respect to the network input, default false
 */
export function emitBackward(
  ctx: EmitContext,
  network: Network,
  trace: ForwardTrace,
  dLogits: string,
  trainable: ReadonlySet<string>,
  inputGradient = false,
): BackwardGradients {
  const needs = gradientNeeds(network, trainable, inputGradient);
  const pending = new Map<string, string[]>([[network.output, [dLogits]]]);
  const accumulated = (id: string): string | undefined => {
    const parts = pending.get(id);
    if (parts === undefined || parts.length === 0) return undefined;
    // A chain of Adds, not one Sum: onnxruntime runs Add on every intra-op thread and Sum on one (same order, same
    // float result).
    return parts.reduce((sum, part) => ctx.g.op('Add', [sum, part]));
  };
  const params = new Map<string, string>();
  for (let i = trace.tape.length - 1; i >= 0; i--) {
    const { layer, inputs, result } = trace.tape[i] as TapeEntry;
    if (!needs.tensors.has(layer.output)) continue;
    const dOutput = accumulated(layer.output);
    if (dOutput === undefined) continue;
    const step: BackwardStep<Layer> = {
      layer,
      inputs,
      output: result.value,
      saved: result.saved ?? {},
      dOutput,
      needInput: layer.inputs.map((id) => needs.tensors.has(id)),
      needParam: (name) => needs.params.has(name),
    };
    const grads = ruleOf(layer).backward(ctx, step);
    layer.inputs.forEach((id, k) => {
      const grad = grads.inputs[k];
      if (grad !== undefined && step.needInput[k]) pending.set(id, [...(pending.get(id) ?? []), grad]);
    });
    for (const [name, grad] of grads.params) params.set(name, grad);
  }
  return { params, input: inputGradient ? accumulated(INPUT_ID) : undefined };
}
