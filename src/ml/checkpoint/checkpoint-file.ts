/** @module ml/checkpoint/checkpoint-file — atomic writing (temp file + fsync + rename) and reading of checkpoint files. */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AppError, invalid } from '../../shared/index.ts';
import { checkpointLayout, parseCheckpoint } from './checkpoint.ts';
import type { CheckpointContent, LoadedCheckpoint } from './checkpoint.ts';

/**
 * Writes a checkpoint atomically: the bytes go to a temporary file beside `path`, are flushed to disk, and the file is
 * renamed over `path`, so a crash never leaves a half-written checkpoint under the final name. Parent folders are
 * created. Tensor bytes are streamed from the arrays, not copied into one buffer.
 * @param path - destination file (conventionally `*.safetensors`)
 * @param content - tensors, metadata and optional optimiser state
 * @returns when the file is in place
 * @throws AppError INVALID_PARAMETER_VALUE on invalid content; INTERNAL_ERROR when the file cannot be written
 * @example
 * await writeCheckpoint('runs/42/last.safetensors', { tensors, metadata: { architecture, epoch: 3, step: 540 } });
 */
export async function writeCheckpoint(path: string, content: CheckpointContent): Promise<void> {
  const layout = checkpointLayout(content);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(temp, 'w');
    try {
      let position = 0;
      for (const chunk of [layout.header, ...layout.chunks]) {
        for (let done = 0; done < chunk.length;) {
          const { bytesWritten } = await handle.write(chunk, done, chunk.length - done, position);
          done += bytesWritten;
          position += bytesWritten;
        }
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new AppError('INTERNAL_ERROR', `cannot write checkpoint ${path}: ${(error as Error).message}`);
  }
}

/**
 * Reads and validates a checkpoint file.
 * @param path - the file
 * @returns tensors, metadata, optimiser state (when stored) and the format version
 * @throws AppError RESOURCE_DOES_NOT_EXIST when the file is missing; INVALID_PARAMETER_VALUE when it is not a readable
 *   file or not a valid fAIr checkpoint (see {@link parseCheckpoint})
 */
export async function readCheckpoint(path: string): Promise<LoadedCheckpoint> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AppError('RESOURCE_DOES_NOT_EXIST', `checkpoint ${path} does not exist`);
    return invalid(`cannot read checkpoint ${path}: ${code ?? (error as Error).message}`);
  }
  return parseCheckpoint(bytes, path);
}
