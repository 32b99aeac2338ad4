/**
 * @module ml/infer/inference-session — one inference wrapper over onnxruntime-node and onnxruntime-web (WASM): raw
 * Float32Array batches in, probabilities out (issue 3, §6). No static node imports: the browser UI uses the same
 * wrapper with `backend: 'web'` and model bytes; onnxruntime-node and node:fs load only when asked for.
 */
import type { InferenceSession as OrtSession, Tensor as OrtTensor } from 'onnxruntime-web';
import { AppError, invalid } from '../../shared/index.ts';
import { readOnnxModelInfo } from './onnx-model-info.ts';
import type { OnnxModelInfo, OnnxTensorInfo } from './onnx-model-info.ts';

/** Which onnxruntime runs the model: the native Node addon, or the WebAssembly build the browser uses. */
export type InferenceBackend = 'node' | 'web';

/** Every backend name, for CLI validation. */
export const INFERENCE_BACKENDS: readonly InferenceBackend[] = ['node', 'web'];

/** Options of {@link createInferenceSession}. */
export type InferenceSessionOptions = {
  /** Backend, default `node`. */
  backend?: InferenceBackend;
  /**
   * Threads: intra-op threads for `node` (default one per core); WASM threads for `web` (default onnxruntime-web's
   * choice). onnxruntime-web reads its thread count once per process (or page): the first web session fixes it.
   */
  threads?: number;
  /** Where onnxruntime-web finds its `.wasm` files (browser builds), default next to its own script. */
  wasmPaths?: string;
  /** Input size for models whose height and width are symbolic, default the model's fixed size. */
  inputSize?: number;
  /** What the model is (a path) for error messages, default the path given or `model`. */
  name?: string;
};

/** A loaded inference model. */
export interface InferenceSession {
  readonly backend: InferenceBackend;
  /** Height and width of each input image. */
  readonly inputSize: number;
  /** Input channels (3 for RGB models). */
  readonly channels: number;
  /** Output channels (probabilities per class). */
  readonly classes: number;
  /** Facts read from the ONNX file (opset, shapes, metadata props). */
  readonly info: OnnxModelInfo;
  /** Batches the session runs at once, default 1: a caller keeps one more than this in flight to keep it busy. */
  readonly concurrency?: number;
  /**
   * Runs a batch. Calls are queued: one run at a time per session (per worker of a pool).
   * @param batch - `n × channels × inputSize × inputSize` float32 values, image-major, channel-major within an image
   * @param n - images in the batch
   * @returns `n × classes × inputSize × inputSize` probabilities
   * @throws AppError INVALID_PARAMETER_VALUE when `n` or the batch length is wrong; CONFLICT after `release`
   */
  run(batch: Float32Array, n: number): Promise<Float32Array>;
  /** Frees the runtime session; later runs fail. */
  release(): Promise<void>;
}

type OrtModule = {
  InferenceSession: { create(model: Uint8Array, options?: OrtSession.SessionOptions): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
};

type Geometry = {
  inputName: string;
  outputName: string;
  channels: number;
  inputSize: number;
  classes: number;
};

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

function pick(values: readonly OnnxTensorInfo[], name: string): OnnxTensorInfo {
  return values.find((v) => v.name === name) ?? (values[0] as OnnxTensorInfo);
}

/** Reads input name, channels, size and classes from the model's declared shapes. */
function geometryOf(info: OnnxModelInfo, name: string, inputSize: number | undefined): Geometry {
  const input = pick(info.inputs, 'input');
  const output = pick(info.outputs, 'output');
  if (input.shape.length !== 4 || output.shape.length !== 4)
    invalid(
      `${name} is not an image model: input ${input.name} and output ${output.name} need 4 dimensions (NCHW)`,
    );
  const [, channels, height, width] = input.shape;
  const classes = output.shape[1];
  if (typeof channels !== 'number' || channels < 1)
    invalid(`${name}: input ${input.name} has no fixed channel count`);
  if (typeof classes !== 'number' || classes < 1)
    invalid(`${name}: output ${output.name} has no fixed class count`);
  const fixed = typeof height === 'number' && height > 0 && height === width ? height : undefined;
  if (fixed !== undefined && inputSize !== undefined && inputSize !== fixed)
    invalid(`${name} takes ${fixed}x${fixed} inputs, not the requested input size ${inputSize}`);
  const size = fixed ?? inputSize;
  if (size === undefined)
    invalid(
      `${name}: input ${input.name} is not a fixed square (${input.shape.join('×')}); give an input size`,
    );
  if (!Number.isInteger(size) || size < 1) invalid(`input size ${size} must be a positive integer`);
  return { inputName: input.name, outputName: output.name, channels, inputSize: size, classes };
}

async function loadRuntime(backend: InferenceBackend, options: InferenceSessionOptions): Promise<OrtModule> {
  if (backend === 'node') return (await import('onnxruntime-node')) as unknown as OrtModule;
  const ort = await import('onnxruntime-web');
  if (options.threads !== undefined) ort.env.wasm.numThreads = options.threads;
  if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
  return ort as unknown as OrtModule;
}

function sessionOptions(backend: InferenceBackend, threads: number | undefined): OrtSession.SessionOptions {
  if (backend === 'web')
    return { executionProviders: ['wasm'], graphOptimizationLevel: 'all', logSeverityLevel: 3 };
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    logSeverityLevel: 3,
    ...(threads === undefined ? {} : { intraOpNumThreads: threads }),
  };
}

async function readModelBytes(model: Uint8Array | string): Promise<Uint8Array> {
  if (typeof model !== 'string') return model;
  const { readFile } = await import('node:fs/promises');
  try {
    return new Uint8Array(await readFile(model));
  } catch {
    throw new AppError('RESOURCE_DOES_NOT_EXIST', `model file ${model} does not exist or cannot be read`);
  }
}

function checkOptions(options: InferenceSessionOptions): InferenceBackend {
  const backend = options.backend ?? 'node';
  if (!INFERENCE_BACKENDS.includes(backend))
    invalid(`backend ${String(backend)} is unknown; use ${INFERENCE_BACKENDS.join(' or ')}`);
  const { threads } = options;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 256))
    invalid(`threads must be an integer from 1 to 256, got ${threads}`);
  return backend;
}

/**
 * Loads an inference ONNX (input `N×C×S×S` float32, output `N×K×S×S` probabilities) into onnxruntime-node or
 * onnxruntime-web. The bytes are checked to be ONNX first, so a wrong file fails with a message naming it.
 * @param model - ONNX bytes, or a file path (Node only)
 * @param options - backend (default `node`), threads (default the runtime's choice), wasmPaths, inputSize, name
 * @returns the session wrapper
 * @throws AppError RESOURCE_DOES_NOT_EXIST for a missing file; INVALID_PARAMETER_VALUE naming the model when it is
 *   not ONNX, not an NCHW image model, or onnxruntime rejects it, or for a bad option
 * @example
 * const session = await createInferenceSession('models/banepa/model.onnx', { backend: 'web', threads: 2 });
 * const probabilities = await session.run(batch, 8); // 8 × classes × S × S
 * await session.release();
 */
export async function createInferenceSession(
  model: Uint8Array | string,
  options: InferenceSessionOptions = {},
): Promise<InferenceSession> {
  const backend = checkOptions(options);
  const name = options.name ?? (typeof model === 'string' ? model : 'model');
  const bytes = await readModelBytes(model);
  const info = readOnnxModelInfo(bytes, name);
  const geometry = geometryOf(info, name, options.inputSize);
  const ort = await loadRuntime(backend, options);
  let session: OrtSession;
  try {
    session = await ort.InferenceSession.create(bytes, sessionOptions(backend, options.threads));
  } catch (error) {
    throw new AppError(
      'INVALID_PARAMETER_VALUE',
      `${name} cannot be loaded by onnxruntime-${backend}: ${firstLine(error)}`,
    );
  }
  return wrapSession(session, ort, backend, info, geometry, name);
}

function wrapSession(
  session: OrtSession,
  ort: OrtModule,
  backend: InferenceBackend,
  info: OnnxModelInfo,
  geometry: Geometry,
  name: string,
): InferenceSession {
  const { channels, inputSize, classes, inputName, outputName } = geometry;
  const plane = inputSize * inputSize;
  let queue: Promise<unknown> = Promise.resolve();
  let released = false;
  const runOnce = async (batch: Float32Array, n: number): Promise<Float32Array> => {
    if (released) throw new AppError('CONFLICT', `the session of ${name} was released`);
    const feeds = { [inputName]: new ort.Tensor('float32', batch, [n, channels, inputSize, inputSize]) };
    let result: OrtSession.ReturnType;
    try {
      result = await session.run(feeds, [outputName]);
    } catch (error) {
      throw new AppError(
        'INVALID_PARAMETER_VALUE',
        `${name} failed to run on onnxruntime-${backend}: ${firstLine(error)}`,
      );
    }
    const data = result[outputName]?.data;
    if (!(data instanceof Float32Array) || data.length !== n * classes * plane)
      throw new AppError(
        'INTERNAL_ERROR',
        `${name}: output ${outputName} is not ${n}×${classes}×${inputSize}² float32`,
      );
    return data;
  };
  return {
    backend,
    inputSize,
    channels,
    classes,
    info,
    async run(batch, n) {
      if (!Number.isInteger(n) || n < 1) invalid(`batch size ${n} must be a positive integer`);
      if (batch.length !== n * channels * plane)
        invalid(
          `batch has ${batch.length} values; ${n}×${channels}×${inputSize}×${inputSize} needs ${n * channels * plane}`,
        );
      const next = queue.then(() => runOnce(batch, n));
      queue = next.catch(() => undefined);
      return await next;
    },
    async release() {
      if (released) return;
      released = true;
      await queue;
      await session.release();
    },
  };
}
