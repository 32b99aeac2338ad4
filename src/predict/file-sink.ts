/**
 * @module predict/file-sink — text written to `<path>.tmp` with back-pressure and renamed into place on commit, so an
 * output file is either complete or absent.
 */
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError, invalid } from '../shared/index.ts';

/** A text file being written. */
export class FileSink {
  readonly path: string;
  readonly #temp: string;
  readonly #stream: WriteStream;
  #error: Error | undefined;

  private constructor(path: string, temp: string, stream: WriteStream) {
    this.path = path;
    this.#temp = temp;
    this.#stream = stream;
    stream.on('error', (error) => {
      this.#error = error;
    });
  }

  /**
   * Opens `<path>.tmp` (or another temporary name) for writing.
   * @param path - the final file
   * @param temp - the temporary file, default `<path>.tmp`
   * @returns the sink
   * @throws AppError INVALID_PARAMETER_VALUE when the folder does not exist or `path` is a folder
   */
  static async open(path: string, temp = `${path}.tmp`): Promise<FileSink> {
    const folder = await stat(dirname(path)).catch(() => undefined);
    if (!folder?.isDirectory()) invalid(`output ${path}: folder ${dirname(path)} does not exist`);
    if ((await stat(path).catch(() => undefined))?.isDirectory()) invalid(`output ${path} is a folder`);
    const stream = createWriteStream(temp, { encoding: 'utf8' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (error) =>
        reject(new AppError('INVALID_PARAMETER_VALUE', `output ${path}: ${error.message}`)),
      );
    });
    return new FileSink(path, temp, stream);
  }

  /**
   * Appends text. Returns a promise only when the stream's buffer is full (await it before writing more), so writing
   * many small pieces costs no event-loop turn each.
   * @param text - the text
   * @returns undefined, or a promise resolved once the buffer has drained
   * @throws AppError INTERNAL_ERROR when the file could not be written
   */
  write(text: string): Promise<void> | undefined {
    this.#check();
    if (this.#stream.write(text)) return undefined;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.#stream.off('drain', done);
        this.#stream.off('error', done);
        resolve();
      };
      this.#stream.on('drain', done);
      this.#stream.on('error', done);
    }).then(() => this.#check());
  }

  /** Closes the temporary file and renames it to the final path. */
  async commit(): Promise<void> {
    await this.#end();
    this.#check();
    await rename(this.#temp, this.path);
  }

  /** Closes and removes the temporary file. */
  async abort(): Promise<void> {
    await this.#end().catch(() => undefined);
    await rm(this.#temp, { force: true });
  }

  /** Ends the stream and waits until the file is closed. */
  async #end(): Promise<void> {
    if (this.#stream.closed) return;
    await new Promise<void>((resolve) => {
      this.#stream.once('close', () => resolve());
      this.#stream.end();
    });
  }

  #check(): void {
    if (this.#error)
      throw new AppError(
        'INTERNAL_ERROR',
        `output ${this.path} could not be written: ${this.#error.message}`,
      );
  }
}
