/** @module ml/graph/training-session — a thin onnxruntime-node session that takes and returns Float32Arrays by name. */
import * as ort from 'onnxruntime-node';
import { AppError, invalid } from '../../shared/index.ts';
import { GraphBuilder } from './graph-builder.ts';

/** Options of {@link createTrainingSession}. */
export type TrainingSessionOptions = {
  /** Intra-op threads, default onnxruntime's choice (one per core). */
  threads?: number;
  /** Write an onnxruntime profile (JSON in the working directory), default false. */
  profile?: boolean;
  /** Let idle pool threads spin between operators (faster on an otherwise idle machine), default true. */
  spinning?: boolean;
};

/** Feeds by input name. */
export type Feeds = ReadonlyMap<string, Float32Array> | Readonly<Record<string, Float32Array>>;

/** A loaded graph that runs on Float32Arrays. */
export interface TrainingSession {
  /** Graph input names, in graph order. */
  readonly inputNames: readonly string[];
  /** Graph output names, in graph order. */
  readonly outputNames: readonly string[];
  /**
   * Runs the graph.
   * @param feeds - a Float32Array per input; a symbolic dimension (e.g. a dynamic batch) is inferred from the length
   * @param outputs - outputs to fetch, default all
   * @returns the fetched outputs by name
   * @throws AppError when an input is missing or its length does not fit its shape
   */
  run(feeds: Feeds, outputs?: readonly string[]): Promise<Map<string, Float32Array>>;
  /** Ends profiling when enabled (onnxruntime writes `fair-train_<time>.json`), otherwise does nothing. */
  endProfiling(): void;
  /** Frees the native session. */
  release(): Promise<void>;
}

type InputShape = readonly (number | string)[];

function shapeFor(name: string, declared: InputShape, length: number): number[] {
  const fixed = declared.reduce<number>((p, d) => (typeof d === 'number' && d >= 0 ? p * d : p), 1);
  const free = declared.filter((d) => typeof d !== 'number' || d < 0).length;
  if (free > 1) invalid(`input ${name} has ${free} free dimensions; only one can be inferred`);
  if (free === 0 && length !== fixed) invalid(`input ${name} needs ${fixed} values, got ${length}`);
  if (free === 1 && (fixed === 0 || length % fixed !== 0))
    invalid(`input ${name} length ${length} is not a multiple of ${fixed}`);
  return declared.map((d) => (typeof d === 'number' && d >= 0 ? d : length / fixed));
}

function lookup(feeds: Feeds, name: string): Float32Array | undefined {
  return feeds instanceof Map ? feeds.get(name) : (feeds as Record<string, Float32Array>)[name];
}

/**
 * Loads an ONNX graph (a training, eval or inference model) into onnxruntime-node on the CPU, with all graph
 * optimisations and sequential execution.
 * @param model - ONNX ModelProto bytes
 * @param options - threads (default one per core), profile (default false)
 * @throws AppError when onnxruntime rejects the model
 * @example
 * const session = await createTrainingSession(graph.model, { threads: 2 });
 * const out = await session.run(new Map([['input', x], ['target', y], ...params]));
 */
export async function createTrainingSession(
  model: Uint8Array,
  options: TrainingSessionOptions = {},
): Promise<TrainingSession> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    logSeverityLevel: 3,
    ...(options.threads === undefined ? {} : { intraOpNumThreads: options.threads }),
    ...(options.profile === true ? { enableProfiling: true, profileFilePrefix: 'fair-train' } : {}),
    ...(options.spinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
  };
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(model, sessionOptions);
  } catch (error) {
    throw new AppError('INVALID_PARAMETER_VALUE', `onnxruntime rejected the graph: ${String(error)}`);
  }
  const shapes = new Map<string, InputShape>();
  for (const meta of session.inputMetadata) if (meta.isTensor) shapes.set(meta.name, meta.shape);
  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(feeds, outputs) {
      const tensors: Record<string, ort.Tensor> = {};
      for (const name of session.inputNames) {
        const data = lookup(feeds, name);
        if (data === undefined) invalid(`input ${name} has no value`);
        tensors[name] = new ort.Tensor(
          'float32',
          data,
          shapeFor(name, shapes.get(name) ?? [data.length], data.length),
        );
      }
      const result =
        outputs === undefined ? await session.run(tensors) : await session.run(tensors, [...outputs]);
      const out = new Map<string, Float32Array>();
      for (const [name, tensor] of Object.entries(result)) out.set(name, tensor.data as Float32Array);
      return out;
    },
    endProfiling() {
      if (options.profile === true) session.endProfiling();
    },
    release: () => session.release(),
  };
}

/**
 * Block size of onnxruntime's blocked-layout (NCHWc) convolution kernels on this CPU: 16 with AVX-512, 8 with
 * AVX2, 0 where the build or CPU has none. Probed (a few milliseconds) by reordering a 4-channel tensor, whose
 * channels onnxruntime pads to one block; call it once and keep the answer.
 * @returns 0, 4, 8 or 16
 */
export async function detectNchwcBlockSize(): Promise<number> {
  const g = new GraphBuilder();
  const x = g.addInput('x', [1, 4, 1, 1]);
  g.node('ReorderInput', [x], {}, ['y'], 'com.microsoft.nchwc');
  g.addOutput('y', [1, 'C', 1, 1]);
  try {
    const session = await ort.InferenceSession.create(g.encode('nchwc-probe'), { logSeverityLevel: 4 });
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array(4), [1, 4, 1, 1]) });
    await session.release();
    const block = Number(out['y']?.dims[1] ?? 0);
    return [4, 8, 16].includes(block) ? block : 0;
  } catch {
    return 0;
  }
}
