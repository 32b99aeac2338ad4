/**
 * @module ml/trainer/validation — the validation pass of a training run: the eval graph (BatchNorm running
 * statistics, current parameters as inputs, dynamic batch) over the validation chips, giving the validation loss and
 * pixel + object metrics (issue 3 §4, §5).
 */
import type { MaskKind } from '../../datasets/index.ts';
import { createTrainingSession } from '../graph/index.ts';
import type { LossSpec } from '../graph/index.ts';
import type { SegmentationMetrics } from '../metrics/index.ts';
import { buildEvalGraph } from '../models/index.ts';
import type { ModelDeclaration } from '../models/index.ts';
import type { Normalization } from '../train/index.ts';
import { evaluationInput, writeTarget } from './batches.ts';
import { createChipScorer } from './chip-scoring.ts';
import { chipMask } from './chip-store.ts';
import type { ChipStore } from './chip-store.ts';

/** Loss and scores of one validation pass. */
export type ValidationResult = {
  /** Mean loss over the chips (batch losses weighted by their chip counts). */
  loss: number;
  metrics: SegmentationMetrics;
};

/** Validates parameter values on a fixed set of chips. */
export interface Validator {
  /**
   * Runs the validation chips through the eval graph with `params`.
   * @param params - current values of every parameter
   * @param signal - stops between batches with the abort reason
   */
  run(params: ReadonlyMap<string, Float32Array>, signal?: AbortSignal): Promise<ValidationResult>;
  release(): Promise<void>;
}

/** Options of {@link createValidator}. */
export type ValidatorOptions = {
  decl: ModelDeclaration;
  loss: LossSpec;
  store: ChipStore;
  truthKind: MaskKind;
  normalization: Normalization;
  /** Chips per eval run, default 8 (the last batch is simply smaller: the graph's batch is dynamic). */
  batchSize?: number;
  threads?: number;
  /** Building threshold of binary models, default 0.5. */
  threshold?: number;
  /** Predicted objects under this many pixels are not counted, default 0. */
  minPredictedPixels?: number;
};

/**
 * Loads the eval graph of a model for a validation split.
 * @param options - see {@link ValidatorOptions}
 * @returns the validator
 * @throws AppError when onnxruntime rejects the graph
 */
export async function createValidator(options: ValidatorOptions): Promise<Validator> {
  const { decl, store } = options;
  const graph = buildEvalGraph(decl, { loss: options.loss });
  const session = await createTrainingSession(
    graph.model,
    options.threads === undefined ? {} : { threads: options.threads },
  );
  const classes = decl.spec.classes;
  const plane = store.size * store.size;
  const batchSize = options.batchSize ?? 8;
  return {
    async run(params, signal) {
      const scorer = createChipScorer({
        size: store.size,
        classes,
        truthKind: options.truthKind,
        minPredictedPixels: options.minPredictedPixels ?? 0,
        ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
      });
      const feeds = new Map<string, Float32Array>();
      for (const [name, input] of graph.inputNames.parameters)
        feeds.set(input, params.get(name) as Float32Array);
      let lossSum = 0;
      for (let first = 0; first < store.count; first += batchSize) {
        signal?.throwIfAborted();
        const count = Math.min(batchSize, store.count - first);
        const target = new Float32Array(count * classes * plane);
        for (let k = 0; k < count; k++)
          writeTarget(chipMask(store, first + k), classes, target, k * classes * plane);
        feeds.set(graph.inputNames.input, evaluationInput(store, first, count, options.normalization));
        feeds.set(graph.inputNames.target, target);
        const out = await session.run(feeds, [graph.outputNames.loss, graph.outputNames.predictions]);
        lossSum += (out.get(graph.outputNames.loss)?.[0] ?? Number.NaN) * count;
        const probabilities = out.get(graph.outputNames.predictions) as Float32Array;
        for (let k = 0; k < count; k++)
          scorer.add(
            probabilities.subarray(k * classes * plane, (k + 1) * classes * plane),
            chipMask(store, first + k),
          );
      }
      return { loss: lossSum / store.count, metrics: scorer.result() };
    },
    release: () => session.release(),
  };
}
