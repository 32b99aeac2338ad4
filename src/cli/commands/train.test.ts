/** @module cli/commands/train.test — `fair train`, `fair evaluate` and `fair bench train` as the real command line. */
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORTED_METRIC_KEYS } from '../../ml/index.ts';
import { createSyntheticDataset } from '../../ml/trainer/test-support/synthetic-dataset.ts';
import { runFair, type FairRun } from '../test-support/run-fair.ts';

function fair(args: string[]): Promise<FairRun> {
  return runFair(args);
}

let work = '';
let datasetDir = '';
let out = '';
let trained: FairRun;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'fair-cli-train-'));
  datasetDir = (await createSyntheticDataset(path.join(work, 'data'), { tilesPerSide: 4 })).datasetDir;
  out = path.join(work, 'run');
  trained = await fair([
    'train',
    '--dataset',
    datasetDir,
    '--out',
    out,
    '--epochs',
    '2',
    '--batch-size',
    '4',
    '--base',
    'none',
    '--threads',
    '2',
    '--json',
  ]);
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const sortedKeys = (o: object) => Object.keys(o).sort();

describe('fair train', () => {
  it('writes every contract file and prints exactly the metric keys with --json', async () => {
    expect(trained.code, trained.stderr).toBe(0);
    const metrics = JSON.parse(trained.stdout) as Record<string, number>;
    expect(sortedKeys(metrics)).toEqual([...REPORTED_METRIC_KEYS].sort());
    for (const value of Object.values(metrics)) expect(value).toBeGreaterThanOrEqual(0);
    const files = [
      'model.onnx',
      'model.json',
      'checkpoint.best.safetensors',
      'checkpoint.last.safetensors',
      'metrics.json',
      'history.json',
      'history.png',
    ];
    for (const file of files) await expect(access(path.join(out, file))).resolves.toBeUndefined();
    expect(JSON.parse(await readFile(path.join(out, 'metrics.json'), 'utf8'))).toEqual(metrics);
    const history = JSON.parse(await readFile(path.join(out, 'history.json'), 'utf8'));
    expect(history.epochs).toHaveLength(2);
    expect(Object.keys(history.epochs[0])).toEqual(
      expect.arrayContaining(['trainLoss', 'valLoss', 'metrics']),
    );
    expect(trained.stderr).toMatch(/epoch 2\/2 loss \d/);
  });

  it('fails with one line naming a missing dataset', async () => {
    const missing = path.join(work, 'nothing-here');
    const run = await fair(['train', '--dataset', missing, '--out', path.join(work, 'x')]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `fair: error: ${path.join(missing, 'dataset.json')} does not exist: ${missing} is not a fAIr dataset folder`,
    );
  });
});

describe('fair evaluate', () => {
  it('gives the same metric keys, and the training numbers on the validation split', async () => {
    const run = await fair([
      'evaluate',
      '--model',
      path.join(out, 'model.onnx'),
      '--dataset',
      datasetDir,
      '--val-ratio',
      '0.2',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const metrics = JSON.parse(run.stdout) as Record<string, number>;
    expect(sortedKeys(metrics)).toEqual([...REPORTED_METRIC_KEYS].sort());
    const trainedMetrics = JSON.parse(trained.stdout) as Record<string, number>;
    for (const key of REPORTED_METRIC_KEYS)
      expect(metrics[key], key).toBeCloseTo(trainedMetrics[key] as number, 2);
  });
});

describe('fair evaluate --tta', () => {
  it('averages 8 symmetries of each chip, and names a count other than 1, 2, 4 or 8', async () => {
    const args = ['evaluate', '--model', path.join(out, 'model.onnx'), '--dataset', datasetDir];
    const averaged = await fair([...args, '--tta', '8']);
    expect(averaged.code, averaged.stderr).toBe(0);
    expect(averaged.stdout).toMatch(/averaged over 8 symmetries/);
    expect(averaged.stdout).toMatch(/objects: F1 \d/);
    const wrong = await fair([...args, '--tta', '3']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim()).toBe(
      'fair: error: test-time augmentation must be 1, 2, 4 or 8 symmetries, got 3',
    );
  });
});

describe('fair bench train', () => {
  it('prints ms per step and peak RSS as JSON', async () => {
    const run = await fair([
      'bench',
      'train',
      '--size',
      '64',
      '--batch-size',
      '2',
      '--steps',
      '2',
      '--warmup',
      '1',
      '--threads',
      '2',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { ms_per_step: number; rss_mb: number; batch_size: number };
    expect(result.ms_per_step).toBeGreaterThan(0);
    expect(result.rss_mb).toBeGreaterThan(50);
    expect(result.batch_size).toBe(2);
  });
});
