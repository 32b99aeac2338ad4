/**
 * @module predict/worker-session — an onnxruntime-node session in a worker thread. onnxruntime-node's `run` holds the
 * JavaScript thread for the whole batch, so in-process inference serialises everything else; in a worker, tile
 * decoding, stitching, polygonization and writing overlap the model (issue 4 §1: keep inference saturated), and a
 * server embedding the pipeline keeps answering requests. Same `InferenceSession` interface as ml's.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createInferenceSession } from '../ml/index.ts';
import type { InferenceSession, LoadedModel } from '../ml/index.ts';
import { AppError, invalid } from '../shared/index.ts';

/**
 * The worker's code (plain JavaScript, so it runs without a TypeScript loader): loads onnxruntime-node from the path
 * it is given, creates the session, then answers `{id, batch, n}` with `{id, data}` (buffers transferred).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const ort = await import(workerData.ortUrl);
  const runtime = ort.default ?? ort;
  let session;
  try {
    session = await runtime.InferenceSession.create(workerData.bytes, workerData.sessionOptions);
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error).split('\\n')[0] });
    return;
  }
  parentPort.on('message', async (message) => {
    if (message.release) {
      await session.release();
      parentPort.close();
      return;
    }
    const { id, batch, n } = message;
    try {
      const feeds = { [workerData.inputName]: new runtime.Tensor('float32', batch, [n, ...workerData.inputDims]) };
      const result = await session.run(feeds, [workerData.outputName]);
      const data = result[workerData.outputName].data;
      parentPort.postMessage({ id, data }, [data.buffer]);
    } catch (error) {
      parentPort.postMessage({ id, error: String(error && error.message || error).split('\\n')[0] });
    }
  });
  parentPort.postMessage({ ready: true });
})();
`;

type Reply = { id?: number; data?: Float32Array; error?: string; ready?: boolean };
type Pending = { resolve: (data: Float32Array) => void; reject: (error: Error) => void; length: number };

/** Options of {@link createWorkerSession}. */
export type WorkerSessionOptions = {
  /** Intra-op threads of the worker's session, default onnxruntime's choice (one per core). */
  threads?: number;
  /**
   * Let onnxruntime's threads spin between operators, default false: the calling thread works while the model runs,
   * and spinning threads would take its core.
   */
  spinning?: boolean;
};

/**
 * Loads a model into onnxruntime-node in a worker thread. The model is first checked in-process by ml's
 * `createInferenceSession` (ONNX-ness, NCHW shapes, onnxruntime can load it), so errors read the same.
 * @param model - a loaded model
 * @param options - threads (default one per core)
 * @returns a session whose `run` does not block the calling thread
 * @throws AppError INVALID_PARAMETER_VALUE when the model is not an image model or onnxruntime rejects it
 */
export async function createWorkerSession(
  model: LoadedModel,
  options: WorkerSessionOptions = {},
): Promise<InferenceSession> {
  const probe = await createInferenceSession(model.bytes, {
    backend: 'node',
    name: model.onnxPath,
    inputSize: model.card.inputSize,
    threads: 1,
  });
  await probe.release();
  const { inputSize, channels, classes, info } = probe;
  const input = info.inputs.find((i) => i.name === 'input') ?? info.inputs[0];
  const output = info.outputs.find((o) => o.name === 'output') ?? info.outputs[0];
  if (input === undefined || output === undefined) invalid(`${model.onnxPath} has no input or output`);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      ortUrl: pathToFileURL(createRequire(import.meta.url).resolve('onnxruntime-node')).href,
      bytes: model.bytes,
      inputName: input.name,
      outputName: output.name,
      inputDims: [channels, inputSize, inputSize],
      sessionOptions: {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        interOpNumThreads: 1,
        logSeverityLevel: 3,
        extra: { session: { intra_op: { allow_spinning: options.spinning === true ? '1' : '0' } } },
        ...(options.threads === undefined ? {} : { intraOpNumThreads: options.threads }),
      },
    },
  });
  const pending = new Map<number, Pending>();
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  await new Promise<void>((resolve, reject) => {
    worker.once('message', (reply: Reply) =>
      reply.ready
        ? resolve()
        : reject(
            new AppError(
              'INVALID_PARAMETER_VALUE',
              `${model.onnxPath} cannot be loaded in the inference worker: ${reply.error ?? 'unknown error'}`,
            ),
          ),
    );
    worker.once('error', reject);
  });
  worker.on('message', (reply: Reply) => {
    const p = reply.id === undefined ? undefined : pending.get(reply.id);
    if (p === undefined || reply.id === undefined) return;
    pending.delete(reply.id);
    if (reply.error !== undefined || !(reply.data instanceof Float32Array) || reply.data.length !== p.length)
      p.reject(
        new AppError(
          'INVALID_PARAMETER_VALUE',
          `${model.onnxPath} failed to run in the inference worker: ${reply.error ?? 'wrong output size'}`,
        ),
      );
    else p.resolve(reply.data);
  });
  worker.on('error', (error) =>
    fail(new AppError('INTERNAL_ERROR', `inference worker failed: ${error.message}`)),
  );
  worker.on('exit', () =>
    fail(new AppError('CONFLICT', `the inference worker of ${model.onnxPath} has stopped`)),
  );
  let nextId = 0;
  const plane = inputSize * inputSize;
  return {
    backend: 'node',
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
      if (failure) throw failure;
      // The buffer is transferred: copy views that do not own all of theirs.
      const own =
        batch.byteOffset === 0 && batch.byteLength === batch.buffer.byteLength ? batch : batch.slice();
      const id = nextId++;
      return await new Promise<Float32Array>((resolve, reject) => {
        pending.set(id, { resolve, reject, length: n * classes * plane });
        worker.postMessage({ id, batch: own, n }, [own.buffer as ArrayBuffer]);
      });
    },
    async release() {
      if (failure) return;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage({ release: true });
      await exited;
    },
  };
}
