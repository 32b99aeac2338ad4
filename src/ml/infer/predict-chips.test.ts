import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, encodePng } from '../../imagery/index.ts';
import { imageToChw } from '../train/index.ts';
import { exportModel } from './export-model.ts';
import { createInferenceSession } from './inference-session.ts';
import { loadModel } from './load-model.ts';
import type { LoadedModel } from './load-model.ts';
import { callerNormalization } from './model-card.ts';
import { predictChips } from './predict-chips.ts';
import type { PredictionSummary } from './predict-chips.ts';
import { smallModel } from './test-support/small-model.ts';

const banepa = resolve(import.meta.dirname, '../../..', '../shared/data/banepa/predict/oam');
const CHIPS = ['OAM-386697-220243-19.tif', 'OAM-386698-220244-19.tif', 'OAM-386699-220245-19.tif'];

let dir: string;
let binary: LoadedModel;
let multi: LoadedModel;

async function grey(path: string): Promise<{ width: number; height: number; data: Uint8Array }> {
  expect((await sharp(path).metadata()).channels).toBe(1);
  // sharp widens one-band images to sRGB on raw output unless told to stay b-w.
  const { data, info } = await sharp(path).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fair-predict-'));
  const b = smallModel(1, 256, 21);
  binary = await loadModel((await exportModel(join(dir, 'binary'), b.decl, b.params)).onnxPath);
  const m = smallModel(4, 64, 22);
  multi = await loadModel((await exportModel(join(dir, 'multi'), m.decl, m.params)).onnxPath);
  const chips = join(dir, 'banepa');
  await mkdir(chips);
  for (const name of CHIPS) await copyFile(join(banepa, name), join(chips, name));
  // Odd inputs: a 300 px chip (resampled), a 100×40 chip (padded), a broken file (skipped), an earlier output (ignored).
  const source = await decodeImage(await readFile(join(banepa, CHIPS[0] as string)));
  const crop = async (w: number, h: number): Promise<Buffer> =>
    sharp(source.data, { raw: { width: 512, height: 512, channels: 3 } })
      .extract({ left: 0, top: 0, width: w, height: h })
      .png()
      .toBuffer();
  const odd = join(dir, 'odd');
  await mkdir(odd);
  await writeFile(join(odd, 'wide.png'), await crop(300, 300));
  await writeFile(join(odd, 'small.png'), await crop(100, 40));
  await writeFile(join(odd, 'broken.jpg'), 'not an image');
  await writeFile(
    join(odd, 'old.prob.png'),
    await encodePng({ width: 2, height: 2, channels: 1, data: new Uint8Array(4) }),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('predictChips over Banepa chips', () => {
  let summary: PredictionSummary;
  const out = (): string => join(dir, 'out-binary');

  beforeAll(async () => {
    summary = await predictChips({
      model: binary,
      chipsDir: join(dir, 'banepa'),
      outDir: out(),
      batchSize: 3,
    });
  });

  it('writes a probability and a mask PNG per chip at the chip size, and predictions.json', async () => {
    const names = (await readdir(out())).sort();
    const stems = CHIPS.map((c) => c.replace('.tif', ''));
    expect(names).toEqual(
      [...stems.flatMap((s) => [`${s}.mask.png`, `${s}.prob.png`]), 'predictions.json'].sort(),
    );
    for (const stem of stems) {
      const prob = await grey(join(out(), `${stem}.prob.png`));
      const mask = await grey(join(out(), `${stem}.mask.png`));
      expect([prob.width, prob.height, mask.width, mask.height]).toEqual([512, 512, 512, 512]);
      expect(mask.data.every((v) => v === 0 || v === 255)).toBe(true);
      // The mask is the probability at the threshold (grey levels round p·255, hence the margin).
      for (let i = 0; i < mask.data.length; i += 97) {
        const p = prob.data[i] as number;
        if (p >= 129) expect(mask.data[i]).toBe(255);
        if (p <= 126) expect(mask.data[i]).toBe(0);
      }
    }
    const written = JSON.parse(await readFile(join(out(), 'predictions.json'), 'utf8')) as PredictionSummary;
    expect(written.chips).toHaveLength(3);
    expect(written.chips[0]).toMatchObject({ width: 512, height: 512, windows: 4, resampled: false });
    expect(written.chips[0]?.tile).toEqual({ x: 386697, y: 220243, z: 19 });
    expect(written.model).toMatchObject({
      architecture: 'unet-s',
      classes: 1,
      inputSize: 256,
      card: 'model.json',
    });
    expect(summary.skipped).toEqual([]);
  });

  it('places each window where it belongs (top-right window equals a direct run on that crop)', async () => {
    const image = await decodeImage(await readFile(join(banepa, CHIPS[1] as string)));
    const crop = new Uint8Array(256 * 256 * 3);
    for (let r = 0; r < 256; r++)
      crop.set(image.data.subarray((r * 512 + 256) * 3, (r * 512 + 512) * 3), r * 256 * 3);
    const session = await createInferenceSession(binary.bytes, { threads: 1 });
    const direct = await session.run(imageToChw(crop, 256, callerNormalization(binary.card)), 1);
    await session.release();
    const prob = await grey(join(out(), `${CHIPS[1]?.replace('.tif', '')}.prob.png`));
    for (let r = 0; r < 256; r += 17)
      for (let c = 0; c < 256; c += 13)
        expect(
          Math.abs(
            (prob.data[r * 512 + 256 + c] as number) - Math.round((direct[r * 256 + c] as number) * 255),
          ),
        ).toBeLessThanOrEqual(1);
  });

  it('averages flipped copies of each window with tta 4, and records it', async () => {
    const flipped = join(dir, 'out-tta');
    const averaged = await predictChips({
      model: binary,
      chipsDir: join(dir, 'banepa'),
      outDir: flipped,
      tta: 4,
    });
    expect([summary.tta, averaged.tta]).toEqual([1, 4]);
    const stem = CHIPS[0]?.replace('.tif', '') ?? '';
    const [plain, tta] = [
      await grey(join(out(), `${stem}.prob.png`)),
      await grey(join(flipped, `${stem}.prob.png`)),
    ];
    const changed = plain.data.filter((v, i) => Math.abs(v - (tta.data[i] as number)) > 2).length;
    expect(changed).toBeGreaterThan(plain.data.length / 100);
  });

  it('gives the same PNGs on the web backend (within one grey level)', async () => {
    const chips = join(dir, 'tiny');
    await mkdir(chips);
    await copyFile(join(dir, 'odd', 'small.png'), join(chips, 'small.png'));
    const [node, web] = [join(dir, 'out-node'), join(dir, 'out-web')];
    await predictChips({ model: multi, chipsDir: chips, outDir: node, threads: 1 });
    const summary = await predictChips({
      model: multi,
      chipsDir: chips,
      outDir: web,
      backend: 'web',
      threads: 1,
    });
    expect(summary.backend).toBe('web');
    const [probNode, probWeb] = [
      await grey(join(node, 'small.prob.png')),
      await grey(join(web, 'small.prob.png')),
    ];
    expect(probNode.data.some((v) => v !== probNode.data[0])).toBe(true);
    expect(probNode.data.every((v, i) => Math.abs(v - (probWeb.data[i] as number)) <= 1)).toBe(true);
    // Argmax may flip only where two classes tie within the 1e-4 the backends may differ by.
    const [maskNode, maskWeb] = [
      await grey(join(node, 'small.mask.png')),
      await grey(join(web, 'small.mask.png')),
    ];
    expect(maskNode.data.filter((v, i) => v !== maskWeb.data[i]).length).toBeLessThanOrEqual(2);
  });
});

describe('predictChips on odd chips', () => {
  it('resamples, pads, skips unreadable files and ignores earlier outputs', async () => {
    const outDir = join(dir, 'out-odd');
    const ticks: string[] = [];
    const progress = {
      start: () => undefined,
      tick: (_n?: number, info?: string) => void ticks.push(info ?? ''),
      done: () => undefined,
    };
    const summary = await predictChips({
      model: binary,
      chipsDir: join(dir, 'odd'),
      outDir,
      threshold: 0,
      progress,
    });
    expect(summary.chips.map((c) => [c.id, c.width, c.height, c.windows, c.resampled])).toEqual([
      ['small', 100, 40, 1, false],
      ['wide', 300, 300, 1, true],
    ]);
    expect(summary.skipped).toEqual([
      expect.objectContaining({
        id: 'broken',
        reason: expect.stringMatching(/broken\.jpg is not a PNG, JPEG/),
      }),
    ]);
    expect(ticks).toHaveLength(3);
    const small = await grey(join(outDir, 'small.mask.png'));
    expect([small.width, small.height]).toEqual([100, 40]);
    expect(small.data.every((v) => v === 255)).toBe(true);
  });

  it('writes RAMP class masks as grey levels 0/85/170/255 for a 4-class model', async () => {
    const outDir = join(dir, 'out-multi');
    const summary = await predictChips({ model: multi, chipsDir: join(dir, 'odd'), outDir });
    expect(summary.maskEncoding).toMatch(/0 background, 85 footprint, 170 boundary, 255 contact/);
    const mask = await grey(join(outDir, 'wide.mask.png'));
    expect([mask.width, mask.height]).toEqual([300, 300]);
    expect(new Set(mask.data).size).toBeGreaterThan(1);
    expect([...new Set(mask.data)].every((v) => [0, 85, 170, 255].includes(v))).toBe(true);
    expect(summary.chips.find((c) => c.id === 'wide')?.windows).toBe(25);
  });

  it('refuses bad options and folders without chips with one clear message', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await expect(predictChips({ model: binary, chipsDir: empty, outDir: join(dir, 'x') })).rejects.toThrow(
      /holds no PNG, JPEG, TIFF or WebP chips/,
    );
    await expect(
      predictChips({ model: binary, chipsDir: join(dir, 'odd'), outDir: join(dir, 'x'), batchSize: 0 }),
    ).rejects.toThrow(/batch size must be/);
    await expect(
      predictChips({ model: binary, chipsDir: join(dir, 'odd'), outDir: join(dir, 'x'), threshold: 2 }),
    ).rejects.toThrow(/threshold must be/);
    await expect(
      predictChips({ model: binary, chipsDir: join(dir, 'odd'), outDir: join(dir, 'x'), tta: 3 }),
    ).rejects.toThrow(/test-time augmentation must be 1, 2, 4 or 8 symmetries, got 3/);
    await expect(
      predictChips({ model: binary, chipsDir: join(dir, 'missing'), outDir: join(dir, 'x') }),
    ).rejects.toMatchObject({ code: 'RESOURCE_DOES_NOT_EXIST' });
  });
});
