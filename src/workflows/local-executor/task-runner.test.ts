import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError, invalid, loadConfig } from '../../shared/index.ts';
import { createBlobStore } from '../../storage/index.ts';
import type { BlobStore } from '../../storage/index.ts';
import { defineTask } from '../task-definition.ts';
import type { TaskEvent } from '../task-definition.ts';
import { MAX_INLINE_OUTPUT_BYTES, runTaskAttempt } from './task-runner.ts';
import type { TaskRunParts } from './task-runner.ts';

let dir: string;
let blobs: BlobStore;
let parts: TaskRunParts;
let lines: string[];
let events: TaskEvent[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'fair-runner-test-'));
  const config = loadConfig({ FAIR_DATA_DIR: dir });
  blobs = await createBlobStore(undefined, { dataDir: dir, s3: config.s3 });
  lines = [];
  events = [];
  parts = {
    identity: { executionId: 'e1', nodeId: 'n1', attempt: 1 },
    blobs,
    config,
    outputPrefix: 'executions/e1/n1/attempt-1',
    signal: new AbortController().signal,
    log: (line) => lines.push(line),
    emit: (event) => events.push(event),
    scratchRoot: dir,
  };
});

afterEach(() => rm(dir, { recursive: true, force: true }));

const scratchFolders = async (): Promise<string[]> =>
  (await readdir(dir)).filter((name) => name.startsWith('fair-attempt-'));

describe('runTaskAttempt', () => {
  it('gives the task an empty scratch folder and its context, then removes the folder', async () => {
    let seen = '';
    const task = defineTask({
      name: 'scratch',
      version: '1',
      description: 'uses its context',
      inputs: z.object({ n: z.number() }),
      outputs: z.object({ doubled: z.number(), files: z.number() }),
      run: async ({ n }, context) => {
        seen = context.workDir;
        const files = (await readdir(context.workDir)).length;
        await writeFile(path.join(context.workDir, 'x'), 'x');
        context.log(`prefix ${context.outputPrefix}`);
        context.emit({ type: 'metrics', data: { n } });
        return { doubled: n * 2, files };
      },
    });
    expect(await runTaskAttempt(task, { n: 4 }, parts)).toEqual({
      phase: 'SUCCEEDED',
      outputs: { doubled: 8, files: 0 },
    });
    expect(seen.startsWith(dir)).toBe(true);
    expect(existsSync(seen)).toBe(false);
    expect(lines).toEqual(['prefix executions/e1/n1/attempt-1']);
    expect(events).toEqual([{ type: 'metrics', data: { n: 4 } }]);
  });

  it('rejects inputs failing the schema without running the task, naming the field, not retryable', async () => {
    let ran = false;
    const task = defineTask({
      name: 'typed',
      version: '2',
      description: 'typed inputs',
      inputs: z.object({ size: z.number().int() }),
      outputs: z.object({}),
      run: async () => {
        ran = true;
        return {};
      },
    });
    const result = await runTaskAttempt(task, { size: 'big' }, parts);
    expect(result).toMatchObject({ phase: 'FAILED', retryable: false });
    expect(result.phase === 'FAILED' && result.error).toMatch(/^inputs of task typed@2: size: /);
    expect(ran).toBe(false);
    expect(await scratchFolders()).toEqual([]);
  });

  it('maps errors: INVALID_PARAMETER_VALUE is not retryable, anything else is; the scratch folder goes', async () => {
    const failing = (error: () => never) =>
      defineTask({
        name: 'failing',
        version: '1',
        description: 'throws',
        inputs: z.object({}),
        outputs: z.object({}),
        run: async () => error(),
      });
    expect(
      await runTaskAttempt(
        failing(() => invalid('size 3 is odd')),
        {},
        parts,
      ),
    ).toEqual({
      phase: 'FAILED',
      error: 'size 3 is odd',
      retryable: false,
    });
    expect(
      await runTaskAttempt(
        failing(() => {
          throw new AppError('UPSTREAM_FAILURE', 'tile server said 503\nretry later');
        }),
        {},
        parts,
      ),
    ).toEqual({ phase: 'FAILED', error: 'tile server said 503 retry later', retryable: true });
    expect(await scratchFolders()).toEqual([]);
  });

  it('fails outputs that break the output schema or the inline size limit, without retry', async () => {
    const returning = (value: unknown) =>
      defineTask({
        name: 'out',
        version: '1',
        description: 'returns a value',
        inputs: z.object({}),
        outputs: z.object({ text: z.string() }),
        run: async () => value as { text: string },
      });
    const wrong = await runTaskAttempt(returning({ text: 5 }), {}, parts);
    expect(wrong).toMatchObject({ phase: 'FAILED', retryable: false });
    expect(wrong.phase === 'FAILED' && wrong.error).toMatch(/^outputs of task out@1: text: /);
    const huge = await runTaskAttempt(returning({ text: 'x'.repeat(MAX_INLINE_OUTPUT_BYTES) }), {}, parts);
    expect(huge).toMatchObject({ phase: 'FAILED', retryable: false });
    expect(huge.phase === 'FAILED' && huge.error).toMatch(/over the 1048576-byte limit/);
  });

  it('returns the outputs as parsed by the output schema (defaults applied, unknown keys dropped)', async () => {
    const task = defineTask({
      name: 'parsed',
      version: '1',
      description: 'schema defaults',
      inputs: z.object({}),
      outputs: z.object({ a: z.number(), b: z.string().default('b') }),
      run: async () => ({ a: 1, extra: true }) as unknown as { a: number; b: string },
    });
    expect(await runTaskAttempt(task, {}, parts)).toEqual({ phase: 'SUCCEEDED', outputs: { a: 1, b: 'b' } });
  });
});
