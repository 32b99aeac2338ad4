/**
 * @module ml/trainer/train-model.test — the training loop on a tiny synthetic dataset (64 px chips, real onnxruntime):
 * the loss falls, runs repeat exactly, a resumed run equals an uninterrupted one, a frozen encoder stays as loaded,
 * and a binary base fine-tunes into a 4-class model.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../checkpoint/index.ts';
import { declareModel } from '../models/index.ts';
import type { EpochRecord } from './history.ts';
import { createSyntheticDataset } from './test-support/synthetic-dataset.ts';
import { trainModel } from './train-model.ts';
import type { TrainOptions } from './train-options.ts';
import { BEST_CHECKPOINT_FILE, LAST_CHECKPOINT_FILE } from './trainer-checkpoints.ts';

let work = '';
let binaryDir = '';
let multiDir = '';
/** The reference run: 2 epochs of 3 steps, read-only for every test. */
let full: Awaited<ReturnType<typeof trainModel>>;
const fullLosses: number[] = [];

const common = (out: string): TrainOptions => ({
  datasetDir: binaryDir,
  out: join(work, out),
  epochs: 2,
  batchSize: 4,
  lr: 3e-3,
  threads: 2,
});

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'fair-trainer-'));
  binaryDir = (await createSyntheticDataset(join(work, 'binary'), { tilesPerSide: 4 })).datasetDir;
  multiDir = (
    await createSyntheticDataset(join(work, 'multi'), { tilesPerSide: 4, maskKind: 'multi', shift: [4, 0] })
  ).datasetDir;
  full = await trainModel(common('full'), { onStep: (s) => fullLosses.push(s.loss) });
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Largest absolute difference between the parameters of two checkpoints. */
async function weightDistance(a: string, b: string): Promise<number> {
  const [x, y] = [await readCheckpoint(a), await readCheckpoint(b)];
  let max = 0;
  for (const [name, t] of x.tensors) {
    const other = y.tensors.get(name)?.data as Float32Array;
    for (let i = 0; i < t.data.length; i++)
      max = Math.max(max, Math.abs((t.data[i] as number) - (other[i] as number)));
  }
  return max;
}

const withoutTime = (epochs: EpochRecord[]) => epochs.map((e) => ({ ...e, seconds: 0 }));

describe('trainModel', () => {
  it('lowers the loss on a tiny synthetic set and writes every output', async () => {
    const losses = fullLosses;
    expect(full.config).toMatchObject({ trainChips: 12, valChips: 4, classes: 1, maskKind: 'binary' });
    expect(losses).toHaveLength(6);
    expect((losses[4] as number) + (losses[5] as number)).toBeLessThan(
      ((losses[0] as number) + (losses[1] as number)) * 0.9,
    );
    expect(full.history.epochs).toHaveLength(2);
    expect(Object.keys(full.files).sort()).toEqual([
      'bestCheckpoint',
      'card',
      'history',
      'lastCheckpoint',
      'metrics',
      'onnx',
      'picture',
    ]);
    const card = JSON.parse(await readFile(join(work, 'full', 'model.json'), 'utf8'));
    expect(card).toMatchObject({ architecture: 'unet-s', classes: 1, inputSize: 64, metrics: full.metrics });
  });

  it('repeats exactly with the same seed, and a resumed run equals the uninterrupted one', async () => {
    const stop = new AbortController();
    const first = await trainModel(
      { ...common('resume'), signal: stop.signal },
      { onEpoch: () => stop.abort() },
    );
    expect(first.stopReason).toBe('aborted');
    expect(withoutTime(first.history.epochs)).toEqual(withoutTime(full.history.epochs.slice(0, 1)));
    const resumed = await trainModel({
      datasetDir: binaryDir,
      out: join(work, 'resume'),
      resume: join(work, 'resume', LAST_CHECKPOINT_FILE),
      threads: 2,
    });
    expect(resumed.stopReason).toBe('completed');
    expect(
      await weightDistance(
        join(work, 'full', LAST_CHECKPOINT_FILE),
        join(work, 'resume', LAST_CHECKPOINT_FILE),
      ),
    ).toBeLessThan(1e-5);
    expect(resumed.history.epochs[1]?.metrics.pixel_iou).toBeCloseTo(
      full.history.epochs[1]?.metrics.pixel_iou as number,
      4,
    );
  });

  it('resumes from the middle of an epoch at the same step', async () => {
    const stop = new AbortController();
    const notes: string[] = [];
    await trainModel(
      { ...common('mid'), signal: stop.signal },
      { onStep: (s) => s.step === 4 && stop.abort() },
    );
    const loaded = await readCheckpoint(join(work, 'mid', LAST_CHECKPOINT_FILE));
    expect([loaded.metadata.epoch, loaded.metadata.step]).toEqual([1, 4]);
    const resumed = await trainModel(
      {
        datasetDir: binaryDir,
        out: join(work, 'mid'),
        resume: join(work, 'mid', LAST_CHECKPOINT_FILE),
        threads: 2,
      },
      { onNote: (n) => notes.push(n) },
    );
    expect(notes.some((n) => n.includes('at epoch 2, step 5'))).toBe(true);
    expect(resumed.history.epochs[1]?.trainLoss).toBeCloseTo(full.history.epochs[1]?.trainLoss as number, 5);
    expect(
      await weightDistance(join(work, 'full', LAST_CHECKPOINT_FILE), join(work, 'mid', LAST_CHECKPOINT_FILE)),
    ).toBeLessThan(1e-5);
  });

  it('leaves encoder weights and statistics as loaded when the encoder is frozen', async () => {
    const base = join(work, 'full', BEST_CHECKPOINT_FILE);
    await trainModel({ ...common('frozen'), epochs: 1, base, freezeEncoder: true });
    const [before, after] = [
      await readCheckpoint(base),
      await readCheckpoint(join(work, 'frozen', LAST_CHECKPOINT_FILE)),
    ];
    const decl = declareModel('unet-s', { classes: 1, inputSize: 64 });
    const encoder = decl.parameters().filter((p) => p.encoder);
    expect(encoder.length).toBeGreaterThan(20);
    for (const p of encoder)
      expect(after.tensors.get(p.name)?.data, p.name).toEqual(before.tensors.get(p.name)?.data);
    expect(after.tensors.get('head.weight')?.data).not.toEqual(before.tensors.get('head.weight')?.data);
  });
});

describe('trainModel early stopping', () => {
  it('stops when the monitored score stalls for `patience` epochs and exports the best epoch', async () => {
    const notes: string[] = [];
    const earlyStopping = { monitor: 'val_loss' as const, patience: 1, minDelta: 100 };
    const result = await trainModel(
      { ...common('early'), epochs: 5, earlyStopping },
      { onNote: (n) => notes.push(n) },
    );
    expect(result.stopReason).toBe('early-stopped');
    expect(result.history.epochs).toHaveLength(2);
    expect(result.history.bestEpoch).toBe(1);
    expect(notes).toContain('early stop after epoch 2: val_loss did not improve for 1 epochs (best epoch 1)');
    const best = await readCheckpoint(join(work, 'early', BEST_CHECKPOINT_FILE));
    expect([best.metadata.epoch, best.metadata.bestMetric]).toEqual([1, result.history.epochs[0]?.valLoss]);
  });
});

describe('trainModel on multi-class masks', () => {
  it('fine-tunes a binary base into 4 classes by re-initialising the head, with cross-entropy + Dice', async () => {
    const notes: string[] = [];
    const result = await trainModel(
      {
        datasetDir: multiDir,
        out: join(work, 'multi-out'),
        epochs: 1,
        batchSize: 4,
        threads: 2,
        loss: 'ce-dice',
        base: join(work, 'full', BEST_CHECKPOINT_FILE),
      },
      { onNote: (n) => notes.push(n) },
    );
    expect(notes.join('\n')).toMatch(
      /has 1 classes; the head \(head\.weight, head\.bias\) was re-initialised for 4/,
    );
    expect(result.config).toMatchObject({ classes: 4, maskKind: 'multi', monitor: 'val_loss' });
    expect(result.config.loss).toMatchObject({ kind: 'softmax-ce', diceWeight: 1 });
    expect(Number.isFinite(result.metrics?.object_f1)).toBe(true);
    const card = JSON.parse(await readFile(join(work, 'multi-out', 'model.json'), 'utf8'));
    expect(card).toMatchObject({ classes: 4, maskKind: 'multi', activation: 'softmax' });
    expect(card.training.loss).toMatchObject({ kind: 'softmax-ce', diceWeight: 1 });
  });

  it('skips a default base that does not fit, and one that is missing', async () => {
    const notes: string[] = [];
    const options = {
      datasetDir: multiDir,
      out: join(work, 'multi-default'),
      epochs: 1,
      batchSize: 4,
      threads: 2,
    };
    await trainModel(
      { ...options, baseIfCompatible: join(work, 'full', BEST_CHECKPOINT_FILE) },
      { onNote: (n) => notes.push(n) },
    );
    expect(notes[0]).toMatch(/not used \(it has 1 classes, the dataset needs 4\): training from scratch/);
    const missing = join(work, 'nowhere', 'checkpoint.safetensors');
    const run = await trainModel(
      { ...options, baseIfCompatible: missing, earlyStopping: { patience: 1 } },
      { onNote: (n) => notes.push(n) },
    );
    expect(notes).toContain(`no base checkpoint at ${missing}: training from scratch`);
    expect(run.config.base).toBeNull();
  });
});
