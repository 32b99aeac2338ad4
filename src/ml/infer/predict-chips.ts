/**
 * @module ml/infer/predict-chips — runs a model over a folder of chips and writes, per chip, `<id>.prob.png` (building
 * probability ×255) and `<id>.mask.png`, plus `predictions.json` (issue 3, §6).
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DatasetLayout } from '../../datasets/index.ts';
import { decodeImage, encodePng } from '../../imagery/index.ts';
import type { Tile } from '../../geo/index.ts';
import { AppError, invalid, isAppError, silentProgress } from '../../shared/index.ts';
import type { Progress } from '../../shared/index.ts';
import { ProbabilityCanvas, planWindows, resizeForPlan, windowInput } from './chip-windows.ts';
import type { WindowPlan } from './chip-windows.ts';
import { createInferenceSession } from './inference-session.ts';
import type { InferenceBackend, InferenceSession } from './inference-session.ts';
import { listChips } from './list-chips.ts';
import type { ChipSource } from './list-chips.ts';
import { checkSymmetryCount, symmetryAveraged } from './symmetry-averaging.ts';
import type { SymmetryCount } from './symmetry-averaging.ts';
import { loadModel } from './load-model.ts';
import type { LoadedModel } from './load-model.ts';
import { callerNormalization } from './model-card.ts';
import { classGrey, maskRaster, probabilityRaster } from './prediction-rasters.ts';
import { WindowBatcher } from './window-batcher.ts';

/** File name of the run summary inside the output folder. */
export const PREDICTIONS_FILE = 'predictions.json';

/** Options of {@link predictChips}. */
export type PredictChipsOptions = {
  /** `model.onnx`, a model folder or `model.json` (see `loadModel`), or an already loaded model. */
  model: string | LoadedModel;
  /** A folder of chips or a fAIr dataset folder (see `listChips`). */
  chipsDir: string;
  /** Output folder, created when missing; files of the same names are replaced. */
  outDir: string;
  /** Windows per model run, default 8. */
  batchSize?: number;
  /** Backend, default `node`. */
  backend?: InferenceBackend;
  /** Runtime threads, default the runtime's choice. */
  threads?: number;
  /** Binary-mask threshold, default the card's (0.5 unless the trainer chose another). */
  threshold?: number;
  /** Symmetries averaged per window (test-time augmentation, see {@link symmetryAveraged}), default 1. */
  tta?: number;
  /** Progress sink (one tick per chip), default silent. */
  progress?: Progress;
};

/** What was predicted for one chip. */
export type ChipPrediction = {
  id: string;
  source: string;
  width: number;
  height: number;
  /** Model windows the chip was split into. */
  windows: number;
  /** True when the chip was resampled to fit whole windows (its size is not a multiple of the input size). */
  resampled: boolean;
  /** Output file names, relative to the output folder. */
  probability: string;
  mask: string;
  /** Share of pixels the mask marks as not background. */
  foreground: number;
  tile?: Tile;
  window?: { col: number; row: number; of: number };
};

/** `predictions.json`: the model, the settings and one entry per chip. */
export type PredictionSummary = {
  format: 'fair-predictions';
  version: 1;
  model: {
    path: string;
    name: string;
    architecture: string;
    classes: number;
    classNames: string[];
    inputSize: number;
    sha256: string;
    card: LoadedModel['cardSource'];
  };
  backend: InferenceBackend;
  batchSize: number;
  /** Symmetries averaged per window (1 = no test-time augmentation). */
  tta: number;
  threshold: number;
  /** How to read the mask PNGs. */
  maskEncoding: string;
  chips: ChipPrediction[];
  /** Chips that could not be read, with the reason. */
  skipped: { id: string; source: string; reason: string }[];
  created: string;
  seconds: number;
};

type ChipState = { chip: ChipSource; plan: WindowPlan; canvas: ProbabilityCanvas; remaining: number };

function checkOptions(options: PredictChipsOptions): { batchSize: number; tta: SymmetryCount } {
  const batchSize = options.batchSize ?? 8;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1024)
    invalid(`batch size must be an integer from 1 to 1024, got ${batchSize}`);
  const { threshold } = options;
  if (threshold !== undefined && !(threshold >= 0 && threshold <= 1))
    invalid(`threshold must be a number from 0 to 1, got ${threshold}`);
  return { batchSize, tta: checkSymmetryCount(options.tta ?? 1) };
}

async function ensureOutDir(dir: string, chipsDir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (info !== undefined && !info.isDirectory())
    throw new AppError('CONFLICT', `output ${dir} exists and is not a folder`);
  if (
    resolve(dir) === resolve(chipsDir) &&
    (await stat(join(chipsDir, DatasetLayout.manifest)).catch(() => undefined))
  )
    invalid(`output folder ${dir} is the dataset folder itself; choose another --out`);
  await mkdir(dir, { recursive: true });
}

function maskEncoding(classes: number, names: readonly string[], threshold: number): string {
  if (classes === 1) return `255 where p(${names[0] ?? 'building'}) >= ${threshold}, else 0`;
  const levels = names.map((n, k) => `${classGrey(k, classes)} ${n}`);
  return `most probable class as grey: ${levels.join(', ')}`;
}

/** Decodes a chip; a chip that is not a readable image is skipped (returned as its reason), never fatal. */
async function decodeChip(chip: ChipSource): Promise<Awaited<ReturnType<typeof decodeImage>> | string> {
  try {
    return await decodeImage(new Uint8Array(await readFile(chip.path)), chip.path);
  } catch (error) {
    if (isAppError(error)) return error.message;
    if (error instanceof Error && 'code' in error)
      return `${chip.path} cannot be read (${String(error.code)})`;
    throw error;
  }
}

/** Writes the two PNGs of a finished chip. */
async function writeChip(
  state: ChipState,
  outDir: string,
  classes: number,
  threshold: number,
): Promise<ChipPrediction> {
  const { chip, plan } = state;
  const width = plan.x.size;
  const height = plan.y.size;
  const probabilities = state.canvas.finish();
  const probability = `${chip.id}.prob.png`;
  const mask = `${chip.id}.mask.png`;
  const masked = maskRaster(probabilities, classes, width, height, threshold);
  await writeFile(
    join(outDir, probability),
    await encodePng(probabilityRaster(probabilities, classes, width, height)),
  );
  await writeFile(join(outDir, mask), await encodePng(masked.raster));
  return {
    id: chip.id,
    source: chip.path,
    width,
    height,
    windows: plan.windows.length,
    resampled: plan.x.resized !== width || plan.y.resized !== height,
    probability,
    mask,
    foreground: masked.foreground / (width * height),
    ...(chip.tile === undefined ? {} : { tile: chip.tile }),
    ...(chip.window === undefined ? {} : { window: chip.window }),
  };
}

async function runChips(
  session: InferenceSession,
  model: LoadedModel,
  chips: readonly ChipSource[],
  settings: { outDir: string; batchSize: number; threshold: number; progress: Progress },
): Promise<{ done: ChipPrediction[]; skipped: PredictionSummary['skipped'] }> {
  const { inputSize: size, classes } = session;
  const normalization = callerNormalization(model.card);
  const done: ChipPrediction[] = [];
  const skipped: PredictionSummary['skipped'] = [];
  const batcher = new WindowBatcher<{ state: ChipState; window: { left: number; top: number } }>(
    (batch, n) => session.run(batch, n),
    { batchSize: settings.batchSize, inputLength: 3 * size * size, outputLength: classes * size * size },
    async ({ state, window }, output) => {
      state.canvas.place(output, window);
      if (--state.remaining > 0) return;
      done.push(await writeChip(state, settings.outDir, classes, settings.threshold));
      settings.progress.tick(1, state.chip.id);
    },
  );
  for (const chip of chips) {
    const image = await decodeChip(chip);
    if (typeof image === 'string') {
      skipped.push({ id: chip.id, source: chip.path, reason: image });
      settings.progress.tick(1, `skipped ${chip.id}`);
      continue;
    }
    const plan = planWindows(image.width, image.height, size);
    const resized = resizeForPlan(image, plan);
    const state: ChipState = {
      chip,
      plan,
      canvas: new ProbabilityCanvas(plan, classes),
      remaining: plan.windows.length,
    };
    for (const window of plan.windows)
      await batcher.add({ state, window }, windowInput(resized, window, size, normalization));
  }
  await batcher.flush();
  return { done, skipped };
}

/**
 * Predicts every chip of a folder. Chips larger than the model input are split into input-size windows (resampled
 * first when their size is not a multiple, as datasets split tiles), smaller ones padded with black; windows of all
 * chips run in batches and are reassembled at the chip's own size. Writes `<id>.prob.png` (grey: building probability
 * ×255; for several classes 1 − p(background)), `<id>.mask.png` (binary: 0/255 at the threshold; several classes: the
 * most probable class k as grey k·255/(classes − 1), i.e. 0/85/170/255 for background/footprint/boundary/contact)
 * and `predictions.json`. Chips that are not readable images are skipped and listed.
 * @param options - model, chipsDir, outDir; batchSize (8), backend (`node`), threads, threshold (the card's), progress
 * @returns the summary written to `predictions.json`
 * @throws AppError for a bad model or chips folder, bad options, an output path that is a file, or when no chip
 *   could be read
 * @example
 * const summary = await predictChips({ model: 'models/banepa', chipsDir: 'chips', outDir: 'predictions' });
 */
export async function predictChips(options: PredictChipsOptions): Promise<PredictionSummary> {
  const started = Date.now();
  const { batchSize, tta } = checkOptions(options);
  const model = typeof options.model === 'string' ? await loadModel(options.model) : options.model;
  const chips = await listChips(options.chipsDir);
  await ensureOutDir(options.outDir, options.chipsDir);
  const backend = options.backend ?? 'node';
  const threshold = options.threshold ?? model.card.threshold;
  const session = symmetryAveraged(
    await createInferenceSession(model.bytes, {
      backend,
      name: model.onnxPath,
      inputSize: model.card.inputSize,
      ...(options.threads === undefined ? {} : { threads: options.threads }),
    }),
    tta,
  );
  const progress = options.progress ?? silentProgress;
  let result: Awaited<ReturnType<typeof runChips>>;
  try {
    if (session.channels !== 3)
      invalid(`${model.onnxPath} takes ${session.channels} input channels; chips are RGB`);
    progress.start(chips.length, 'predict');
    result = await runChips(session, model, chips, {
      outDir: options.outDir,
      batchSize,
      threshold,
      progress,
    });
  } finally {
    await session.release();
  }
  if (result.done.length === 0)
    invalid(`no chip of ${options.chipsDir} could be read: ${result.skipped[0]?.reason ?? 'none found'}`);
  const { card } = model;
  const summary: PredictionSummary = {
    format: 'fair-predictions',
    version: 1,
    model: {
      path: model.onnxPath,
      name: card.name,
      architecture: card.architecture,
      classes: card.classes,
      classNames: [...card.classNames],
      inputSize: session.inputSize,
      sha256: model.sha256,
      card: model.cardSource,
    },
    backend,
    batchSize,
    tta,
    threshold,
    maskEncoding: maskEncoding(card.classes, card.classNames, threshold),
    chips: result.done,
    skipped: result.skipped,
    created: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
  };
  const path = join(options.outDir, PREDICTIONS_FILE);
  await writeFile(`${path}.tmp`, `${JSON.stringify(summary, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
  progress.done(`${result.done.length} chips`);
  return summary;
}
