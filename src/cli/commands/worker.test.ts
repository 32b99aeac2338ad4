/** @module cli/commands/worker.test — `fair worker` and `fair worker run-task` as real processes. */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../shared/index.ts';
import { builtinWorkflows, openWorkflowRuntime } from '../../workflows/index.ts';
import type { WorkflowDefinition } from '../../workflows/index.ts';
import { repoRoot, runFair } from '../test-support/run-fair.ts';

let work = '';

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'fair-cli-worker-'));
});

afterAll(() => rm(work, { recursive: true, force: true }));

describe('fair worker run-task', () => {
  it('runs one task without the database and writes its outputs JSON', async () => {
    const inputs = path.join(work, 'inputs.json');
    await writeFile(inputs, JSON.stringify({ value: { answer: 42 } }));
    const outputs = path.join(work, 'pod', 'outputs.json');
    const run = await runFair([
      'worker',
      'run-task',
      '--task',
      'noop@1',
      '--inputs',
      inputs,
      '--outputs',
      outputs,
      '--data',
      path.join(work, 'data'),
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(await readFile(outputs, 'utf8'))).toEqual({ value: { answer: 42 } });
    expect(JSON.parse(run.stdout)).toEqual({ value: { answer: 42 } });
  });

  it('names an unknown task version and the known ones', async () => {
    const run = await runFair([
      'worker',
      'run-task',
      '--task',
      'noop@9',
      '--inputs',
      '{}',
      '--outputs',
      path.join(work, 'x.json'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('fair: error: task noop@9 does not exist; known versions of noop: 1\n');
  });

  it('rejects inputs that are not JSON', async () => {
    const run = await runFair([
      'worker',
      'run-task',
      '--task',
      'noop@1',
      '--inputs',
      '{"value": ',
      '--outputs',
      path.join(work, 'y.json'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^fair: error: inputs \(inline\) are not valid JSON: /);
  });
});

/** One node of the shipped noop task. */
const noopWorkflow: WorkflowDefinition = {
  name: 'cli-noop',
  version: '1',
  description: 'Runs noop@1 once.',
  inputs: z.object({ value: z.number() }),
  nodes: [{ id: 'noop', task: 'noop@1', inputs: { value: { input: 'value' } } }],
  outputs: { value: { node: 'noop', output: 'value' } },
};

describe('fair worker', () => {
  it('runs queued attempts of the embedded database, one line each, until SIGTERM', async () => {
    const data = path.join(work, 'worker-data');
    const config = loadConfig({ FAIR_DATA_DIR: data });
    const workflows = [...builtinWorkflows, noopWorkflow];
    let runtime = await openWorkflowRuntime(config, { workflows });
    const id = await runtime.controlPlane.launch('cli-noop@1', { value: 7 });
    await runtime.close();

    const worker = spawn(
      process.execPath,
      [path.join(repoRoot, 'bin/fair.js'), 'worker', '--data', data, '--concurrency', '1'],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    worker.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    worker.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
    for (const start = Date.now(); !stdout.includes(`finished ${id}/noop#1`); await delay(50)) {
      if (Date.now() - start > 60_000)
        throw new Error(`worker did not finish the attempt: ${stdout} ${stderr}`);
    }
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toBe(`started ${id}/noop#1 noop@1\nfinished ${id}/noop#1 noop@1 SUCCEEDED\n`);
    expect(stderr).toMatch(/^worker \S+: database pglite:\/\/\/.*worker-data\/db/);

    runtime = await openWorkflowRuntime(config, { workflows });
    try {
      const done = await runtime.controlPlane.getExecution(id);
      expect(done.phase).toBe('SUCCEEDED');
      expect(done.outputs).toEqual({ value: 7 });
    } finally {
      await runtime.close();
    }
  });
});
