/**
 * @module ml/graph/inference-export — the inference ONNX model: parameters as initializers, input `input`
 * [N, C, H, W] with dynamic N, output `output` probabilities, BatchNorm folded or in inference mode (issue 3, §6).
 */
import { invalid } from '../../shared/index.ts';
import { emitForward } from './autodiff.ts';
import { foldBatchNorm } from './fold-batch-norm.ts';
import type { ParameterValues } from './fold-batch-norm.ts';
import { GraphBuilder } from './graph-builder.ts';
import { emitProbabilities } from './losses.ts';
import { shapesOf, sizeOf, validateNetwork } from './network.ts';
import type { Network } from './network.ts';
import type { EmitContext } from './op-rule.ts';

/** Input name of exported models. */
export const EXPORT_INPUT_NAME = 'input';
/** Output name of exported models. */
export const EXPORT_OUTPUT_NAME = 'output';

/** Options of {@link emitInferenceModel}. */
export type InferenceExportOptions = {
  /** Fold BatchNorm into the preceding convolution, default true. */
  foldBatchNorm?: boolean;
  /** Let height and width vary too (symbols `H`, `W`), default false (fixed at the declared input size). */
  dynamicSpatial?: boolean;
  /** ModelProto metadata_props, default none. */
  metadata?: Readonly<Record<string, string>>;
};

/**
 * Checks that every parameter has a value of the right length.
 * @throws AppError naming the first missing or mis-sized parameter
 */
export function checkParameterValues(network: Network, params: ParameterValues): void {
  for (const p of network.parameters) {
    const v = params.get(p.name);
    if (v === undefined) invalid(`parameter ${p.name} has no value`);
    if (v.length !== sizeOf(p.shape))
      invalid(
        `parameter ${p.name} has ${v.length} values, expected ${sizeOf(p.shape)} (${p.shape.join('×')})`,
      );
  }
}

/**
 * Emits the inference model of a network with the given parameter values.
 * @returns ONNX ModelProto bytes (opset 17): `input` float32 [N, C, H, W] → `output` probabilities [N, K, H, W]
 * (sigmoid for one class, softmax over channels otherwise)
 * @throws AppError when a parameter value is missing or has the wrong length
 */
export function emitInferenceModel(
  network: Network,
  params: ParameterValues,
  options: InferenceExportOptions = {},
): Uint8Array {
  validateNetwork(network);
  checkParameterValues(network, params);
  const folded = options.foldBatchNorm === false ? { network, params } : foldBatchNorm(network, params);
  const net = folded.network;
  const g = new GraphBuilder();
  const shapes = shapesOf(net);
  const ctx: EmitContext = {
    g,
    mode: 'eval',
    // onnxruntime moves constant-weight convolutions to its blocked kernels by itself.
    nchwcBlock: 0,
    shape: (id) => [1, ...(shapes.get(id) ?? [])],
    param: (name) => name,
  };
  for (const p of net.parameters)
    g.addInitializer(p.name, p.shape, folded.params.get(p.name) as Float32Array);
  const [c, h, w] = net.inputShape;
  const [k] = net.outputShape;
  const spatial = options.dynamicSpatial === true ? ['H', 'W'] : [h, w];
  g.addInput(EXPORT_INPUT_NAME, ['N', c, ...spatial]);
  const trace = emitForward(ctx, net, EXPORT_INPUT_NAME);
  emitProbabilities(g, trace.logits, k, EXPORT_OUTPUT_NAME);
  g.addOutput(EXPORT_OUTPUT_NAME, ['N', k, ...spatial]);
  return g.encode(`${network.name}-inference`, options.metadata ?? {});
}
