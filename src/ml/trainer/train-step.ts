/**
 * @module ml/trainer/train-step — one optimiser step: the training graph in onnxruntime (forward, loss, backward,
 * BatchNorm statistics), then gradient checks, optional clipping and the optimiser update in TypeScript. Shared by
 * the training loop and `fair bench train`, so the benchmark times exactly what training runs (issue 3 §4, §10).
 */
import { createTrainingSession, detectNchwcBlockSize } from '../graph/index.ts';
import type { LossSpec, TrainingGraph, TrainingSession } from '../graph/index.ts';
import { buildTrainingGraph } from '../models/index.ts';
import type { ModelDeclaration } from '../models/index.ts';
import { clipGradientsByNorm, gradientNorm } from '../train/index.ts';
import type { Optimizer } from '../train/index.ts';

/** Options of {@link createTrainStepper}. */
export type TrainStepperOptions = {
  decl: ModelDeclaration;
  /** Chips per step (fixed in the graph). */
  batchSize: number;
  loss: LossSpec;
  optimizer: Optimizer;
  /** Current values of every parameter, updated in place by each step. */
  params: Map<string, Float32Array>;
  /** Trainable parameters that get no gradient and no update, default none. */
  frozen?: ReadonlySet<string>;
  /** BatchNorm running statistics that keep their values (a frozen encoder's), default none. */
  frozenStatistics?: ReadonlySet<string>;
  /** Clip the global gradient norm to this value, default no clipping. */
  gradientClip?: number;
  /** onnxruntime intra-op threads, default one per core. */
  threads?: number;
  /** Write an onnxruntime profile (`fair-train_<time>.json` in the working directory) on release, default false. */
  profile?: boolean;
  /**
   * Block size of onnxruntime's blocked (NCHWc) convolution kernels; default the CPU's (`detectNchwcBlockSize`);
   * 0 = standard operators only.
   */
  nchwcBlock?: number;
};

/** What a step did. */
export type StepOutcome = {
  loss: number;
  /** Global gradient norm before clipping (NaN/Infinity when a gradient is not finite). */
  gradientNorm: number;
  /** False when the loss or a gradient was not finite: nothing was changed. */
  applied: boolean;
};

/** Runs optimiser steps on one loaded training graph. */
export interface TrainStepper {
  readonly graph: TrainingGraph;
  /** Block size of the blocked convolution kernels the graph uses (0 = standard operators). */
  readonly nchwcBlock: number;
  /**
   * Takes one step: updates `params` in place unless the loss or a gradient is not finite.
   * @param input - `[B, 3, S, S]` normalised images
   * @param target - `[B, C, S, S]` targets
   * @param lr - learning rate of this step
   */
  step(input: Float32Array, target: Float32Array, lr: number): Promise<StepOutcome>;
  /** Frees the onnxruntime session (writing the profile first when profiling). */
  release(): Promise<void>;
}

/**
 * Builds the training graph of a model and loads it.
 * @param options - see {@link TrainStepperOptions}
 * @returns the stepper
 * @throws AppError for a bad batch size or loss, or when onnxruntime rejects the graph
 * @example
 * const stepper = await createTrainStepper({ decl, batchSize: 8, loss, optimizer: createAdam(), params });
 * const { loss } = await stepper.step(input, target, 1e-3);
 */
export async function createTrainStepper(options: TrainStepperOptions): Promise<TrainStepper> {
  const { decl, params, optimizer } = options;
  const nchwcBlock = options.nchwcBlock ?? (await detectNchwcBlockSize());
  const graph = buildTrainingGraph(decl, {
    batchSize: options.batchSize,
    loss: options.loss,
    nchwcBlock,
    ...(options.frozen === undefined ? {} : { frozen: options.frozen }),
  });
  const session: TrainingSession = await createTrainingSession(graph.model, {
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    ...(options.profile === true ? { profile: true } : {}),
  });
  const keptStatistics = options.frozenStatistics ?? new Set<string>();
  const statistics = [...graph.outputNames.bnUpdates].filter(([name]) => !keptStatistics.has(name));
  const fetch = [
    graph.outputNames.loss,
    ...graph.outputNames.gradients.values(),
    ...statistics.map(([, output]) => output),
  ];
  const feeds = new Map<string, Float32Array>();

  return {
    graph,
    nchwcBlock,
    async step(input, target, lr) {
      for (const [name, input_] of graph.inputNames.parameters)
        feeds.set(input_, params.get(name) as Float32Array);
      feeds.set(graph.inputNames.input, input);
      feeds.set(graph.inputNames.target, target);
      const out = await session.run(feeds, fetch);
      const loss = out.get(graph.outputNames.loss)?.[0] ?? Number.NaN;
      const grads = new Map<string, Float32Array>();
      for (const [name, output] of graph.outputNames.gradients)
        grads.set(name, out.get(output) as Float32Array);
      const norm =
        options.gradientClip === undefined
          ? gradientNorm(grads)
          : clipGradientsByNorm(grads, options.gradientClip);
      if (!Number.isFinite(loss) || !Number.isFinite(norm))
        return { loss, gradientNorm: norm, applied: false };
      optimizer.step(params, grads, lr);
      for (const [name, output] of statistics)
        (params.get(name) as Float32Array).set(out.get(output) as Float32Array);
      return { loss, gradientNorm: norm, applied: true };
    },
    release: () => {
      session.endProfiling();
      return session.release();
    },
  };
}
