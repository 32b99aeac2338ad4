import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure } from '../../shared/test-support/app-error-failure.ts';
import { loadConfig } from '../../shared/index.ts';
import type { Config } from '../../shared/index.ts';
import { createBlobStore, getJson, putJson } from '../../storage/index.ts';
import type { BlobStore } from '../../storage/index.ts';
import { taskCatalog } from '../test-support/test-tasks.ts';
import { runTaskStandalone } from './run-task.ts';
import type { RunTaskOptions } from './run-task.ts';

let dir: string;
let config: Config;
let blobs: BlobStore;
let lines: string[];

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'fair-run-task-test-'));
  config = loadConfig({ FAIR_DATA_DIR: dir });
  blobs = await createBlobStore(undefined, { dataDir: dir, s3: config.s3 });
  lines = [];
});

afterEach(() => rm(dir, { recursive: true, force: true }));

const options = (task: string, inputs: string, outputs: string): RunTaskOptions => ({
  task,
  inputs,
  outputs,
  tasks: taskCatalog,
  blobs,
  config,
  log: (line) => lines.push(line),
});

describe('runTaskStandalone', () => {
  it('runs a task from inline JSON and writes its outputs JSON to a file path', async () => {
    const out = path.join(dir, 'out', 'outputs.json');
    expect(await runTaskStandalone(options('add@1', '{"a": 2, "b": 40}', out))).toEqual({
      phase: 'SUCCEEDED',
      outputs: { sum: 42 },
    });
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual({ sum: 42 });
  });

  it('reads inputs from a file:// URI, logs events, and writes blobs under the outputs folder of the store', async () => {
    const inputsFile = path.join(dir, 'inputs.json');
    await writeFile(inputsFile, JSON.stringify({ text: 'hi' }));
    await runTaskStandalone(options('echo@1', pathToFileURL(inputsFile).href, path.join(dir, 'echo.json')));
    expect(lines).toEqual(['log: hi', 'event echo {"text":"hi"}']);

    await putJson(blobs, 'pods/p1/inputs.json', { text: 'stored' });
    const result = await runTaskStandalone(
      options('write-text@1', blobs.uriOf('pods/p1/inputs.json'), blobs.uriOf('pods/p1/outputs.json')),
    );
    const outputs = (await getJson(blobs, 'pods/p1/outputs.json')) as { uri: string };
    expect(result).toEqual({ phase: 'SUCCEEDED', outputs });
    expect(outputs.uri).toBe(blobs.uriOf('pods/p1/text.txt'));
    expect((await blobs.getBytes('pods/p1/text.txt')).toString()).toBe('stored');
  });

  it('reports a failing task without writing outputs', async () => {
    const out = path.join(dir, 'fail.json');
    const inputs = JSON.stringify({ counterFile: path.join(dir, 'count'), failures: 1 });
    expect(await runTaskStandalone(options('fail@1', inputs, out))).toEqual({
      phase: 'FAILED',
      error: 'planned failure 1 of 1',
      retryable: true,
    });
    await expect(readFile(out)).rejects.toThrow(/ENOENT/);
  });

  it('stops the task when its signal aborts', async () => {
    const controller = new AbortController();
    const run = runTaskStandalone({
      ...options('sleep@1', '{"ms": 60000}', path.join(dir, 's.json')),
      signal: controller.signal,
    });
    controller.abort();
    expect(await run).toEqual({ phase: 'ABORTED', error: 'task stopped (signal received)' });
  });

  it('names unknown tasks and versions, listing the known versions', async () => {
    expect(await failure(runTaskStandalone(options('add@7', '{}', path.join(dir, 'x.json'))))).toEqual({
      code: 'RESOURCE_DOES_NOT_EXIST',
      message: expect.stringMatching(/task add@7 does not exist; known versions of add: 1/),
    });
    expect(await failure(runTaskStandalone(options('nope@1', '{}', path.join(dir, 'x.json'))))).toEqual({
      code: 'RESOURCE_DOES_NOT_EXIST',
      message: expect.stringMatching(/task nope@1 does not exist; known tasks: noop@1, add@1/),
    });
    expect(await failure(runTaskStandalone(options('add', '{}', path.join(dir, 'x.json'))))).toEqual({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringMatching(/task "add" is not name@version/),
    });
  });

  it('rejects inputs that are not a JSON object', async () => {
    expect(await failure(runTaskStandalone(options('add@1', '{"a": ', path.join(dir, 'x.json'))))).toEqual({
      code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringMatching(/inputs \(inline\) are not valid JSON/),
    });
    expect(
      await failure(
        runTaskStandalone(options('add@1', path.join(dir, 'missing.json'), path.join(dir, 'x.json'))),
      ),
    ).toEqual({
      code: 'RESOURCE_DOES_NOT_EXIST',
      message: expect.stringMatching(/inputs file .*missing\.json does not exist/),
    });
  });
});
