/**
 * @module ml/infer/window-batcher — gathers model inputs from many chips into fixed-size batches, so one-window chips
 * still run eight at a time, and hands each window's output back in order (issue 3, §6).
 */
import { invalid } from '../../shared/index.ts';

/** Runs a batch of `n` inputs laid end to end; returns the `n` outputs laid end to end. */
export type BatchRun = (batch: Float32Array, n: number) => Promise<Float32Array>;

/** Receives one input's output (a view valid only during the call). */
export type OutputSink<T> = (item: T, output: Float32Array) => Promise<void> | void;

/**
 * Collects inputs of `inputLength` values; every `batchSize` of them (and on `flush`) runs one batch and passes each
 * item's output slice of `outputLength` values to the sink, in the order the items were added.
 */
export class WindowBatcher<T> {
  readonly #run: BatchRun;
  readonly #batchSize: number;
  readonly #inputLength: number;
  readonly #outputLength: number;
  readonly #sink: OutputSink<T>;
  readonly #batch: Float32Array;
  #items: T[] = [];

  /**
   * @param run - the model call
   * @param sizes - batchSize (inputs per run), inputLength and outputLength (values per input and per output)
   * @param sink - receives each output
   * @throws AppError INVALID_PARAMETER_VALUE when a size is not a positive integer
   */
  constructor(
    run: BatchRun,
    sizes: { batchSize: number; inputLength: number; outputLength: number },
    sink: OutputSink<T>,
  ) {
    for (const [what, v] of Object.entries(sizes))
      if (!Number.isSafeInteger(v) || v < 1) invalid(`${what} ${v} must be a positive integer`);
    this.#run = run;
    this.#batchSize = sizes.batchSize;
    this.#inputLength = sizes.inputLength;
    this.#outputLength = sizes.outputLength;
    this.#sink = sink;
    this.#batch = new Float32Array(sizes.batchSize * sizes.inputLength);
  }

  /**
   * Adds one input; runs the batch when it is full.
   * @param item - what the output belongs to
   * @param input - `inputLength` values (copied)
   * @throws AppError INVALID_PARAMETER_VALUE when the input has the wrong length; whatever the run or sink throws
   */
  async add(item: T, input: Float32Array): Promise<void> {
    if (input.length !== this.#inputLength)
      invalid(`input has ${input.length} values, expected ${this.#inputLength}`);
    this.#batch.set(input, this.#items.length * this.#inputLength);
    this.#items.push(item);
    if (this.#items.length === this.#batchSize) await this.flush();
  }

  /** Runs what is pending (a smaller last batch); does nothing when nothing is pending. */
  async flush(): Promise<void> {
    const items = this.#items;
    if (items.length === 0) return;
    this.#items = [];
    const n = items.length;
    // The buffer is reused by the next adds: the run gets its own copy.
    const input = this.#batch.slice(0, n * this.#inputLength);
    const output = await this.#run(input, n);
    for (let i = 0; i < n; i++)
      await this.#sink(items[i] as T, output.subarray(i * this.#outputLength, (i + 1) * this.#outputLength));
  }
}
