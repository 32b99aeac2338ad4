/**
 * @module ml/trainer/bench-train-step — `benchTrainStep`: times the training step the trainer runs (onnxruntime
 * forward + loss + backward, gradient check, AdamW update, BatchNorm statistics) on random data, and reports the
 * median time per step and the peak resident memory (`fair bench train`, issue 3 §4, §8).
 */
import { invalid } from '../../shared/index.ts';
import type { LossSpec } from '../graph/index.ts';
import { checkModelName, declareModel } from '../models/index.ts';
import { createAdam, createRng } from '../train/index.ts';
import { writeTarget } from './batches.ts';
import { createTrainStepper } from './train-step.ts';

/** Options of {@link benchTrainStep}. */
export type BenchTrainOptions = {
  /** Architecture, default `unet-s`. */
  model?: string;
  /** Chips per step, default 4. */
  batchSize?: number;
  /** Chip size in pixels (a multiple of 8), default 256. */
  size?: number;
  /** Timed steps, default 10. */
  steps?: number;
  /** Untimed steps before them, default 2. */
  warmup?: number;
  /** onnxruntime intra-op threads, default one per core. */
  threads?: number;
  /** Output classes: 1 (binary, BCE + Dice) or more (softmax cross-entropy), default 1. */
  classes?: number;
  /** Loss override, default `bce-dice` for one class and `softmax-ce` otherwise. */
  loss?: LossSpec;
  /** Write an onnxruntime profile of the run, default false. */
  profile?: boolean;
  /** Blocked-convolution block size, default the CPU's; 0 = standard operators only. */
  nchwcBlock?: number;
};

/** Result of {@link benchTrainStep}; keys in snake_case as `fair bench train --json` prints them. */
export type BenchTrainResult = {
  model: string;
  batch_size: number;
  size: number;
  threads: number | null;
  classes: number;
  steps: number;
  /** Median wall time of the timed steps (batch on hand, forward, backward, update). */
  ms_per_step: number;
  min_ms: number;
  max_ms: number;
  /** Peak resident set size of the process so far, MB (`process.resourceUsage().maxRSS`). */
  rss_mb: number;
  parameters: number;
  /** Time to build the graph and load it into onnxruntime. */
  setup_ms: number;
  /** Size of the training graph, MB. */
  graph_mb: number;
  /** Loss of the last step. */
  last_loss: number;
  /** Block size of the blocked convolution kernels used (0 = standard operators). */
  nchwc_block: number;
};

function count(what: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min)
    invalid(`${what} must be an integer >= ${min}, got ${value}`);
  return value;
}

/** Random normalised images and a target with buildings in about a third of the pixels. */
function randomBatch(
  batchSize: number,
  size: number,
  classes: number,
): { input: Float32Array; target: Float32Array } {
  const rng = createRng(7);
  const plane = size * size;
  const input = Float32Array.from({ length: batchSize * 3 * plane }, () => rng.normal());
  const target = new Float32Array(batchSize * classes * plane);
  const mask = new Uint8Array(plane);
  for (let b = 0; b < batchSize; b++) {
    for (let i = 0; i < plane; i++) mask[i] = rng.next() < 0.33 ? 1 + rng.int(Math.max(1, classes - 1)) : 0;
    writeTarget(mask, classes, target, b * classes * plane);
  }
  return { input, target };
}

/**
 * Builds the training graph at the requested model, batch and size, then runs `warmup` untimed and `steps` timed
 * training steps on random data, exactly as the trainer does (AdamW, lr 1e-3).
 * @param options - see {@link BenchTrainOptions}
 * @returns median, minimum and maximum ms per step and the peak RSS
 * @throws AppError INVALID_PARAMETER_VALUE for an unknown model, a bad size, batch, step count or class count
 * @example
 * const { ms_per_step, rss_mb } = await benchTrainStep({ batchSize: 8, size: 256, threads: 2 });
 */
export async function benchTrainStep(options: BenchTrainOptions = {}): Promise<BenchTrainResult> {
  const model = checkModelName(options.model ?? 'unet-s');
  const batchSize = count('batch size', options.batchSize ?? 4, 1);
  const size = count('size', options.size ?? 256, 8);
  const steps = count('steps', options.steps ?? 10, 1);
  const warmup = count('warm-up steps', options.warmup ?? 2, 0);
  const classes = count('classes', options.classes ?? 1, 1);
  const decl = declareModel(model, { classes, inputSize: size });
  const loss: LossSpec =
    options.loss ?? (classes === 1 ? { kind: 'bce-dice', posWeight: 2 } : { kind: 'softmax-ce' });
  const params = decl.initParameters(1);
  const started = performance.now();
  const stepper = await createTrainStepper({
    decl,
    batchSize,
    loss,
    optimizer: createAdam({ weightDecay: 1e-4, decoupled: true }),
    params,
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    ...(options.profile === true ? { profile: true } : {}),
    ...(options.nchwcBlock === undefined ? {} : { nchwcBlock: options.nchwcBlock }),
  });
  const setupMs = performance.now() - started;
  const { input, target } = randomBatch(batchSize, size, classes);
  const times: number[] = [];
  let lastLoss = Number.NaN;
  try {
    for (let i = 0; i < warmup + steps; i++) {
      const t0 = performance.now();
      const outcome = await stepper.step(input, target, 1e-3);
      if (!outcome.applied) invalid(`benchmark step ${i + 1} produced a non-finite loss ${outcome.loss}`);
      lastLoss = outcome.loss;
      if (i >= warmup) times.push(performance.now() - t0);
    }
  } finally {
    await stepper.release();
  }
  times.sort((a, b) => a - b);
  const mid = times.length / 2;
  const median =
    times.length % 2 === 1
      ? (times[Math.floor(mid)] as number)
      : ((times[mid - 1] as number) + (times[mid] as number)) / 2;
  const round1 = (v: number): number => Math.round(v * 10) / 10;
  return {
    model,
    batch_size: batchSize,
    size,
    threads: options.threads ?? null,
    classes,
    steps,
    ms_per_step: round1(median),
    min_ms: round1(times[0] as number),
    max_ms: round1(times[times.length - 1] as number),
    rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    parameters: decl.parameterCount(),
    setup_ms: Math.round(setupMs),
    graph_mb: Math.round(stepper.graph.model.length / 1e4) / 100,
    last_loss: Math.round(lastLoss * 1e4) / 1e4,
    nchwc_block: stepper.nchwcBlock,
  };
}
