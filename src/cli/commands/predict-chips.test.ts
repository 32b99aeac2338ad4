/**
 * @module cli/commands/predict-chips.test — `fair predict-chips` run as the real command line on Banepa chips with a
 * freshly exported small model, and on bad input.
 */
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declareModel, exportModel } from '../../ml/index.ts';
import { runFair, type FairRun } from '../test-support/run-fair.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const banepa = path.resolve(root, '../shared/data/banepa/predict/oam');
const chip = 'OAM-386700-220246-19.tif';

function fair(args: string[]): Promise<FairRun> {
  return runFair(args);
}

let dir = '';
let chips = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fair-predict-cli-'));
  chips = path.join(dir, 'chips');
  await mkdir(chips);
  await copyFile(path.join(banepa, chip), path.join(chips, chip));
  const decl = declareModel('unet-s', { classes: 1, inputSize: 128 });
  await exportModel(path.join(dir, 'model'), decl, decl.initParameters(3), { name: 'cli-test' });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fair predict-chips', () => {
  it('writes probability and mask PNGs and prints the summary as JSON', async () => {
    const out = path.join(dir, 'out');
    const run = await fair([
      'predict-chips',
      '--model',
      path.join(dir, 'model'),
      '--chips',
      chips,
      '--out',
      out,
      '--json',
    ]);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as {
      chips: { id: string; windows: number }[];
      model: { name: string };
    };
    expect(summary.model.name).toBe('cli-test');
    expect(summary.chips).toEqual([expect.objectContaining({ id: chip.replace('.tif', ''), windows: 16 })]);
    expect((await readdir(out)).sort()).toEqual([
      'OAM-386700-220246-19.mask.png',
      'OAM-386700-220246-19.prob.png',
      'predictions.json',
    ]);
  });

  it('exits non-zero with one line when the model file is not ONNX', async () => {
    const fake = path.join(dir, 'fake.onnx');
    await writeFile(fake, 'hello, I am not a model\n');
    const run = await fair([
      'predict-chips',
      '--model',
      fake,
      '--chips',
      chips,
      '--out',
      path.join(dir, 'never'),
    ]);
    expect(run.code).not.toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`fair: error: ${fake} is not an ONNX model: its bytes are not protobuf`);
  });

  it('exits non-zero with one line for a missing model and a bad backend', async () => {
    const missing = await fair([
      'predict-chips',
      '--model',
      path.join(dir, 'nope'),
      '--chips',
      chips,
      '--out',
      dir,
    ]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/model .*nope does not exist/);
    const backend = await fair([
      'predict-chips',
      '--model',
      dir,
      '--chips',
      chips,
      '--out',
      dir,
      '--backend',
      'gpu',
    ]);
    expect(backend.code).not.toBe(0);
    expect(backend.stderr).toMatch(/backend "gpu" is not node or web/);
  });
});
