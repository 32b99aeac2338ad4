/**
 * @module ml/trainer/evaluate-model — `evaluateModel`: scores an exported model (`model.onnx` + `model.json`) on a
 * dataset folder with the same pixel and object metrics as training validation (`fair evaluate`, issue 3 §8).
 */
import { readDataset } from '../../datasets/index.ts';
import type { ChipEntry } from '../../datasets/index.ts';
import { invalid, silentProgress } from '../../shared/index.ts';
import type { Progress } from '../../shared/index.ts';
import {
  callerNormalization,
  checkSymmetryCount,
  createInferenceSession,
  loadModel,
  symmetryAveraged,
} from '../infer/index.ts';
import type { SegmentationMetrics } from '../metrics/index.ts';
import { evaluationInput } from './batches.ts';
import { createChipScorer, minBuildingPixels } from './chip-scoring.ts';
import { chipMask, loadChipStore } from './chip-store.ts';
import { splitDatasetChips } from './dataset-split.ts';
import { reportedMetrics } from './history.ts';
import type { ReportedMetrics } from './history.ts';

/** Options of {@link evaluateModel}. */
export type EvaluateOptions = {
  /** `model.onnx` (with `model.json` beside it), a model folder, or a `model.json`. */
  model: string;
  /** Dataset folder. */
  datasetDir: string;
  /** Score only the validation side of the training split with this ratio (and `seed`), default every chip. */
  valRatio?: number;
  /** Seed of that split, default 42 (the training default). */
  seed?: number;
  /** Chips per inference run, default 8. */
  batchSize?: number;
  /** onnxruntime threads, default one per core. */
  threads?: number;
  /** Symmetries averaged per chip (test-time augmentation, see `symmetryAveraged`), default 1. */
  tta?: number;
  /** Progress in chips. */
  progress?: Progress;
  signal?: AbortSignal;
};

/** Scores of a model on a dataset. */
export type EvaluationResult = {
  /** The reported keys (pixel_iou, pixel_precision, pixel_recall, object_f1, object_precision, object_recall). */
  metrics: ReportedMetrics;
  /** Every score, with object counts. */
  details: SegmentationMetrics;
  /** Chips scored. */
  chips: number;
  /** The model's mask kind and the dataset's. */
  modelKind: 'binary' | 'multi';
  datasetKind: 'binary' | 'multi';
};

function chipsToScore(
  options: EvaluateOptions,
  manifest: Awaited<ReturnType<typeof readDataset>>,
): ChipEntry[] {
  if (manifest.chips.length === 0) invalid(`dataset ${options.datasetDir} has no chips`);
  if (options.valRatio === undefined) return manifest.chips;
  return splitDatasetChips(manifest, options.datasetDir, options.valRatio, options.seed ?? 42).val;
}

/**
 * Runs a model over a dataset's chips and scores it. Binary models threshold at the card's `threshold`; multi-class
 * models take the most probable class and separate touching buildings by footprint seeds. A binary model on a
 * multi-class dataset is scored against footprint + boundary pixels and the dataset's separated buildings.
 * @param options - see {@link EvaluateOptions}
 * @returns the reported metrics, all scores and the chip count
 * @throws AppError RESOURCE_DOES_NOT_EXIST for a missing model or dataset; INVALID_PARAMETER_VALUE for an empty
 *   dataset, chips whose size is not the model's input size, or a bad model file
 * @example
 * const { metrics } = await evaluateModel({ model: 'runs/banepa/model.onnx', datasetDir: 'datasets/banepa-test' });
 */
export async function evaluateModel(options: EvaluateOptions): Promise<EvaluationResult> {
  const tta = checkSymmetryCount(options.tta ?? 1);
  const model = await loadModel(options.model);
  const manifest = await readDataset(options.datasetDir);
  const entries = chipsToScore(options, manifest);
  const { card } = model;
  if (manifest.chipSize !== card.inputSize)
    invalid(
      `dataset ${options.datasetDir} has ${manifest.chipSize} px chips, but model ${model.onnxPath} takes ${card.inputSize} px`,
    );
  const store = await loadChipStore(
    options.datasetDir,
    manifest,
    entries,
    options.signal === undefined ? {} : { signal: options.signal },
  );
  const session = symmetryAveraged(
    await createInferenceSession(model.bytes, {
      name: model.onnxPath,
      ...(options.threads === undefined ? {} : { threads: options.threads }),
    }),
    tta,
  );
  const scorer = createChipScorer({
    size: store.size,
    classes: card.classes,
    truthKind: manifest.maskKind,
    minPredictedPixels: minBuildingPixels(manifest),
    threshold: card.threshold,
  });
  const normalization = callerNormalization(card);
  const batchSize = options.batchSize ?? 8;
  const plane = store.size * store.size;
  const progress = options.progress ?? silentProgress;
  progress.start(store.count, 'chips');
  try {
    for (let first = 0; first < store.count; first += batchSize) {
      options.signal?.throwIfAborted();
      const count = Math.min(batchSize, store.count - first);
      const probabilities = await session.run(evaluationInput(store, first, count, normalization), count);
      const per = card.classes * plane;
      for (let k = 0; k < count; k++)
        scorer.add(probabilities.subarray(k * per, (k + 1) * per), chipMask(store, first + k));
      progress.tick(count);
    }
  } finally {
    await session.release();
  }
  progress.done();
  const details = scorer.result();
  return {
    metrics: reportedMetrics(details),
    details,
    chips: store.count,
    modelKind: card.maskKind,
    datasetKind: manifest.maskKind,
  };
}
