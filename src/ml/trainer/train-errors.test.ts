/**
 * @module ml/trainer/train-errors.test — bad input stops a run with one clear line: an empty dataset, a chip whose
 * mask has another size, a corrupt or mismatched checkpoint, a resume that contradicts its run, and a diverging loss.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCheckpoint } from '../checkpoint/index.ts';
import { declareModel } from '../models/index.ts';
import { createSyntheticDataset } from './test-support/synthetic-dataset.ts';
import { trainModel } from './train-model.ts';
import { checkpointArchitecture, LAST_CHECKPOINT_FILE } from './trainer-checkpoints.ts';

let work = '';
let datasetDir = '';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'fair-trainer-errors-'));
  datasetDir = (await createSyntheticDataset(join(work, 'data'), { tilesPerSide: 4 })).datasetDir;
}, 60_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const options = (out: string) => ({ datasetDir, out: join(work, out), epochs: 1, batchSize: 4, threads: 2 });

/** A copy of the dataset whose manifest is changed by `edit`. */
async function variant(name: string, edit: (manifest: Record<string, unknown>) => void): Promise<string> {
  const dir = join(work, name);
  await cp(datasetDir, dir, { recursive: true });
  const manifest = JSON.parse(await readFile(join(dir, 'dataset.json'), 'utf8')) as Record<string, unknown>;
  edit(manifest);
  await writeFile(join(dir, 'dataset.json'), JSON.stringify(manifest));
  return dir;
}

/** Writes a weights-only checkpoint of a model with its initial values. */
async function checkpointOf(name: string, model: 'unet-s' | 'unet-m', drop?: string): Promise<string> {
  const decl = declareModel(model, { classes: 1, inputSize: 64 });
  const values = decl.initParameters(1);
  const tensors = new Map(
    decl
      .parameters()
      .filter((p) => p.name !== drop)
      .map((p) => [p.name, { data: values.get(p.name) as Float32Array, shape: [...p.shape] }]),
  );
  const path = join(work, name);
  await writeCheckpoint(path, { tensors, metadata: { architecture: checkpointArchitecture(decl) } });
  return path;
}

describe('trainModel with bad datasets', () => {
  it('refuses an empty dataset', async () => {
    const dir = await variant('empty', (m) => (m['chips'] = []));
    await expect(trainModel({ ...options('o-empty'), datasetDir: dir })).rejects.toThrow(
      `dataset ${dir} has no chips`,
    );
  });

  it('names the chip whose mask does not match its image', async () => {
    const dir = await variant('mismatch', () => undefined);
    const manifest = JSON.parse(await readFile(join(dir, 'dataset.json'), 'utf8')) as {
      chips: { id: string; mask: string }[];
    };
    const chip = manifest.chips[5] as { id: string; mask: string };
    await sharp(new Uint8Array(32 * 32), { raw: { width: 32, height: 32, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toFile(join(dir, chip.mask));
    await expect(trainModel({ ...options('o-mismatch'), datasetDir: dir })).rejects.toThrow(
      `chip ${chip.id}: ${chip.mask} is 32x32, expected 64x64`,
    );
  });

  it('refuses chips of another size than the model input', async () => {
    await expect(trainModel({ ...options('o-size'), inputSize: 256 })).rejects.toThrow(
      'has 64 px chips, but the model input is 256 px',
    );
  });
});

describe('trainModel with bad checkpoints', () => {
  it('refuses a corrupt base or resume checkpoint', async () => {
    const corrupt = join(work, 'corrupt.safetensors');
    await writeFile(corrupt, Buffer.from('this is not a checkpoint, just text that is long enough'));
    await expect(trainModel({ ...options('o-corrupt'), base: corrupt })).rejects.toThrow(corrupt);
    await expect(trainModel({ ...options('o-corrupt'), resume: corrupt })).rejects.toThrow(corrupt);
    await expect(
      trainModel({ ...options('o-corrupt'), base: join(work, 'absent.safetensors') }),
    ).rejects.toThrow('does not exist');
  });

  it('names the mismatch of another architecture or a missing tensor', async () => {
    const unetM = await checkpointOf('unet-m.safetensors', 'unet-m');
    await expect(trainModel({ ...options('o-arch'), base: unetM })).rejects.toThrow(
      `base checkpoint ${unetM} is a unet-m, but the model is unet-s`,
    );
    const partial = await checkpointOf('partial.safetensors', 'unet-s', 'dec1.conv2.weight');
    await expect(trainModel({ ...options('o-partial'), base: partial })).rejects.toThrow(
      'lacks parameter dec1.conv2.weight',
    );
    await expect(trainModel({ ...options('o-weights'), resume: partial })).rejects.toThrow(
      'cannot be resumed: it holds no run or optimiser state',
    );
  });

  it('refuses a resume that contradicts the stored run', async () => {
    await trainModel(options('o-run'));
    const last = join(work, 'o-run', LAST_CHECKPOINT_FILE);
    await expect(
      trainModel({ datasetDir, out: join(work, 'o-run'), resume: last, batchSize: 2 }),
    ).rejects.toThrow("batchSize 2 differs from the run's 4");
  });
});

describe('trainModel with a diverging loss', () => {
  it('stops with a message naming the epoch and step', async () => {
    const run = trainModel({ ...options('o-nan'), lr: 1e6, schedule: { kind: 'constant' } });
    await expect(run).rejects.toThrow(
      /^training diverged at epoch 1, step 2 of 3 \(global step 2\): the loss is NaN, last finite loss [\d.]+; lower the learning rate \(it was 1000000\)$/,
    );
  });
});
