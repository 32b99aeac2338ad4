/** @module cli/commands/checkpoint.test — `fair checkpoint inspect` and `export` run as the real command line. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdam, parseModelCard, readCheckpoint, writeCheckpoint } from '../../ml/index.ts';
import { runFair, type FairRun } from '../test-support/run-fair.ts';

function fair(args: string[]): Promise<FairRun> {
  return runFair(args);
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fair-cli-checkpoint-'));
  const tensors = new Map([
    ['conv.weight', { data: new Float32Array(16 * 27), shape: [16, 3, 3, 3] }],
    ['conv.bias', { data: new Float32Array(16), shape: [16] }],
  ]);
  const adam = createAdam();
  adam.step(
    new Map([...tensors].map(([k, t]) => [k, t.data.slice()])),
    new Map([...tensors].map(([k, t]) => [k, t.data.slice()])),
    1e-3,
  );
  const architecture = {
    name: 'unet-s',
    classes: 4,
    inputSize: 256,
    normalization: { mean: [0, 0, 0], std: [1, 1, 1] },
  };
  await writeCheckpoint(path.join(dir, 'last.safetensors'), {
    tensors,
    metadata: { architecture, epoch: 2, step: 80, bestMetric: 0.37 },
    optimizer: adam.state(),
  });
  await writeFile(path.join(dir, 'broken.safetensors'), 'not a checkpoint at all');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fair checkpoint inspect', () => {
  it('reports architecture, progress, optimiser and parameter count as JSON', async () => {
    const run = await fair([
      'checkpoint',
      'inspect',
      path.join(dir, 'last.safetensors'),
      '--json',
      '--tensors',
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      formatVersion: 1,
      epoch: 2,
      step: 80,
      bestMetric: 0.37,
      optimizer: { kind: 'adam', steps: 1 },
      tensorCount: 2,
      parameters: 448,
      tensors: { 'conv.weight': [16, 3, 3, 3], 'conv.bias': [16] },
    });
  });

  it('fails with one line naming a file that is not a checkpoint', async () => {
    const run = await fair(['checkpoint', 'inspect', path.join(dir, 'broken.safetensors')]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/broken.safetensors is not a checkpoint/);
  });
});

describe('fair checkpoint export', () => {
  const base = path.resolve(import.meta.dirname, '../../../models/base-unet-s');

  it('exports the shipped base checkpoint to the same model.onnx bytes as the shipped export, with a valid card', async () => {
    const out = path.join(dir, 'base-export');
    const checkpointFile = path.join(base, 'checkpoint.safetensors');
    const run = await fair([
      'checkpoint',
      'export',
      checkpointFile,
      '--out',
      out,
      '--name',
      'base-again',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as { onnx: string; card: string };
    const [exported, shipped] = await Promise.all([
      readFile(printed.onnx),
      readFile(path.join(base, 'model.onnx')),
    ]);
    expect(exported.equals(shipped)).toBe(true);
    const card = parseModelCard(JSON.parse(await readFile(printed.card, 'utf8')));
    const { metadata } = await readCheckpoint(checkpointFile);
    expect(card).toMatchObject({
      name: 'base-again',
      architecture: 'unet-s',
      training: { checkpoint: checkpointFile, epoch: metadata.epoch, step: metadata.step },
      metrics: {},
    });
  });

  it('refuses a checkpoint that does not fit its architecture, writing nothing', async () => {
    const out = path.join(dir, 'misfit-export');
    const run = await fair(['checkpoint', 'export', path.join(dir, 'last.safetensors'), '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/last.safetensors does not fit unet-s/);
    await expect(readFile(path.join(out, 'model.onnx'))).rejects.toThrow(/ENOENT/);
  });
});
