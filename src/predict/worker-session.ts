/**
 * @module predict/worker-session — an onnxruntime-node session in a worker thread. onnxruntime-node's `run` holds the
 * JavaScript thread for the whole batch, so in-process inference serialises everything else; in a worker, tile
 * decoding, stitching, polygonization and writing overlap the model (issue 4 §1: keep inference saturated), and a
 * server embedding the pipeline keeps answering requests. Several workers, each a session, run batches side by side.
 * Same `InferenceSession` interface as ml's.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
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
  /** onnxruntime threads over all workers, default one per core. */
  threads?: number;
  /**
   * Workers, each with its own session and an equal share of the threads; default {@link defaultInferenceWorkers}.
   * Single-threaded sessions on separate batches beat one session spreading each operator over the cores (no
   * barrier after every operator; 2 cores: 30–32 windows/s against 21–28), and stall less when other work takes a
   * core for a while: only the session on that core waits.
   */
  workers?: number;
  /**
   * Let onnxruntime's threads spin between operators, default false: the calling thread works while the model runs,
   * and spinning threads would take its core.
   */
  spinning?: boolean;
};

/** Most workers the default starts: each holds a session and its buffers, so many cores get threads, not workers. */
const MAX_DEFAULT_WORKERS = 4;

/**
 * The workers a pool of `threads` onnxruntime threads starts by default: one per thread up to 4, so 2 cores get two
 * single-threaded sessions and 16 cores four sessions of four threads.
 * @param threads - onnxruntime threads in all
 * @returns workers, at least 1
 */
export function defaultInferenceWorkers(threads: number): number {
  return Math.max(1, Math.min(threads, MAX_DEFAULT_WORKERS));
}

/** One worker thread with its session: what the pool dispatches to. */
type SessionWorker = {
  run(batch: Float32Array, n: number): Promise<Float32Array>;
  pending(): number;
  release(): Promise<void>;
};

/**
 * Loads a model into onnxruntime-node in worker threads (a pool of sessions, each batch to the least busy one). The
 * model is first checked in-process by ml's `createInferenceSession` (ONNX-ness, NCHW shapes, onnxruntime can load
 * it), so errors read the same.
 * @param model - a loaded model
 * @param options - threads in all (default one per core), workers, spinning
 * @returns a session whose `run` does not block the calling thread; `concurrency` is the number of workers
 * @throws AppError INVALID_PARAMETER_VALUE when the model is not an image model, onnxruntime rejects it, or
 *   threads/workers are not positive integers (workers at most threads)
 */
export async function createWorkerSession(
  model: LoadedModel,
  options: WorkerSessionOptions = {},
): Promise<InferenceSession> {
  const threads = options.threads ?? availableParallelism();
  const workerCount = options.workers ?? defaultInferenceWorkers(threads);
  if (!Number.isInteger(threads) || threads < 1) invalid(`threads ${threads} must be a positive integer`);
  if (!Number.isInteger(workerCount) || workerCount < 1 || workerCount > threads)
    invalid(`inference workers ${workerCount} must be an integer from 1 to the threads (${threads})`);
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
  const shape = { inputName: input.name, outputName: output.name, channels, inputSize, classes };
  // Threads split as evenly as they go: 5 over 2 workers is 3 and 2.
  const started = await Promise.allSettled(
    Array.from({ length: workerCount }, (_, i) =>
      startWorker(model, shape, {
        threads: Math.floor(threads / workerCount) + (i < threads % workerCount ? 1 : 0),
        spinning: options.spinning === true,
      }),
    ),
  );
  const workers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const refused = started.find((r) => r.status === 'rejected');
  if (refused !== undefined) {
    await Promise.all(workers.map((w) => w.release()));
    throw refused.reason;
  }
  const plane = inputSize * inputSize;
  return {
    backend: 'node',
    inputSize,
    channels,
    classes,
    info,
    concurrency: workers.length,
    async run(batch, n) {
      if (!Number.isInteger(n) || n < 1) invalid(`batch size ${n} must be a positive integer`);
      if (batch.length !== n * channels * plane)
        invalid(
          `batch has ${batch.length} values; ${n}×${channels}×${inputSize}×${inputSize} needs ${n * channels * plane}`,
        );
      let idlest = workers[0] as SessionWorker;
      for (const worker of workers) if (worker.pending() < idlest.pending()) idlest = worker;
      return idlest.run(batch, n);
    },
    async release() {
      await Promise.all(workers.map((w) => w.release()));
    },
  };
}

/** Starts one worker thread and its session, resolved once the session is loaded. */
async function startWorker(
  model: LoadedModel,
  shape: { inputName: string; outputName: string; channels: number; inputSize: number; classes: number },
  options: { threads: number; spinning: boolean },
): Promise<SessionWorker> {
  const { channels, inputSize, classes } = shape;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      ortUrl: pathToFileURL(createRequire(import.meta.url).resolve('onnxruntime-node')).href,
      bytes: model.bytes,
      inputName: shape.inputName,
      outputName: shape.outputName,
      inputDims: [channels, inputSize, inputSize],
      sessionOptions: {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
        interOpNumThreads: 1,
        intraOpNumThreads: options.threads,
        logSeverityLevel: 3,
        extra: { session: { intra_op: { allow_spinning: options.spinning ? '1' : '0' } } },
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
    pending: () => pending.size,
    async run(batch, n) {
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
