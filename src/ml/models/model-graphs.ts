/**
 * @module ml/models/model-graphs — the graphs of a declared model: training graph, eval graph and the inference
 * ONNX export (issue 3, §1 and §6).
 */
import { emitEvalGraph, emitInferenceModel, emitTrainingGraph } from '../graph/index.ts';
import type { LossSpec, TrainingGraph } from '../graph/index.ts';
import type { ModelDeclaration } from './model-declaration.ts';

/** Options of {@link buildTrainingGraph}. */
export type BuildTrainingGraphOptions = {
  /** Batch size, fixed in the graph. */
  batchSize: number;
  loss: LossSpec;
  /** Parameters without gradient outputs, e.g. `decl.encoderParameters()` for `--freeze-encoder`; default none. */
  frozen?: ReadonlySet<string>;
  /**
   * Block size for onnxruntime's blocked convolution kernels, from `await detectNchwcBlockSize()` (1.3–1.8× faster
   * convolutions on x86); default 0: standard operators only, for any onnxruntime build.
   */
  nchwcBlock?: number;
};

/**
 * The training graph of a model: inputs `input` [B, 3, S, S] (normalised RGB), `target` [B, C, S, S] and every
 * parameter by name; outputs `loss`, `<param>.grad` per trainable non-frozen parameter, `<stat>.new` per BatchNorm
 * running statistic, and `predictions` (probabilities).
 * @throws AppError for a bad batch size, a loss that does not fit the class count, or an unknown frozen name
 * @example
 * const graph = buildTrainingGraph(decl, { batchSize: 4, loss: { kind: 'bce-dice' } });
 * const session = await createTrainingSession(graph.model, { threads: 2 });
 */
export function buildTrainingGraph(decl: ModelDeclaration, options: BuildTrainingGraphOptions): TrainingGraph {
  return emitTrainingGraph(decl.network, {
    batchSize: options.batchSize,
    loss: options.loss,
    ...(options.frozen === undefined ? {} : { frozen: options.frozen }),
    ...(options.nchwcBlock === undefined ? {} : { nchwcBlock: options.nchwcBlock }),
  });
}

/**
 * The eval graph: forward with BatchNorm running statistics and no dropout, parameters as inputs (validation
 * without re-exporting). Output `predictions`; with a loss also input `target` and output `loss`.
 * @param options - batchSize (default dynamic), loss (default none), nchwcBlock (default 0, see
 * {@link BuildTrainingGraphOptions})
 * @throws AppError for a bad batch size or a loss that does not fit the class count
 */
export function buildEvalGraph(
  decl: ModelDeclaration,
  options: { batchSize?: number; loss?: LossSpec; nchwcBlock?: number } = {},
): TrainingGraph {
  return emitEvalGraph(decl.network, options);
}

/**
 * The inference ONNX model: opset 17, parameters as initializers, BatchNorm folded into the convolutions, input
 * `input` float32 [N, 3, S, S] normalised RGB (dynamic N; see `ModelSpec.normalization`), output `output` probabilities [N, C, S, S] (sigmoid for one
 * class, softmax over channels otherwise). Metadata props carry the model name, classes and normalisation.
 * @param params - a value for every parameter (e.g. from the trainer)
 * @throws AppError when a parameter value is missing or has the wrong length
 */
export function exportInferenceModel(decl: ModelDeclaration, params: ReadonlyMap<string, Float32Array>): Uint8Array {
  const { spec } = decl;
  return emitInferenceModel(decl.network, params, {
    metadata: {
      'fair.model': spec.name,
      'fair.classes': spec.classNames.join(','),
      'fair.input': 'RGB float32 normalised by the caller: (x/255 - mean[c]) / std[c]',
      'fair.normalization': JSON.stringify({ scale: spec.inputScale, ...spec.normalization }),
      'fair.parameters': String(decl.parameterCount()),
    },
  });
}
