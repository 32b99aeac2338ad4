/**
 * @module ml/graph/training-graph — assembles the training graph (forward + loss + backward, parameters as inputs)
 * and the eval graph (forward with running statistics, parameters as inputs) of a network (issue 3).
 */
import { invalid } from '../../shared/index.ts';
import { emitBackward, emitForward } from './autodiff.ts';
import { GraphBuilder } from './graph-builder.ts';
import { emitLoss, emitProbabilities, validateLoss } from './losses.ts';
import type { LossSpec } from './losses.ts';
import { INPUT_ID, shapesOf, validateNetwork } from './network.ts';
import type { Network } from './network.ts';
import type { EmitContext, EmitMode } from './op-rule.ts';

/** Graph input name of the image batch. */
export const INPUT_NAME = 'input';
/** Graph input name of the targets. */
export const TARGET_NAME = 'target';
/** Graph output name of the scalar loss. */
export const LOSS_NAME = 'loss';
/** Graph output name of the probabilities. */
export const PREDICTIONS_NAME = 'predictions';

/** ONNX value name of a parameter's gradient output. */
export const gradientName = (parameter: string): string => `${parameter}.grad`;
/** ONNX value name of a running statistic's updated value. */
export const updatedName = (parameter: string): string => `${parameter}.new`;

/** An ONNX model plus the names (and static shapes) of its inputs and outputs. */
export type TrainingGraph = {
  /** ONNX ModelProto bytes. */
  readonly model: Uint8Array;
  readonly inputNames: {
    readonly input: string;
    readonly target: string;
    /** Graph input name of every parameter (its own name), BatchNorm running statistics included. */
    readonly parameters: ReadonlyMap<string, string>;
  };
  readonly outputNames: {
    readonly loss: string;
    /** Gradient output per trainable, non-frozen parameter. */
    readonly gradients: ReadonlyMap<string, string>;
    /** Updated running statistic per BatchNorm `running_mean`/`running_var` parameter. */
    readonly bnUpdates: ReadonlyMap<string, string>;
    readonly predictions: string;
    /** Gradient with respect to the input batch, only when requested. */
    readonly inputGradient?: string;
  };
  /** Static shape of every graph input, by name. */
  readonly inputShapes: ReadonlyMap<string, readonly number[]>;
};

/** Options of {@link emitTrainingGraph}. */
export type TrainingGraphOptions = {
  /** Batch size, fixed in the graph. */
  batchSize: number;
  loss: LossSpec;
  /** Parameters that get no gradient output (e.g. the encoder for `--freeze-encoder`), default none. */
  frozen?: ReadonlySet<string>;
  /** Also output d loss / d input (tests, saliency), default false. */
  inputGradient?: boolean;
  /**
   * Run k×k convolutions on onnxruntime's blocked-layout kernels with this block size (from
   * `detectNchwcBlockSize()`); default 0: standard operators only (portable, e.g. to onnxruntime-web).
   */
  nchwcBlock?: number;
};

function checkBlock(block: number): number {
  if (![0, 4, 8, 16].includes(block)) invalid(`nchwcBlock must be 0, 4, 8 or 16, got ${block}`);
  return block;
}

function checkBatch(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    invalid(`batch size must be a positive integer, got ${batchSize}`);
}

function createContext(
  g: GraphBuilder,
  network: Network,
  mode: EmitMode,
  batch: number,
  nchwcBlock = 0,
): EmitContext {
  const shapes = shapesOf(network);
  return {
    g,
    mode,
    nchwcBlock,
    shape(id) {
      const s = shapes.get(id);
      if (s === undefined) invalid(`unknown tensor ${id} in network ${network.name}`);
      return [batch, ...s];
    },
    param: (name) => name,
  };
}

/** Declares every parameter as a graph input; returns name → input name. */
function declareParameters(g: GraphBuilder, network: Network, shapes: Map<string, readonly number[]>) {
  const names = new Map<string, string>();
  for (const p of network.parameters) {
    names.set(p.name, g.addInput(p.name, p.shape));
    shapes.set(p.name, p.shape);
  }
  return names;
}

/**
 * Builds the training graph: inputs are the batch `input` [B, C, H, W], the targets `target` [B, K, H, W] and every
 * parameter; outputs are the loss, a gradient per trainable non-frozen parameter, the updated BatchNorm running
 * statistics and the predictions (probabilities).
 * @throws AppError for a bad batch size, a loss that does not fit the class count, or an unknown frozen name
 */
export function emitTrainingGraph(network: Network, options: TrainingGraphOptions): TrainingGraph {
  validateNetwork(network);
  checkBatch(options.batchSize);
  const classes = network.outputShape[0];
  validateLoss(options.loss, classes);
  const frozen = options.frozen ?? new Set<string>();
  const known = new Set(network.parameters.map((p) => p.name));
  for (const name of frozen)
    if (!known.has(name)) invalid(`frozen parameter ${name} is not in network ${network.name}`);

  const g = new GraphBuilder();
  const batch = options.batchSize;
  const ctx = createContext(g, network, 'train', batch, checkBlock(options.nchwcBlock ?? 0));
  const inputShapes = new Map<string, readonly number[]>();
  const logitsShape = ctx.shape(network.output);
  const input = g.addInput(INPUT_NAME, ctx.shape(INPUT_ID));
  const target = g.addInput(TARGET_NAME, logitsShape);
  inputShapes.set(INPUT_NAME, ctx.shape(INPUT_ID)).set(TARGET_NAME, logitsShape);
  const parameters = declareParameters(g, network, inputShapes);

  const trace = emitForward(ctx, network, input);
  const predictions = emitProbabilities(g, trace.logits, classes, PREDICTIONS_NAME);
  const { loss, dLogits } = emitLoss(g, options.loss, trace.logits, predictions, target, logitsShape, true);
  g.named(LOSS_NAME, 'Identity', [loss]);
  g.addOutput(LOSS_NAME, []);
  g.addOutput(PREDICTIONS_NAME, logitsShape);

  const trainable = new Set(
    network.parameters.filter((p) => p.trainable && !frozen.has(p.name)).map((p) => p.name),
  );
  const grads = emitBackward(
    ctx,
    network,
    trace,
    dLogits as string,
    trainable,
    options.inputGradient ?? false,
  );
  const gradients = new Map<string, string>();
  for (const p of network.parameters) {
    if (!trainable.has(p.name)) continue;
    const value =
      grads.params.get(p.name) ??
      g.constant(new Array<number>(p.shape.reduce((a, b) => a * b, 1)).fill(0), p.shape);
    gradients.set(p.name, g.named(gradientName(p.name), 'Identity', [value]));
    g.addOutput(gradientName(p.name), p.shape);
  }
  const bnUpdates = new Map<string, string>();
  for (const [name, value] of trace.updates) {
    bnUpdates.set(name, g.named(updatedName(name), 'Identity', [value]));
    g.addOutput(updatedName(name), inputShapes.get(name) ?? []);
  }
  let inputGradient: string | undefined;
  if (options.inputGradient === true && grads.input !== undefined) {
    inputGradient = g.named(`${INPUT_NAME}.grad`, 'Identity', [grads.input]);
    g.addOutput(inputGradient, ctx.shape(INPUT_ID));
  }
  return {
    model: g.encode(`${network.name}-training`),
    inputNames: { input, target, parameters },
    outputNames: {
      loss: LOSS_NAME,
      gradients,
      bnUpdates,
      predictions,
      ...(inputGradient === undefined ? {} : { inputGradient }),
    },
    inputShapes,
  };
}

/** Options of {@link emitEvalGraph}. */
export type EvalGraphOptions = {
  /** Fixed batch size; default dynamic (`N`). */
  batchSize?: number;
  /** Also take `target` and output `loss` (validation loss), default no loss. */
  loss?: LossSpec;
  /** Blocked-layout convolution block size, as for {@link emitTrainingGraph}; default 0. */
  nchwcBlock?: number;
};

/**
 * Builds the eval graph: the forward pass in eval mode (BatchNorm running statistics, no dropout) with every
 * parameter as an input, outputs `predictions` (probabilities) and, when a loss is given, `loss`.
 * @throws AppError for a bad batch size or a loss that does not fit the class count
 */
export function emitEvalGraph(network: Network, options: EvalGraphOptions = {}): TrainingGraph {
  validateNetwork(network);
  if (options.batchSize !== undefined) checkBatch(options.batchSize);
  const classes = network.outputShape[0];
  if (options.loss !== undefined) validateLoss(options.loss, classes);
  const g = new GraphBuilder();
  const ctx = createContext(g, network, 'eval', options.batchSize ?? 1, checkBlock(options.nchwcBlock ?? 0));
  const batchDim: number | string = options.batchSize ?? 'N';
  const inputShape = [batchDim, ...network.inputShape];
  const logitsShape = [batchDim, ...network.outputShape];
  const inputShapes = new Map<string, readonly number[]>();
  const input = g.addInput(INPUT_NAME, inputShape);
  if (options.batchSize !== undefined) inputShapes.set(INPUT_NAME, inputShape as number[]);
  const parameters = declareParameters(g, network, inputShapes);
  const trace = emitForward(ctx, network, input);
  const predictions = emitProbabilities(g, trace.logits, classes, PREDICTIONS_NAME);
  g.addOutput(PREDICTIONS_NAME, logitsShape);
  if (options.loss !== undefined) {
    g.addInput(TARGET_NAME, logitsShape);
    if (options.batchSize !== undefined) inputShapes.set(TARGET_NAME, logitsShape as number[]);
    const { loss } = emitLoss(
      g,
      options.loss,
      trace.logits,
      predictions,
      TARGET_NAME,
      ctx.shape(network.output),
      false,
    );
    g.named(LOSS_NAME, 'Identity', [loss]);
    g.addOutput(LOSS_NAME, []);
  }
  return {
    model: g.encode(`${network.name}-eval`),
    inputNames: { input, target: TARGET_NAME, parameters },
    outputNames: { loss: LOSS_NAME, gradients: new Map(), bnUpdates: new Map(), predictions },
    inputShapes,
  };
}
